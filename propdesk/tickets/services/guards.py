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
from django.utils.translation import gettext_noop

from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound
from propdesk.core.rows import insert_rows
from propdesk.org.access import check_project_scope
from propdesk.org.choices import Role
from propdesk.org.models import User
from propdesk.org.roles import ALL_ROLES, FRONT_DESK, MANAGERS, has_role, require_role, role_of

from .. import lifecycle
from ..choices import (
    ACTIVE_WORK_ORDER_STATUSES,
    ClosureReason,
    EventKind,
    Status,
    WorkOrderStatus,
)
from ..models import Ticket, TicketEvent, WorkOrder

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
    "delay_callback": FRONT_DESK | {Role.HANDLER},
    "submit_plan": FRONT_DESK,
    "set_grade": MANAGERS,
    "escalate": FRONT_DESK,
    "merge": MANAGERS,
    "cancel": FRONT_DESK,
    "update": FRONT_DESK,
    "attach": ALL_ROLES,
}

MOVE_LABELS: dict[str, str] = {
    "register": gettext_noop("登记"),
    "accept": gettext_noop("受理"),
    "answer": gettext_noop("即时答复"),
    "dispatch": gettext_noop("派单"),
    "return": gettext_noop("退单"),
    "transfer": gettext_noop("转派"),
    "start": gettext_noop("开始处理"),
    "note": gettext_noop("跟进记录"),
    "reply": gettext_noop("回复住户"),
    "suspend": gettext_noop("挂起"),
    "resume": gettext_noop("恢复"),
    "resolve": gettext_noop("解决"),
    "complete_work_order": gettext_noop("完成工单"),
    "callback": gettext_noop("回访"),
    "close": gettext_noop("关闭"),
    "close_contested": gettext_noop("关闭(异议/超出职权)"),
    "reopen": gettext_noop("重开"),
    "delay_callback": gettext_noop("延后回访"),
    "submit_plan": gettext_noop("提交处理方案"),
    "set_grade": gettext_noop("调整等级"),
    "escalate": gettext_noop("升级"),
    "merge": gettext_noop("合并"),
    "cancel": gettext_noop("撤销"),
    "update": gettext_noop("修改"),
    "attach": gettext_noop("添加附件"),
}


def may(user: User, move: str) -> bool:
    return has_role(user, MOVE_ROLES[move])


def require_move_role(user: User, move: str) -> None:
    require_role(
        user,
        MOVE_ROLES[move],
        _("您的角色(%(role)s)不能执行“%(move)s”")
        % {"role": Role(role_of(user)).label, "move": _(MOVE_LABELS[move])},
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

_CONTESTABLE = frozenset(
    {
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.SUSPENDED,
        Status.RESOLVED,
        Status.CALLBACK_DONE,
        Status.REOPENED,
    }
)
#: From which states each closure reason is possible (SPEC §4 closure reasons).
CLOSE_FROM: dict[str, frozenset[str]] = {
    ClosureReason.SATISFIED: frozenset({Status.CALLBACK_DONE}),
    ClosureReason.CONFIRMED_ON_SPOT: frozenset({Status.RESOLVED, Status.CALLBACK_DONE}),
    ClosureReason.NO_CONTACT: frozenset({Status.RESOLVED}),
    ClosureReason.SENSITIVE: frozenset({Status.RESOLVED}),
    ClosureReason.DISAGREEMENT: _CONTESTABLE,
    ClosureReason.BEYOND_AUTHORITY: _CONTESTABLE,
}
#: Closing for these reasons is a manager's decision ("close_contested").
CONTESTED_REASONS = frozenset({ClosureReason.DISAGREEMENT, ClosureReason.BEYOND_AUTHORITY})

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
    "close": frozenset().union(*CLOSE_FROM.values()),
    "reopen": frozenset({Status.RESOLVED, Status.CALLBACK_DONE, Status.CLOSED}),
    "delay_callback": frozenset({Status.RESOLVED}),
    "set_grade": _OPEN,
    "escalate": _OPEN,
    "submit_plan": frozenset(
        {Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.SUSPENDED, Status.REOPENED}
    ),
    "merge": _BEFORE_RESULT,
    "cancel": _BEFORE_RESULT,
    "update": _OPEN,
    "attach": _OPEN,
}


def check_move(user: User, ticket: Ticket, move: str, allowed: Iterable[str] | None = None) -> None:
    """Scope first (never reveal state outside it), then role, then state."""
    check_project_scope(user, ticket.project_id)
    require_move_role(user, move)
    require_status(ticket, move, MOVE_FROM[move] if allowed is None else allowed)


#: Moves on a department's work orders: a handler makes them only on their own orders.
WORK_ORDER_MOVES = frozenset({"return", "start", "resolve", "complete_work_order"})


def allowed_moves(user: User, ticket: Ticket) -> list[str]:
    """The moves this user may make on this ticket now: what the UI offers as buttons.

    Only moves that can succeed are offered: "close" when some closure reason fits the state and
    the role, a handler's work-order moves when the ticket has an open order of theirs (for
    "resolve": when every open order is theirs), "start" when an open order has not started.
    """
    if not user.in_scope(ticket.project_id):
        return []
    candidates = [
        move for move, states in MOVE_FROM.items() if ticket.status in states and may(user, move)
    ]
    orders: list[WorkOrder] | None = None
    offered = []
    for move in candidates:
        if move == "close" and not any(
            ticket.status in states
            and (reason not in CONTESTED_REASONS or may(user, "close_contested"))
            for reason, states in CLOSE_FROM.items()
        ):
            continue
        if move in WORK_ORDER_MOVES:
            if orders is None:
                orders = list(ticket.work_orders.filter(status__in=ACTIVE_WORK_ORDER_STATUSES))
            workable = orders
            if role_of(user) == Role.HANDLER:
                workable = [
                    o
                    for o in orders
                    if o.department_id == user.department_id or o.assignee_id == user.pk
                ]
                if move == "resolve" and len(workable) < len(orders):
                    continue
            if not workable:
                continue
            if move == "start" and not any(
                o.status == WorkOrderStatus.DISPATCHED for o in workable
            ):
                continue
        offered.append(move)
    return offered


def lock_ticket(ticket: Ticket | str) -> Ticket:
    """Re-read the ticket with a row lock; every move holds it until its transaction ends.

    Moves that touch two tickets (merge) lock them in primary-key order to avoid deadlocks.
    Only the ticket's own row is locked (``of=("self",)``): without it PostgreSQL would also lock
    the joined project row, and every move and registration in the project would queue behind it.
    The lock is ``FOR NO KEY UPDATE``: moves never change the key, and a plain ``FOR UPDATE``
    would conflict with the foreign-key check of an SLA timer inserting an event for this
    ticket while holding its clock — a lock cycle with a move waiting for that clock.
    """
    number = ticket if isinstance(ticket, str) else ticket.number
    try:
        return (
            Ticket.objects.select_for_update(of=("self",), no_key=True)
            .select_related("project")
            .get(number=number)
        )
    except Ticket.DoesNotExist:
        raise NotFound(_("诉求 %(number)s 不存在") % {"number": number}) from None


def get_work_order(ticket: Ticket, sequence: int | None) -> WorkOrder:
    if sequence is None:
        raise NotFound(_("请指定工单序号"), field="work_order")
    try:
        return (
            WorkOrder.objects.select_for_update(of=("self",), no_key=True)
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
    """Write the event and publish it to the subscribers of ``tickets.lifecycle`` (clocks,
    notices, hot issues, callback tasks …) in the same transaction."""
    # Through core.rows, not create(): every move writes an event, the commonest INSERT there is.
    event = TicketEvent(
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
    insert_rows([event])
    lifecycle.publish(ticket, event)
    if kind in (EventKind.RESOLVED, EventKind.ANSWERED):
        from .outcome import share_outcome

        share_outcome(ticket, at)
    return event


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


#: From which states a work order may go to each (SPEC §4): started once, and ended once —
#: done, returned (退单, 转派) or cancelled with its ticket.
WORK_ORDER_FROM: dict[str, frozenset[str]] = {
    WorkOrderStatus.IN_PROGRESS: frozenset({WorkOrderStatus.DISPATCHED}),
    WorkOrderStatus.DONE: ACTIVE_WORK_ORDER_STATUSES,
    WorkOrderStatus.RETURNED: ACTIVE_WORK_ORDER_STATUSES,
    WorkOrderStatus.CANCELLED: ACTIVE_WORK_ORDER_STATUSES,
}


def move_work_order(order: WorkOrder, to_status: WorkOrderStatus, **fields: Any) -> None:
    """The only place a work order's status changes: guarded by WORK_ORDER_FROM, saved with
    the fields that go with it. The move that calls it writes the ticket's event naming the
    order (started, completed, returned, transferred; closed, cancelled or merged with the
    orders it ended)."""
    if order.status not in WORK_ORDER_FROM[to_status]:
        raise InvalidTransition(
            _("工单当前状态为“%(status)s”,不能改为“%(to)s”")
            % {
                "status": WorkOrderStatus(order.status).label,
                "to": WorkOrderStatus(to_status).label,
            },
            field="work_order",
        )
    order.status = to_status
    for name, value in fields.items():
        setattr(order, name, value)
    order.save(update_fields=["status", *fields])


def require_text(value: str | None, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写%(label)s") % {"label": label}, field=field)
    return value
