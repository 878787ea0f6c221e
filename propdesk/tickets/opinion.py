"""投诉意见处理表 (seed 001 篇5 4.2, SPEC §6 and §11): one complaint on the paper form the
project manager signs off, filled from the record — who complained and how, what about, the
grade, where it was sent and who handled it, the plan, the process, the result, the resident's
word and the callback — with the sign-off lines of the form, each beside the name of whoever
did that step in the system, so the signatures are checked against the record, not copied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from propdesk.org.models import User

from .choices import EventKind
from .models import Ticket, TicketEvent, WorkOrder
from .serializers import detail, user_name


@dataclass(frozen=True)
class SignOff:
    """One signature line of the form: its label, and who did the step in the system."""

    label: str
    step: str
    name: str
    at: datetime | None


#: The steps of the record that stand beside each signature line (seed 001 篇5 4.2: the
#: handler, the department head, the customer-service supervisor who checks the completed form
#: and the project manager who signs it off). A later event of the kind wins: a reopened
#: complaint is signed for its last handling. The record knows no department's head: beside
#: that line stand the departments the complaint was sent to, with no name.
SIGN_OFFS = (
    (
        "handler",
        gettext_lazy("经办人/处理人"),
        (EventKind.RESOLVED, EventKind.WORK_ORDER_COMPLETED),
    ),
    ("department", gettext_lazy("部门负责人"), ()),
    ("supervisor", gettext_lazy("客服主管审核"), (EventKind.CLOSED,)),
    ("manager", gettext_lazy("项目经理审核"), (EventKind.PLAN_APPROVED,)),
)
#: What each step is called beside the name.
STEP_NAMES = {
    EventKind.RESOLVED: gettext_lazy("解决"),
    EventKind.WORK_ORDER_COMPLETED: gettext_lazy("工单完成"),
    EventKind.CLOSED: gettext_lazy("关闭"),
    EventKind.PLAN_APPROVED: gettext_lazy("处理方案批准"),
}
_STEPS = {kind for _key, _label, kinds in SIGN_OFFS for kind in kinds}


def _last_steps(ticket: Ticket) -> dict[str, TicketEvent]:
    last: dict[str, TicketEvent] = {}
    events = (
        TicketEvent.objects.filter(ticket=ticket, kind__in=_STEPS, actor__isnull=False)
        .select_related("actor")
        .order_by("at", "pk")
    )
    for event in events:
        last[event.kind] = event
    return last


def _sign_offs(ticket: Ticket, dispatch: list[dict[str, Any]]) -> list[SignOff]:
    last = _last_steps(ticket)
    rows = []
    for key, label, kinds in SIGN_OFFS:
        if key == "department":
            departments = list(dict.fromkeys(o["department"] for o in dispatch))
            done = [o["completed_at"] for o in dispatch if o["completed_at"]]
            step = _("处理部门:%(d)s") % {"d": "、".join(departments)} if departments else ""
            rows.append(SignOff(str(label), step, "", max(done) if done else None))
            continue
        found = [last[k] for k in kinds if k in last]
        event = max(found, key=lambda e: (e.at, e.pk)) if found else None
        rows.append(
            SignOff(
                label=str(label),
                step=str(STEP_NAMES[event.kind]) if event else "",
                name=(user_name(event.actor) or "") if event else "",
                at=event.at if event else None,
            )
        )
    return rows


def _dispatch(ticket: Ticket) -> list[dict[str, Any]]:
    """Each department the complaint went to: who sent it, to whom (and their role), when,
    by when, and what they did."""
    orders = (
        WorkOrder.objects.filter(ticket=ticket)
        .select_related("department", "assignee", "dispatched_by")
        .order_by("sequence")
    )
    return [
        {
            "sequence": o.sequence,
            "department": o.department.name,
            "handler": user_name(o.assignee) or "",
            "role": o.assignee.get_role_display() if o.assignee else "",
            "dispatched_by": user_name(o.dispatched_by) or "",
            "dispatched_at": o.dispatched_at,
            "deadline": o.deadline,
            "completed_at": o.completed_at,
            "status": o.get_status_display(),
            "result": o.result,
            "rating": o.get_resident_rating_display() if o.resident_rating else "",
            "signed": o.resident_signed,
        }
        for o in orders
    ]


def _plan_approval(ticket: Ticket) -> TicketEvent | None:
    return (
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PLAN_APPROVED)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )


def opinion_form(ticket: Ticket, user: User) -> dict[str, Any]:
    """Everything the 投诉意见处理表 of ``ticket`` holds, read from the record. ``t`` is the
    ticket as its page shows it (the phone masked; the callbacks of the callbacks app)."""
    data = detail(ticket, user)
    approval = _plan_approval(ticket)
    dispatch = _dispatch(ticket)
    return {
        "t": data,
        "ticket": ticket,
        "registered_by": user_name(ticket.registered_by) or "",
        "dispatch": dispatch,
        "plan_approved_by": (user_name(approval.actor) or "") if approval else "",
        "plan_approved_at": approval.at if approval else None,
        "sign_offs": _sign_offs(ticket, dispatch),
    }
