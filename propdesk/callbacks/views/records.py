"""The paper records of callbacks (issue 6 §5), printable and exportable as CSV: 回访记录 (the
callbacks of a period), 业户回访率统计年报表 (the year's callback rates by month),
业户例行回访调查记录表 (a plan's visits) and 投诉意见处理表 (one complaint with its callback).
Every export is written to the audit log."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.callbacks import visits
from propdesk.callbacks.models import RoutineVisit
from propdesk.callbacks.records import callbacks_between, yearly_rates
from propdesk.core import clock
from propdesk.core.audit import audit
from propdesk.core.errors import InvalidInput, NotFound
from propdesk.core.exports import csv_download
from propdesk.core.models import AuditAction
from propdesk.core.web import console_view
from propdesk.org.access import check_project_scope
from propdesk.org.models import Project


def _csv(request: HttpRequest, name: str, header: list, rows: list[list]) -> HttpResponse:
    audit(
        request.user,
        AuditAction.EXPORT,
        object_type="record",
        object_id=name,
        detail={"rows": len(rows), "query": request.GET.urlencode()},
        ip=request.META.get("REMOTE_ADDR"),
    )
    return csv_download(f"{name}.csv", header, rows)  # residents' words never run as formulas


def _date(value: str | None, default: date, field: str) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD"), field=field) from None


@console_view
def callback_records(request: HttpRequest) -> HttpResponse:
    """回访记录: the callbacks of a period in the user's projects."""
    today = timezone.localtime(clock.now()).date()
    try:
        start = _date(request.GET.get("from"), today.replace(day=1), "from")
        end = _date(request.GET.get("to"), today, "to")
    except InvalidInput as refused:
        return HttpResponse(refused.message, status=400)
    if end < start or end - start > timedelta(days=366):
        return HttpResponse(_("日期范围须在一年以内且开始不晚于结束"), status=400)
    rows = list(callbacks_between(request.user.project_ids, start, end)[:5000])
    if request.GET.get("format") == "csv":
        return _csv(
            request,
            f"callbacks-{start}-{end}",
            [
                _("回访时间"),
                _("编号"),
                _("项目"),
                _("类型"),
                _("分类"),
                _("房屋"),
                _("反映人"),
                _("回访方式"),
                _("满意度"),
                _("住户意见"),
                _("回访人"),
            ],
            [
                [
                    timezone.localtime(c.called_at).strftime("%Y-%m-%d %H:%M"),
                    c.ticket.number,
                    c.ticket.project.name,
                    c.ticket.get_kind_display(),
                    c.ticket.category.full_name,
                    c.ticket.room.label if c.ticket.room else c.ticket.place,
                    c.ticket.contact_name,
                    c.get_method_display(),
                    c.get_satisfaction_display(),
                    c.comment,
                    str(c.called_by),
                ]
                for c in rows
            ],
        )
    return render(
        request, "callbacks/record_callbacks.html", {"rows": rows, "start": start, "end": end}
    )


@console_view
def yearly_report(request: HttpRequest) -> HttpResponse:
    """业户回访率统计年报表: one project's year, month by month."""
    projects = Project.objects.for_user(request.user).order_by("code")
    code = request.GET.get("project", "")
    # A project asked for by its code is that one: outside the scope a 403 (SPEC §1), never
    # silently another project's figures.
    project = Project.objects.filter(code=code).first() if code else projects.first()
    if code and project is None:
        raise NotFound(_("项目编码“%(code)s”不存在") % {"code": code})
    year = int(request.GET.get("year") or timezone.localtime(clock.now()).year)
    if project is None:
        return render(request, "callbacks/record_yearly.html", {"months": [], "year": year})
    check_project_scope(request.user, project)
    months = yearly_rates(project, year)
    if request.GET.get("format") == "csv":
        return _csv(
            request,
            f"callback-rates-{project.code}-{year}",
            [
                _("月份"),
                _("解决的投诉"),
                _("已回访"),
                _("投诉回访率(%)"),
                _("入户维修"),
                _("已回访"),
                _("维修回访率(%)"),
                _("计划例行回访"),
                _("已例行回访"),
                _("例行回访完成率(%)"),
            ],
            [
                [
                    m.month,
                    m.complaints,
                    m.complaints_called,
                    m.complaint_rate,
                    m.repairs,
                    m.repairs_called,
                    m.repair_rate,
                    m.visits_planned,
                    m.visits_done,
                    m.visit_rate,
                ]
                for m in months
            ],
        )
    return render(
        request,
        "callbacks/record_yearly.html",
        {
            "project": project,
            "projects": projects,
            "year": year,
            "months": months,
        },
    )


@console_view
def visit_records(request: HttpRequest, pk: int) -> HttpResponse:
    """业户例行回访调查记录表: the visits of a plan."""
    plan = visits.get_plan(request.user, pk)
    rows = list(
        RoutineVisit.objects.filter(planned__plan=plan)
        .select_related("planned__room__building", "planned__room__unit", "visited_by", "resident")
        .prefetch_related("raised")
        .order_by("visited_at")
    )
    if request.GET.get("format") == "csv":
        return _csv(
            request,
            f"routine-visits-{plan.project.code}-{plan.year}",
            [
                _("回访时间"),
                _("房屋"),
                _("受访人"),
                _("回访方式"),
                _("服务质量"),
                _("员工态度"),
                _("不足之处"),
                _("意见建议"),
                _("转为诉求"),
                _("回访人"),
            ],
            [
                [
                    timezone.localtime(v.visited_at).strftime("%Y-%m-%d"),
                    v.planned.room.label,
                    v.resident.name if v.resident else "",
                    v.get_method_display(),
                    v.get_service_quality_display(),
                    v.get_staff_attitude_display(),
                    v.shortcomings,
                    v.suggestions,
                    " ".join(t.number for t in v.raised.all()),
                    str(v.visited_by),
                ]
                for v in rows
            ],
        )
    return render(request, "callbacks/record_visits.html", {"plan": plan, "rows": rows})
