"""Who may make which move, from which state, and the helpers every move uses.

The role table is the one place a company's customer-service practice is encoded: the first
owner (首问责任制) may be anyone, dispatch and suspension are a supervisor's call, department
handlers work their own work orders.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from propdesk.org.choices import Role
from propdesk.org.models import User
from propdesk.org.services import check_project_scope

from ..choices import EventKind, Status
from ..models import Ticket, TicketEvent, WorkOrder

ALL_ROLES = frozenset(Role.values)
MANAGERS = frozenset({Role.SUPERVISOR, Role.PROJECT_MANAGER, Role.REGION, Role.HQ, Role.ADMIN})
FRONT_DESK = MANAGERS | {Role.AGENT}

MOVE_ROLES: dict[str, frozenset[str]] = {
    "register": ALL_ROLES,
    "accept": FRONT_DESK,
    "answer": FRONT_DESK,
    "dispatch": MANAGERS,
    "return": MANAGERS | {Role.HANDLER},
    "transfer": MANAGERS,
    "start": MANAGERS | {Role.HANDLER},
    "note": ALL_ROLES,
    "reply": FRONT_DESK | {Role.HANDLER},
    "suspend": MANAGERS,
    "resume": MANAGERS,
    "resolve": MANAGERS | {Role.HANDLER},
    "complete_work_order": MANAGERS | {Role.HANDLER},
    "callback": FRONT_DESK | {Role.QUALITY},
    "close": FRONT_DESK,
    "close_contested": MANAGERS,
    "reopen": FRONT_DESK,
    "merge": MANAGERS,
    "cancel": FRONT_DESK,
    "update": FRONT_DESK,
    "attach": ALL_ROLES,
}

MOVE_LABELS: dict[str, str] = {
    "register": N_("登记"),
    "accept": N_("受理"),
    "answer": N_("即时答复"),
    "dispatch": N_("派单"),
    "return": N_("退单"),
    "transfer": N_("转派"),
    "start": N_("开始处理"),
    "note": N_("跟进记录"),
    "reply": N_("回复住户"),
    "suspend": N_("挂起"),
    "resume": N_("恢复"),
    "resolve": N_("解决"),
    "complete_work_order": N_("完成工单"),
    "callback": N_("回访"),
    "close": N_("关闭"),
    "close_contested": N_("关闭(异议/超出职权)"),
    "reopen": N_("重开"),
    "merge": N_("合并"),
    "cancel": N_("撤销"),
    "update": N_("修改"),
    "attach": N_("添加附件"),
}


def role_of(user: User) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def may(user: User, move: str) -> bool:
    return user.is_active and role_of(user) in MOVE_ROLES[move]


def require_role(user: User, move: str) -> None:
    if not may(user, move):
        raise PermissionDenied(
            _("您的角色(%(role)s)不能执行“%(move)s”")
            % {"role": Role(role_of(user)).label, "move": _(MOVE_LABELS[move])}
        )


def require_status(ticket: Ticket, move: str, allowed: Iterable[str]) -> None:
    allowed = frozenset(allowed)
    if ticket.status not in allowed:
        raise InvalidTransition(
            _("诉求当前状态为“%(status)s”,不能执行“%(move)s”(允许的状态:%(allowed)s)")
            % {
                "status": Status(ticket.status).label,
                "move": _(MOVE_LABELS[move]),
                "allowed": "、".join(str(Status(s).label) for s in Status.values if s in allowed),
            }
        )


_OPEN = frozenset(Status.values) - {Status.CLOSED, Status.MERGED, Status.CANCELLED}
_WORKING = frozenset({Status.DISPATCHED, Status.IN_PROGRESS})
_BEFORE_RESULT = frozenset(
    {
        Status.REGISTERED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.SUSPENDED,
        Status.REOPENED,
    }
)

#: From which states each move may be made (SPEC §4's diagram).
MOVE_FROM: dict[str, frozenset[str]] = {
    "accept": frozenset({Status.REGISTERED}),
    "answer": frozenset({Status.REGISTERED, Status.ACCEPTED}),
    "dispatch": frozenset(
        {Status.ACCEPTED, Status.REOPENED, Status.DISPATCHED, Status.IN_PROGRESS}
    ),
    "return": _WORKING,
    "transfer": _WORKING,
    "start": _WORKING,
    "note": _OPEN,
    "reply": _OPEN,
    "suspend": frozenset({Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REOPENED}),
    "resume": frozenset({Status.SUSPENDED}),
    "resolve": _WORKING,
    "complete_work_order": _WORKING,
    "callback": frozenset({Status.RESOLVED}),
    "close": _OPEN - {Status.REGISTERED},
    "reopen": frozenset({Status.RESOLVED, Status.CALLBACK_DONE, Status.CLOSED}),
    "merge": _BEFORE_RESULT,
    "cancel": _BEFORE_RESULT,
    "update": _OPEN,
    "attach": _OPEN,
}


def check_move(user: User, ticket: Ticket, move: str, allowed: Iterable[str] | None = None) -> None:
    """Scope first (never reveal state outside it), then role, then state."""
    check_project_scope(user, ticket.project_id)
    require_role(user, move)
    require_status(ticket, move, MOVE_FROM[move] if allowed is None else allowed)


def allowed_moves(user: User, ticket: Ticket) -> list[str]:
    """The moves this user may make on this ticket now: what the UI offers as buttons."""
    if not user.in_scope(ticket.project_id):
        return []
    return [
        move for move, states in MOVE_FROM.items() if ticket.status in states and may(user, move)
    ]


def lock_ticket(ticket: Ticket | str) -> Ticket:
    """Re-read the ticket with a row lock; every move holds it until its transaction ends.

    Moves that touch two tickets (merge) lock them in primary-key order to avoid deadlocks.
    """
    number = ticket if isinstance(ticket, str) else ticket.number
    try:
        return Ticket.objects.select_for_update().select_related("project").get(number=number)
    except Ticket.DoesNotExist:
        raise NotFound(_("诉求 %(number)s 不存在") % {"number": number}) from None


def get_work_order(ticket: Ticket, sequence: int | None) -> WorkOrder:
    if sequence is None:
        raise NotFound(_("请指定工单序号"), field="work_order")
    try:
        return (
            WorkOrder.objects.select_for_update()
            .select_related("department")
            .get(ticket=ticket, sequence=sequence)
        )
    except WorkOrder.DoesNotExist:
        raise NotFound(
            _("诉求 %(number)s 没有序号为 %(seq)s 的工单")
            % {"number": ticket.number, "seq": sequence},
            field="work_order",
        ) from None


def record_event(
    ticket: Ticket,
    kind: EventKind,
    actor: User | None,
    at: datetime,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    work_order: WorkOrder | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        work_order=work_order,
        data=data or {},
    )


def move_to(
    ticket: Ticket,
    to_status: Status,
    kind: EventKind,
    actor: User | None,
    at: datetime,
    *,
    note: str = "",
    work_order: WorkOrder | None = None,
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> TicketEvent:
    """The only place a ticket's status changes: set it, save, and write the event."""
    from_status = ticket.status
    ticket.status = to_status
    for name, value in (fields or {}).items():
        setattr(ticket, name, value)
    ticket.save(update_fields=["status", "updated_at", *(fields or {})])
    return record_event(
        ticket,
        kind,
        actor,
        at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        work_order=work_order,
        data=data,
    )


def require_text(value: str | None, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写%(label)s") % {"label": label}, field=field)
    return value
