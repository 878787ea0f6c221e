"""A request's history as a resident reads it (SPEC §12): plain words, the department or role
of whoever acted — never a member of staff's name — and the times we promised.

Only what is said to the resident is shown: staff's own notes, grades, escalations and clock
events stay in the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from propdesk.org.choices import Role
from propdesk.org.services import is_portal_account
from propdesk.sla import queries as sla_queries
from propdesk.tickets.choices import EventKind, Satisfaction, Status
from propdesk.tickets.models import Ticket, TicketEvent


@dataclass(frozen=True)
class Step:
    at: datetime
    title: str
    detail: str = ""
    by: str = ""


#: The five steps a resident follows, and the states that have reached each.
STAGES = (
    ("received", {Status.REGISTERED}),
    ("assigned", {Status.ACCEPTED, Status.DISPATCHED, Status.REOPENED, Status.SUSPENDED}),
    ("in_progress", {Status.IN_PROGRESS}),
    ("done", {Status.RESOLVED}),
    ("called_back", {Status.CALLBACK_DONE, Status.CLOSED}),
)


def stage_labels() -> dict[str, str]:
    return {
        "received": _("已收到"),
        "assigned": _("已派单"),
        "in_progress": _("处理中"),
        "done": _("已完成"),
        "called_back": _("已回访"),
    }


def stage_of(ticket: Ticket) -> str:
    for name, states in STAGES:
        if ticket.status in states:
            return name
    return "received"


def status_words(ticket: Ticket) -> str:
    words = {
        Status.REGISTERED: _("已收到,等待受理"),
        Status.ACCEPTED: _("已受理,正在安排"),
        Status.DISPATCHED: _("已派给负责部门"),
        Status.IN_PROGRESS: _("正在处理"),
        Status.SUSPENDED: _("暂缓处理"),
        Status.RESOLVED: _("已处理完毕,请确认"),
        Status.CALLBACK_DONE: _("已回访"),
        Status.CLOSED: _("已办结"),
        Status.REOPENED: _("重新处理中"),
        Status.MERGED: _("已与相同问题合并处理"),
        Status.CANCELLED: _("已撤销"),
    }
    return str(words.get(Status(ticket.status), ticket.get_status_display()))


def _who(event: TicketEvent) -> str:
    """The role or department of whoever acted; the resident themselves as "you"."""
    actor = event.actor
    if actor is None:
        return ""
    if is_portal_account(actor):
        return _("您")
    if actor.department_id and actor.department is not None:
        return actor.department.name
    return str(Role(actor.role).label)


def steps(ticket: Ticket) -> list[Step]:
    """The history in plain words, oldest first."""
    events = (
        TicketEvent.objects.filter(ticket=ticket)
        .select_related("actor", "actor__department", "work_order__department")
        .order_by("at", "pk")
    )
    found: list[Step] = []
    for event in events:
        step = _step(event)
        if step is not None:
            found.append(step)
    return found


def _step(event: TicketEvent) -> Step | None:
    kind = event.kind
    by = _who(event)
    department = (
        event.work_order.department.name
        if event.work_order_id and event.work_order is not None
        else ""
    )
    if kind == EventKind.REGISTERED:
        return Step(event.at, _("已收到您的诉求"))
    if kind == EventKind.ACCEPTED:
        return Step(event.at, _("客服已受理"), by=by)
    if kind in (EventKind.DISPATCHED, EventKind.TRANSFERRED):
        return Step(event.at, _("已派给%(d)s处理") % {"d": department or _("负责部门")})
    if kind == EventKind.STARTED:
        return Step(event.at, _("开始处理"), by=department or by)
    if kind == EventKind.WORK_ORDER_COMPLETED:
        return Step(event.at, _("%(d)s已完成") % {"d": department or _("负责部门")})
    if kind in (EventKind.RESOLVED, EventKind.ANSWERED, EventKind.OUTCOME_SHARED):
        return Step(event.at, _("已处理完毕"), detail=event.ticket.resolution or event.note)
    if kind == EventKind.REPLIED:
        return Step(event.at, _("客服回复"), detail=event.note, by=by)
    if kind == EventKind.SUSPENDED:
        return Step(event.at, _("暂缓处理"), detail=event.note, by=by)
    if kind == EventKind.RESUMED:
        return Step(event.at, _("恢复处理"), by=by)
    if kind == EventKind.CALLBACK_RECORDED:
        level = event.data.get("satisfaction", "")
        label = str(Satisfaction(level).label) if level in Satisfaction.values else ""
        title = _("已回访") if by != _("您") else _("您的评价")
        return Step(event.at, title, detail=label, by=by)
    if kind == EventKind.REOPENED:
        # The resident's own words when they reopened it; a member of staff's reason is theirs.
        return Step(event.at, _("重新处理"), detail=event.note if by == _("您") else "", by=by)
    if kind == EventKind.CLOSED:
        return Step(event.at, _("已办结"))
    if kind == EventKind.MERGED:
        return Step(event.at, _("已与相同问题合并处理"))
    if kind == EventKind.CANCELLED:
        return Step(event.at, _("已撤销"), detail=event.note)
    if kind == EventKind.PROGRESS_NOTED and by == _("您"):
        return Step(event.at, _("您补充了情况"), detail=event.note)
    if kind == EventKind.ATTACHMENT_ADDED and by == _("您"):
        return Step(event.at, _("您添加了照片"))
    return None


@dataclass(frozen=True)
class Promise:
    label: str
    due_at: datetime
    met: bool


#: The clocks a resident is promised something by, in their words.
PROMISED = {
    "first_reply": gettext_lazy("回复您"),
    "agreed_reply": gettext_lazy("按约定回复您"),
    "emergency": gettext_lazy("到场处置"),
    "handle": gettext_lazy("处理完成"),
    "result_reply": gettext_lazy("告知结果"),
}


def promises(ticket: Ticket, now: datetime) -> list[Promise]:
    """The times we promised, read from the SLA clocks through their public reads."""
    found = []
    for clock in sla_queries.ticket_clocks(ticket, now):
        label = PROMISED.get(clock["kind"])
        if label is None or clock["due_at"] is None or clock["work_order"] is not None:
            continue
        found.append(Promise(str(label), clock["due_at"], clock["met_at"] is not None))
    return found
