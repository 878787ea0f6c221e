"""The import page's jobs (SPEC §2, onboarding): an administrator uploads the company file, a
background task checks it (the dry run) and stores the report on the job; when the report has
no problem the administrator applies it and a second task writes it, all or nothing.

A group's file takes minutes, longer than a request may: both steps run in the worker, and
say how far they are in a small progress file beside the upload (the apply is one database
transaction, so a progress written to the database would not be seen until the end). The page
reads it while the job runs, so a reload finds the bar where it was.

Who may import: an administrator (SPEC §1) whose scope is the whole company, into that company;
a superuser with no company names it. An administrator of some projects may not: a company file
reaches every project (and creates staff of any scope).
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.audit import audit
from propdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from propdesk.core.models import AuditAction
from propdesk.org.choices import Role, ScopeLevel
from propdesk.org.models import Company, User
from propdesk.org.roles import has_role, require_role

from ..models import CompanyImport, ImportStatus
from .engine import run
from .reading import FileRefused
from .report import ImportHasProblems, Plan, plan_from_json, plan_to_json

logger = logging.getLogger(__name__)

IMPORT_ROLES = frozenset({Role.ADMIN})
#: The suffixes the reader knows; anything else is refused before it is stored.
SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".zip")
#: The progress file is written at most this often (seconds): a bar, not a log.
PROGRESS_EVERY_SECONDS = 0.5
#: A running job whose progress has not moved for this long is shown as stalled (its worker
#: may have stopped); the page says so instead of turning forever.
STALLED_AFTER_SECONDS = 10 * 60


def may_import(user: User) -> bool:
    """Whether ``user`` may import or export a whole company's file (the page, the API, the
    admin's lists)."""
    return has_role(user, IMPORT_ROLES) and (
        user.is_superuser or user.scope_level == ScopeLevel.COMPANY
    )


def require_importer(user: User) -> None:
    """Refuse unless ``user`` may import or export a whole company's file."""
    require_role(user, IMPORT_ROLES, _("只有系统管理员可以导入公司数据"))
    if not may_import(user):
        raise PermissionDenied(_("导入、导出公司数据须有全公司的数据范围"))


def importing_company(user: User, code: str = "") -> Company:
    """The company ``user`` imports into: their own; a superuser without one names it by code."""
    require_importer(user)
    if user.company_id and not code:
        return user.company  # type: ignore[return-value]
    if user.company_id and code != user.company.code:  # type: ignore[union-attr]
        raise PermissionDenied(_("只能导入本公司的数据"))
    if not code:
        raise InvalidInput(_("请选择公司"), field="company")
    company = Company.objects.filter(code=code).first()
    if company is None:
        raise InvalidInput(_("没有编码为“%(code)s”的公司") % {"code": code}, field="company")
    return company


def jobs_for(user: User) -> QuerySet[CompanyImport]:
    """The imports ``user`` may see: their company's, or every company's for a superuser."""
    require_importer(user)
    jobs = CompanyImport.objects.select_related("company", "uploaded_by", "applied_by")
    if user.company_id:
        return jobs.filter(company_id=user.company_id)
    if user.is_superuser:
        return jobs
    return jobs.none()


def get_job(user: User, pk: int) -> CompanyImport:
    job = jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise NotFound(_("没有这次导入"))
    return job


def upload(
    user: User, company: Company, file: UploadedFile, *, now: datetime | None = None
) -> CompanyImport:
    """Keep ``file`` as a new import of ``company`` and book its check."""
    require_importer(user)
    if not user.is_superuser and company.pk != user.company_id:
        raise PermissionDenied(_("只能导入本公司的数据"))
    name = os.path.basename(file.name or "")
    if not name.lower().endswith(SUFFIXES):
        if name.lower().endswith(".xls"):
            raise InvalidInput(
                _("这是旧版 Excel 文件(.xls);请在 Excel 中另存为 .xlsx 再导入"), field="file"
            )
        raise InvalidInput(_("不支持的文件格式;请使用 .xlsx 工作簿或 CSV 文件"), field="file")
    if file.size is not None and file.size > settings.IMPORT_MAX_BYTES:
        raise InvalidInput(
            _("文件超过 %(mb)s MB,请分成几个文件导入")
            % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    job = CompanyImport(
        company=company,
        file_name=name,
        size=file.size or 0,
        uploaded_by=user,
        uploaded_at=clock.resolve(now),
    )
    with transaction.atomic():
        job.file.save(name, file, save=False)
        job.save()
        _progress_writer(job.pk)
        transaction.on_commit(lambda: _book("check", job.pk))
    return job


def start_apply(user: User, job: CompanyImport) -> CompanyImport:
    """Book the apply of a checked import whose report has no problem."""
    require_importer(user)
    if not user.is_superuser and job.company_id != user.company_id:
        raise PermissionDenied(_("只能导入本公司的数据"))
    with transaction.atomic():
        job = CompanyImport.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.CHECKED:
            raise Conflict(
                _("这次导入的状态是“%(status)s”,不能导入") % {"status": job.get_status_display()}
            )
        if report_of(job).problem_count:
            raise InvalidInput(_("文件中有问题,请下载有问题的行,改正后重新上传"))
        job.status = ImportStatus.APPLYING
        job.applied_by = user
        job.error = ""
        job.save(update_fields=["status", "applied_by", "error"])
        _progress_writer(job.pk)  # the bar starts again at 0, from now
        transaction.on_commit(lambda: _book("apply", job.pk))
    return job


def report_of(job: CompanyImport) -> Plan:
    if job.plan is None:
        raise Conflict(_("还没有检查结果"))
    return plan_from_json(job.plan)


def check(pk: int, *, now: datetime | None = None) -> None:
    """The check task: the dry run of the upload, its report kept on the job."""
    job = CompanyImport.objects.select_related("company").get(pk=pk)
    if job.status != ImportStatus.CHECKING:
        return  # already done: a task run twice does nothing more
    try:
        plan = run(
            job.company,
            job.file.path,
            apply=False,
            name=job.file_name,
            progress=_progress_writer(pk),
        )
    except FileRefused as refused:
        _finish(job, ImportStatus.FAILED, error=str(refused))
        return
    except Exception:
        _finish(job, ImportStatus.FAILED, error=_("检查时出错,请联系技术支持"))
        raise
    job.checked_at = clock.resolve(now)
    _finish(job, ImportStatus.CHECKED, plan=plan, fields=["checked_at"])


def apply(pk: int, *, now: datetime | None = None) -> None:
    """The apply task: the upload written all or nothing, with its audit row. When the
    company changed since the check so that the file now has problems, nothing is written and
    the job is back to checked with the new report."""
    job = CompanyImport.objects.select_related("company", "applied_by").get(pk=pk)
    if job.status != ImportStatus.APPLYING:
        return
    try:
        with transaction.atomic():
            plan = run(
                job.company,
                job.file.path,
                apply=True,
                name=job.file_name,
                progress=_progress_writer(pk),
            )
            job.applied_at = clock.resolve(now)
            record_import(job.applied_by, job.company, plan, job=job, now=now)
            _finish(job, ImportStatus.APPLIED, plan=plan, fields=["applied_at"])
    except ImportHasProblems as problems:
        job.refresh_from_db()
        _finish(job, ImportStatus.CHECKED, plan=problems.plan, error=str(problems))
    except FileRefused as refused:
        job.refresh_from_db()
        _finish(job, ImportStatus.FAILED, error=str(refused))
    except Exception:
        job.refresh_from_db()
        _finish(job, ImportStatus.FAILED, error=_("导入时出错,未导入任何数据;请联系技术支持"))
        raise


def record_import(
    user: User | None,
    company: Company,
    plan: Plan,
    *,
    job: CompanyImport | None = None,
    now: datetime | None = None,
) -> None:
    """The audit row of an applied import (SPEC §11): who, which file, what it changed."""
    audit(
        user,
        AuditAction.IMPORT,
        object_type="company_import" if job else "company",
        object_id=job.pk if job else company.pk,
        detail={
            "company": company.code,
            "file": plan.file_name,
            "changes": {
                kind: {"created": c.created, "updated": c.updated}
                for sheet in plan.sheets
                for kind, c in sheet.counts.items()
                if c.created or c.updated
            },
        },
        now=now,
    )


def record_export(
    user: User | None, company: Company, format: str, *, ip: str | None = None
) -> None:
    """The audit row of a company export (SPEC §1: every export is logged): all its residents'
    phones leave the system."""
    audit(
        user,
        AuditAction.EXPORT,
        object_type="company",
        object_id=company.pk,
        detail={"company": company.code, "format": format, "what": "company_file"},
        ip=ip,
    )


def _finish(
    job: CompanyImport,
    status: ImportStatus,
    *,
    plan: Plan | None = None,
    error: str = "",
    fields: list[str] | None = None,
) -> None:
    job.status = status
    job.error = error
    if plan is not None:
        job.plan = plan_to_json(plan)
    job.save(update_fields=["status", "error", "plan", *(fields or [])])


def _book(step: str, pk: int) -> None:
    from propdesk.residents import tasks

    (tasks.check_company_import if step == "check" else tasks.apply_company_import).enqueue(pk)


# -- progress ---------------------------------------------------------------------------------


def _progress_path(pk: int) -> Path:
    return Path(settings.IMPORT_DIR) / "progress" / f"{pk}.json"


def _progress_writer(pk: int) -> Any:
    path = _progress_path(pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    last = 0.0

    def write(done: int, total: int) -> None:
        nonlocal last
        moment = time.monotonic()
        if moment - last < PROGRESS_EVERY_SECONDS and done < total:
            return
        last = moment
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps({"done": done, "total": total, "at": time.time()}))
        os.replace(partial, path)  # the page never reads half a file

    write(0, 0)
    return write


def progress_of(job: CompanyImport) -> dict[str, Any]:
    """How far a running job is: rows ``done`` of ``total`` (an estimate until the end), the
    ``percent`` to draw, and whether it has ``stalled``."""
    try:
        seen = json.loads(_progress_path(job.pk).read_text())
    except (OSError, ValueError):
        seen = {"done": 0, "total": 0, "at": None}
    done, total = int(seen.get("done", 0)), int(seen.get("total", 0))
    at = seen.get("at")
    percent = min(99, done * 100 // total) if total else 0
    stalled = at is not None and time.time() - float(at) > STALLED_AFTER_SECONDS
    return {"done": done, "total": total, "percent": percent, "stalled": stalled}
