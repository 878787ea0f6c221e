"""The statistics pages of the console (SPEC §9): the statistics page with its filters and
charts, the monthly reports (list, page, commentary, publication, Excel and PDF); the export of
a ticket queue is in ``queue_export``. Views parse, call ``figures``,
``figures_breakdown``, ``reports`` and ``exports`` and render — they compute no figure
themselves; refusals of the services become messages, 403 or 404 pages (``console_view``)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import DomainError, NotFound, PermissionDenied
from propdesk.core.exports import XLSX_TYPE, download
from propdesk.core.web import console_view, page_of
from propdesk.org.choices import ScopeLevel
from propdesk.org.models import Project, User
from propdesk.sla.choices import ClockKind
from propdesk.tickets.choices import Channel, Kind

from . import exports, figures, reports
from .figures_breakdown import per_project, received_by_month
from .models import MonthlyReport, ReportStatus
from .period import Period, scope_for

# --- the statistics page ---------------------------------------------------------------------


def _scope_options(user: User) -> list[tuple[str, str]]:
    """The company (or all of the user's projects), their regions, their projects. Regions
    are offered only to users who see whole regions, so a region never shows as one project."""
    projects = list(
        Project.objects.for_user(user).select_related("region").order_by("region__code", "code")
    )
    if not projects:
        return []
    sees_company = user.scope_level == ScopeLevel.COMPANY or user.is_superuser
    options = [("company", str(user.company) if sees_company else _("我的全部项目"))]
    if user.scope_level in (ScopeLevel.COMPANY, ScopeLevel.REGION) or user.is_superuser:
        regions = {p.region.code: p.region.name for p in projects if p.region_id}
        options += [(f"region:{code}", name) for code, name in regions.items()]
    options += [(f"project:{p.code}", p.name) for p in projects]
    return options


def _number(value: Decimal | str | None) -> float | None:
    return float(value) if value is not None else None


def _chart_data(f: dict, trend: dict, projects: list[dict]) -> dict:
    """What stats.js draws, labels translated here so the script holds no text."""
    kinds, channels = dict(Kind.choices), dict(Channel.choices)
    return {
        "trend": {**trend, "label": _("受理量")},
        "pareto": {
            "names": [r["name"] for r in f["pareto"]],
            "counts": [r["count"] for r in f["pareto"]],
            "cumulative": [_number(r["cumulative_percent"]) for r in f["pareto"]],
            "vital": [r["vital"] for r in f["pareto"]],
            "line": float(figures.PARETO_LINE),
            "count_label": _("投诉量"),
            "share_label": _("累计占比(%)"),
        },
        "by_kind": [
            {"name": str(kinds.get(r["key"], r["key"])), "value": r["received"]}
            for r in f["by_kind"]
        ],
        "by_channel": [
            {"name": str(channels.get(r["key"], r["key"])), "value": r["received"]}
            for r in f["by_channel"]
        ],
        "projects": {
            "names": [row["project"].name for row in projects],
            "received": [row["received"] for row in projects],
            "timeliness": [_number(row["timeliness"].percent) for row in projects],
            "satisfaction": [_number(row["satisfaction"].percent) for row in projects],
            "labels": {
                "received": _("受理量"),
                "timeliness": _("处理及时率(%)"),
                "satisfaction": _("回访满意率(%)"),
            },
        },
    }


# --- pages ------------------------------------------------------------------------------------


@console_view
def stats_page(request: HttpRequest) -> HttpResponse:
    """统计: every figure of a month and a scope, the trend, the Pareto, the breakdowns and,
    for a scope of several projects, the projects side by side."""
    today = timezone.localtime(clock.now()).date()
    period_text = request.GET.get("period") or f"{today:%Y-%m}"
    scope_text = request.GET.get("scope") or "company"
    context: dict = {
        "period_text": period_text,
        "scope_text": scope_text,
        "options": _scope_options(request.user),
    }
    try:
        period = Period.parse(period_text)
        scope = scope_for(request.user, scope_text)
    except DomainError as refused:
        # A scope outside the user's reach is a 403 (SPEC §1), shown with the form to pick another.
        context["error"] = refused.message
        return render(request, "stats/stats.html", context, status=refused.status_code)
    ids = scope.project_ids
    f = reports.snapshot(ids, period)
    projects = per_project(ids, period) if len(ids) > 1 else []
    tables = {t.key: t for t in exports.figure_tables(f)}
    context.update(
        {
            "period": period,
            "scope": scope,
            "f": f,
            "handle": f["timeliness"].get(ClockKind.HANDLE),
            "tables": tables,
            "projects": projects,
            "data": _chart_data(f, received_by_month(ids, period), projects),
        }
    )
    return render(request, "stats/stats.html", context)


@console_view
def report_list(request: HttpRequest) -> HttpResponse:
    """月报: the reports of every scope the user sees whole, newest month first."""
    today = timezone.localtime(clock.now()).date()
    page = page_of(request, reports.reports_for(request.user))
    rows = [{"report": r, "overdue": reports.is_overdue(r, today)} for r in page.object_list]
    return render(request, "stats/report_list.html", {"page": page, "rows": rows})


@console_view
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One report as frozen; a publisher edits the commentary and publishes it."""
    report = reports.get_report(request.user, pk)
    error, commentary = None, report.commentary
    if request.method == "POST":
        commentary = request.POST.get("commentary", "")
        try:
            # The commentary is saved before publishing, so the text typed above the publish
            # button is part of what is published (and kept if publication is refused).
            reports.update_commentary(request.user, pk, commentary)
            if request.POST.get("action") == "publish":
                report = reports.publish(request.user, pk)
                note = _("月报已发布") if not report.published_late else _("月报已发布(逾期)")
                messages.success(request, note)
            else:
                messages.success(request, _("分析与说明已保存"))
            return redirect("stats:report", pk=pk)
        except (PermissionDenied, NotFound):
            raise
        except DomainError as refused:
            error = refused.message
            report = reports.get_report(request.user, pk)
    today = timezone.localtime(clock.now()).date()
    context = {
        "report": report,
        "title": exports.report_title(report),
        "tables": {t.key: t for t in exports.report_tables(report)},
        "charts": exports.report_charts(report.figures),
        "may_edit": reports.may_publish(request.user) and report.status == ReportStatus.DRAFT,
        "commentary": commentary,
        "error": error,
        "deadline": reports.publish_deadline(report),
        "overdue": reports.is_overdue(report, today),
    }
    return render(request, "stats/report.html", context, status=400 if error else 200)


def _report_filename(report: MonthlyReport, extension: str) -> str:
    return f"{report.scope_name}-{report.year}-{report.month:02d}-{_('客服工作月报')}.{extension}"


@console_view
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = reports.get_report(request.user, pk)
    content = exports.report_xlsx(report)
    exports.log_export(
        request.user, "monthly_report", pk, ip=request.META.get("REMOTE_ADDR"), format="xlsx"
    )
    return download(content, XLSX_TYPE, _report_filename(report, "xlsx"))


@console_view
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = reports.get_report(request.user, pk)
    content = exports.report_pdf(report)
    exports.log_export(
        request.user, "monthly_report", pk, ip=request.META.get("REMOTE_ADDR"), format="pdf"
    )
    return download(content, "application/pdf", _report_filename(report, "pdf"))
