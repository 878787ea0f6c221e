"""The monthly report (客服工作月报, SPEC §9) at /api/v1/reports…: the reports of a month and a
scope the caller may read, one report with its figures, text and status, its Excel and PDF
files, the edit of its text and its publication — each through ``reports``, as the console
pages are (a refusal: 400 naming the field, 403 outside the scope or the role, 404 unknown,
409 already published)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.core import clock
from propdesk.core.errors import InvalidInput
from propdesk.core.exports import XLSX_TYPE, download
from propdesk.core.schemas import ErrorOut

from . import exports, reports
from .api import SnapshotOut
from .models import MonthlyReport, ReportStatus
from .tables import MAJOR_COLUMNS

router = Router(tags=["monthly reports"])
READ_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 409: ErrorOut}


class MonthlyReportQuery(Schema):
    month: str = Field(description="YYYY-MM: the month the reports are of")
    scope: str | None = Field(
        None, description="company | region:CODE | project:CODE (default: every scope)"
    )


class MonthlyReportSummaryOut(Schema):
    id: int
    scope_kind: str
    scope_code: str
    scope_name: str
    year: int
    month: int
    title: str
    status: str
    status_display: str
    generated_at: datetime
    publish_by: date = Field(description="the 10th of the following month (SPEC §9)")
    overdue: bool = Field(description="still a draft after its deadline")
    published_at: datetime | None
    published_by: str | None
    published_late: bool
    xlsx_url: str
    pdf_url: str


class MonthlyReportMajorOut(Schema):
    number: str
    project: str
    category: str
    grade: str
    grade_class: str
    received_at: str
    description: str
    resolution: str
    status: str


class MonthlyReportOut(MonthlyReportSummaryOut):
    figures: SnapshotOut
    major_complaints: list[MonthlyReportMajorOut] = Field(
        description="major and hot complaints of the month, with their handling"
    )
    commentary: str = Field(description="分析与说明: the text a publisher writes")
    may_edit: bool = Field(description="the caller may edit the text and publish it now")


class MonthlyReportTextIn(Schema):
    commentary: str | None = Field(None, description="分析与说明; the only text part of a report")


def _summary(report: MonthlyReport, today: date) -> dict:
    base = f"/api/v1/reports/{report.pk}"
    return {
        "id": report.pk,
        "scope_kind": report.scope_kind,
        "scope_code": report.scope_code,
        "scope_name": report.scope_name,
        "year": report.year,
        "month": report.month,
        "title": exports.report_title(report),
        "status": report.status,
        "status_display": str(report.get_status_display()),
        "generated_at": report.generated_at,
        "publish_by": reports.publish_deadline(report),
        "overdue": reports.is_overdue(report, today),
        "published_at": report.published_at,
        "published_by": str(report.published_by) if report.published_by_id else None,
        "published_late": report.published_late,
        "xlsx_url": f"{base}/xlsx",
        "pdf_url": f"{base}/pdf",
    }


def _today() -> date:
    return timezone.localtime(clock.now()).date()


def _detail(request: HttpRequest, report: MonthlyReport) -> dict:
    # "class" is a word of Python: the API calls the stored column grade_class.
    columns = [(key, "grade_class" if key == "class" else key) for key, _label in MAJOR_COLUMNS]
    return {
        **_summary(report, _today()),
        "figures": report.figures,
        "major_complaints": [
            {name: str(c.get(key, "")) for key, name in columns} for c in report.major_complaints
        ],
        "commentary": report.commentary,
        "may_edit": reports.may_publish(request.user) and report.status == ReportStatus.DRAFT,
    }


@router.get(
    "/reports",
    response={200: list[MonthlyReportSummaryOut], **READ_ERRORS},
    summary="The monthly reports of a month (and a scope) the caller may read",
)
def report_list(request: HttpRequest, query: Query[MonthlyReportQuery]) -> list[dict]:
    today = _today()
    return [
        _summary(r, today)
        for r in reports.reports_of(request.user, month=query.month, scope=query.scope)
    ]


@router.get(
    "/reports/{pk}",
    response={200: MonthlyReportOut, **READ_ERRORS},
    summary="One monthly report: figures, text, major complaints and status",
)
def report_detail(request: HttpRequest, pk: int) -> dict:
    return _detail(request, reports.get_report(request.user, pk))


def _file(kind: str, content_type: str) -> dict:
    return {
        "responses": {
            200: {
                "description": _("月报文件(%(kind)s)") % {"kind": kind},
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def _download(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    report = reports.get_report(request.user, pk)
    content, content_type = (
        (exports.report_xlsx(report), XLSX_TYPE)
        if extension == "xlsx"
        else (exports.report_pdf(report), "application/pdf")
    )
    exports.log_export(
        request.user, "monthly_report", pk, ip=request.META.get("REMOTE_ADDR"), format=extension
    )
    name = f"{report.scope_name}-{report.year}-{report.month:02d}-{_('客服工作月报')}.{extension}"
    return download(content, content_type, name)


@router.get(
    "/reports/{pk}/xlsx",
    response=READ_ERRORS,
    openapi_extra=_file("Excel", XLSX_TYPE),
    summary="The monthly report as an Excel workbook",
)
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "xlsx")


@router.get(
    "/reports/{pk}/pdf",
    response=READ_ERRORS,
    openapi_extra=_file("PDF", "application/pdf"),
    summary="The monthly report as a PDF with its charts",
)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "pdf")


@router.patch(
    "/reports/{pk}",
    response={200: MonthlyReportOut, **WRITE_ERRORS},
    summary="Edit the report's text (only a draft; project manager, region, HQ or admin)",
)
def report_edit(request: HttpRequest, pk: int, payload: MonthlyReportTextIn) -> dict:
    if payload.commentary is None:
        raise InvalidInput(_("请填写分析与说明"), field="commentary")
    report = reports.update_commentary(request.user, pk, payload.commentary)
    return _detail(request, report)


@router.post(
    "/reports/{pk}/publish",
    response={200: MonthlyReportOut, **WRITE_ERRORS},
    summary="Publish the report: its figures frozen, the region's leaders and HQ told",
)
def report_publish(request: HttpRequest, pk: int) -> dict:
    return _detail(request, reports.publish(request.user, pk))
