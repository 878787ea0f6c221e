"""The company import over the API (SPEC §2, onboarding): send the file, get the report.

``POST /imports/company/check`` is the dry run: it writes nothing and answers the report, sheet
by sheet — problems (row, column, value, message), what would be created, updated or left
unchanged, and the rows the company has that the file does not mention. ``POST
/imports/company/apply`` writes the file all or nothing and answers the same report; a file
with problems is refused (400, ``code`` ``import_has_problems``, the report in ``plan``).

Both answer when the work is done: a group's file of hundreds of thousands of rows takes minutes,
for which the console's import page (a background task with progress) or ``propdesk import
company`` suit better. Administrators whose scope is the whole company only, into their own
company (a superuser with no company names it in ``company``).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from propdesk.core.schemas import ErrorOut

from .onboarding import jobs
from .onboarding import services as onboarding
from .onboarding.report import Plan

router = Router(tags=["onboarding"])


class ImportProblemOut(Schema):
    row: int | None = Field(description="the row as Excel numbers it; null: the whole sheet")
    column: str
    value: str
    message: str


class ImportCountsOut(Schema):
    created: int
    updated: int
    unchanged: int


class ImportMissingOut(Schema):
    count: int
    listed: list[str] = Field(description="the first of them, by their keys")


class ImportSheetOut(Schema):
    key: str = Field(description="places, departments, staff, rooms or residents")
    name: str = Field(description="the sheet's name in the file")
    in_file: bool
    rows: int
    problem_count: int
    problems: list[ImportProblemOut] = Field(
        description="up to 5,000 per sheet; problem_count is all"
    )
    counts: dict[str, ImportCountsOut] = Field(description="by kind of row: 项目, 房屋, 住户 …")
    missing: dict[str, ImportMissingOut] = Field(
        description="rows the company has, not in the file"
    )


class ImportPlanOut(Schema):
    company: str
    file_name: str
    applied: bool
    ok: bool = Field(description="no problem: the file can be applied")
    problem_count: int
    changes: int = Field(description="rows created or updated (or that would be)")
    sheets: list[ImportSheetOut]


class ImportRefusedOut(ErrorOut):
    plan: ImportPlanOut | None = None


def _out(plan: Plan) -> dict:
    return {
        "company": plan.company,
        "file_name": plan.file_name,
        "applied": plan.applied,
        "ok": plan.ok,
        "problem_count": plan.problem_count,
        "changes": plan.changes,
        "sheets": [
            {
                "key": s.key,
                "name": s.name,
                "in_file": s.in_file,
                "rows": s.rows,
                "problem_count": s.problem_count,
                "problems": s.problems,
                "counts": s.counts,
                "missing": s.missing,
            }
            for s in plan.sheets
        ],
    }


@router.post(
    "/imports/company/check",
    response={200: ImportPlanOut, 400: ErrorOut, 403: ErrorOut},
    summary="Check a company file (dry run): the report, nothing written",
)
def check_company_file(request: HttpRequest, file: File[UploadedFile], company: Form[str] = ""):
    target = jobs.importing_company(request.user, company)
    return _out(onboarding.dry_run(target, file, name=file.name or ""))


@router.post(
    "/imports/company/apply",
    response={200: ImportPlanOut, 400: ImportRefusedOut, 403: ErrorOut},
    summary="Import a company file, all or nothing: the report of what was written",
)
def apply_company_file(request: HttpRequest, file: File[UploadedFile], company: Form[str] = ""):
    target = jobs.importing_company(request.user, company)
    try:
        with transaction.atomic():  # the audit row with the rows, or neither
            plan = onboarding.apply(target, file, name=file.name or "")
            jobs.record_import(request.user, target, plan)
    except onboarding.ImportHasProblems as refused:
        return Status(400, {**refused.as_dict(), "plan": _out(refused.plan)})
    return _out(plan)
