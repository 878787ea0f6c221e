"""Callback tasks at /api/v1/callback-tasks: the queue, a month's in-home repair callback rate,
and the sampling that brings it to 30%."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.core import clock
from propdesk.core.clock import FIRST_DAY, LAST_DAY
from propdesk.core.errors import InvalidInput, PermissionDenied
from propdesk.core.paging import Page, PageSize
from propdesk.core.schemas import ErrorOut
from propdesk.org.access import check_project_scope
from propdesk.org.models import Project
from propdesk.org.roles import MANAGERS, role_of

from . import services
from .models import TaskStatus

router = Router(tags=["callbacks"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class TaskOut(Schema):
    id: int
    ticket: str
    project: str
    reason: str
    reason_display: str
    status: str
    owner: str | None
    by_manager: bool
    due_at: datetime | None
    created_at: datetime
    done_at: datetime | None
    satisfaction: str | None
    cancel_reason: str


class TaskPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[TaskOut]


class TaskQuery(Schema):
    status: str | None = Field(None, description="open | done | cancelled")
    mine: bool = Field(False, description="only tasks I own")
    project: str | None = None
    page: Page = 1
    page_size: PageSize = 20


@router.get("/callback-tasks", response={200: TaskPage, **ERRORS}, summary="Callback tasks")
def list_tasks(request: HttpRequest, query: Query[TaskQuery]):
    rows = services.tasks_for(request.user).select_related("ticket__project", "owner", "callback")
    if query.status:
        if query.status not in TaskStatus.values:
            raise InvalidInput(_("状态“%(s)s”无效") % {"s": query.status}, field="status")
        rows = rows.filter(status=query.status)
    if query.mine:
        rows = rows.filter(owner=request.user)
    if query.project:
        rows = rows.filter(ticket__project__code=query.project)
    start = (query.page - 1) * query.page_size
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [
            {
                "id": t.pk,
                "ticket": t.ticket.number,
                "project": t.ticket.project.code,
                "reason": t.reason,
                "reason_display": t.get_reason_display(),
                "status": t.status,
                "owner": t.owner.username if t.owner else None,
                "by_manager": t.by_manager,
                "due_at": t.due_at,
                "created_at": t.created_at,
                "done_at": t.done_at,
                "satisfaction": t.callback.satisfaction if t.callback else None,
                "cancel_reason": t.cancel_reason,
            }
            for t in rows.order_by("due_at", "pk")[start : start + query.page_size]
        ],
    }


class MonthQuery(Schema):
    project: str
    month: str = Field(description="YYYY-MM")


class RepairMonthOut(Schema):
    project: str
    month: date
    in_home_repairs: int
    called_back: int
    booked: int = Field(description="callbacks booked, not yet made")
    rate_percent: float | None
    target_percent: int
    needed: int = Field(description="more callbacks to book to reach the target")


class SampleOut(RepairMonthOut):
    booked_now: list[str]


def _project_month(user, project_code: str, month: str) -> tuple[Project, date]:
    project = Project.objects.filter(code=project_code).first()
    if project is None:
        raise InvalidInput(_("项目编码“%(c)s”不存在") % {"c": project_code}, field="project")
    check_project_scope(user, project)
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise InvalidInput(_("月份格式应为 YYYY-MM"), field="month") from None
    if not FIRST_DAY <= first <= LAST_DAY:  # month 0001-01 overflowed into local time: a 500
        raise InvalidInput(
            _("日期应在 %(first)s 到 %(last)s 之间") % {"first": FIRST_DAY, "last": LAST_DAY},
            field="month",
        )
    return project, first


def _month_out(figures: services.RepairMonth) -> dict:
    return {
        "project": figures.project.code,
        "month": figures.month,
        "in_home_repairs": figures.repairs,
        "called_back": figures.called_back,
        "booked": figures.pending,
        "rate_percent": figures.percent,
        "target_percent": int(services.REPAIR_CALLBACK_TARGET * 100),
        "needed": figures.needed,
    }


@router.get(
    "/callback-tasks/repair-rate",
    response={200: RepairMonthOut, **ERRORS},
    summary="A project month's in-home repair callback rate (target 30%)",
)
def repair_rate(request: HttpRequest, query: Query[MonthQuery]):
    project, month = _project_month(request.user, query.project, query.month)
    return _month_out(services.repair_month(project, month))


class SampleIn(Schema):
    project: str
    month: str = Field(description="YYYY-MM")


@router.post(
    "/callback-tasks/sample",
    response={200: SampleOut, **ERRORS},
    summary="Book sample callbacks when the month is below 30%",
)
def sample(request: HttpRequest, payload: SampleIn):
    if role_of(request.user) not in MANAGERS:
        raise PermissionDenied(_("只有客服主管及以上可以安排抽样回访"))
    project, month = _project_month(request.user, payload.project, payload.month)
    booked = services.propose_repair_samples(project, month, now=clock.now())
    return {
        **_month_out(services.repair_month(project, month)),
        "booked_now": [t.number for t in booked],
    }
