"""Close and reopen, and the ticket's side of a callback: the end of a ticket's life, and its
second chance (SPEC §4, §6). The callback itself is recorded by ``callbacks.services``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from propdesk.org.access import check_project_scope
from propdesk.org.models import User
from propdesk.org.services import is_portal_account

from ..choices import ClosureReason, EventKind, Kind, Status
from ..models import Ticket, TicketEvent
from .guards import (
    CLOSE_FROM,
    CONTESTED_REASONS,
    check_move,
    lock_ticket,
    move_to,
    record_event,
    require_move_role,
    require_status,
    require_text,
)


def reopened_fields(ticket: Ticket) -> dict[str, Any]:
    """The one reopen rule: the result no longer stands and the request goes back to dispatch,
    whether a person reopens it or an unsatisfied callback does."""
    return {
        "reopen_count": ticket.reopen_count + 1,
        "closed_at": None,
        "closure_reason": "",
        "closure_note": "",
        "resolved_at": None,
    }


def lock_for_callback(actor: User, ticket: Ticket) -> Ticket:
    """Lock the ticket for a callback and check the actor may record one now."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "callback")
    return ticket


def record_callback_outcome(
    actor: User,
    ticket: Ticket,
    *,
    satisfied: bool,
    at: datetime,
    note: str,
    data: dict[str, Any],
) -> TicketEvent:
    """The ticket's side of a callback (``callbacks.services.record_callback`` records the
    callback itself, on a ticket from ``lock_for_callback``). 很满意/满意/基本满意 → callback
    done; otherwise the ticket reopens and goes back to dispatch (seed 002 作业指导书 4.6)."""
    if satisfied:
        return move_to(
            ticket,
            Status.CALLBACK_DONE,
            EventKind.CALLBACK_RECORDED,
            actor,
            at,
            note=note,
            data=data,
            fields={"callback_at": at},
        )
    return move_to(
        ticket,
        Status.REOPENED,
        EventKind.CALLBACK_RECORDED,
        actor,
        at,
        note=note,
        data={**data, "reopened": True},
        fields={"callback_at": at, **reopened_fields(ticket)},
    )


# CLOSE_FROM (from which states each closure reason is possible) and the contested reasons are
# defined beside the role table in guards, so that allowed_moves offers "close" only when some
# reason fits; both names stay importable from here.
CONTESTED = CONTESTED_REASONS


@transaction.atomic
def close(
    actor: User,
    ticket: Ticket,
    *,
    reason: str,
    note: str = "",
    has_case_value: bool = False,
    now: datetime | None = None,
) -> Ticket:
    """Close with a reason. A contested closure (still disagrees, beyond our authority) is a
    manager's decision and must state the company's position and evidence."""
    if reason not in ClosureReason.values:
        raise InvalidInput(
            _("关闭原因“%(r)s”无效,可选:%(o)s")
            % {"r": reason, "o": ", ".join(ClosureReason.values)},
            field="reason",
        )
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "close", CLOSE_FROM[reason])
    if reason in CONTESTED:
        require_move_role(actor, "close_contested")
        note = require_text(note, "note", _("公司立场及依据"))
    if reason == ClosureReason.SATISFIED:
        last = ticket.callbacks.order_by("-called_at", "-pk").first()
        if last is None or not last.is_satisfied:
            raise InvalidTransition(_("最近一次回访不是满意,不能以“回访满意”关闭"), field="reason")
    if reason == ClosureReason.NO_CONTACT and (ticket.contact_phone or ticket.resident_id):
        # Someone could have been called back: say why nobody was reached.
        note = require_text(note, "note", _("无法联系的情况说明"))
    if reason == ClosureReason.SENSITIVE:
        # A callback would do harm: closed without one only with the reason recorded (SPEC §6).
        note = require_text(note, "note", _("不宜回访的原因"))
    at = clock.resolve(now)
    from .workflow import _cancel_open_work_orders

    cancelled = _cancel_open_work_orders(ticket, at)
    move_to(
        ticket,
        Status.CLOSED,
        EventKind.CLOSED,
        actor,
        at,
        note=note,
        data={"reason": reason, "cancelled_work_orders": cancelled},
        fields={
            "closed_at": at,
            "closure_reason": reason,
            "closure_note": note,
            "has_case_value": has_case_value or ticket.has_case_value,
        },
    )
    return ticket


#: Where the fix can only be judged later the handler may set the callback up to this many
#: working days after resolution (SPEC §5: 3–5 days, seed 001 篇5 三至五日) …
MAX_CALLBACK_DELAY_DAYS = 5
#: … and for a problem that recurs, longer, but never open-ended (可适当延长).
MAX_RECURRING_CALLBACK_DELAY_DAYS = 15


@transaction.atomic
def delay_callback(
    actor: User,
    ticket: Ticket,
    *,
    working_days: int,
    reason: str,
    recurring: bool = False,
    now: datetime | None = None,
) -> Ticket:
    """Call back later than the default because the fix needs time to show (a repaired leak
    must stay dry, a treated lawn must grow): up to five working days after resolution, up to
    fifteen for a problem that recurs; the reason is recorded. A repair is called back the day
    the work ends or the next (SPEC §6), never later."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "delay_callback")
    if ticket.kind == Kind.REPAIR:
        raise InvalidTransition(_("报修在完工当天或次日回访,不能延后"), field="working_days")
    limit = MAX_RECURRING_CALLBACK_DELAY_DAYS if recurring else MAX_CALLBACK_DELAY_DAYS
    if (
        isinstance(working_days, bool)
        or not isinstance(working_days, int)
        or not (1 <= working_days <= limit)
    ):
        message = (
            _("反复出现的问题,回访最多延后 %(n)s 个工作日")
            if recurring
            else _(
                "回访最多延后 %(n)s 个工作日;问题反复出现时可勾选“问题反复出现”,最多 %(m)s 个工作日"
            )
        )
        raise InvalidInput(
            message % {"n": limit, "m": MAX_RECURRING_CALLBACK_DELAY_DAYS}, field="working_days"
        )
    reason = require_text(reason, "reason", _("延后回访的原因"))
    record_event(
        ticket, EventKind.CALLBACK_DELAYED, actor, clock.resolve(now), note=reason,
        data={"working_days": working_days, "recurring": bool(recurring)},
    )  # fmt: skip
    return ticket


@transaction.atomic
def reopen(actor: User, ticket: Ticket, *, reason: str, now: datetime | None = None) -> Ticket:
    """Open a resolved or closed request again; it goes back to dispatch."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "reopen")
    reason = require_text(reason, "reason", _("重开原因"))
    at = clock.resolve(now)
    move_to(
        ticket,
        Status.REOPENED,
        EventKind.REOPENED,
        actor,
        at,
        note=reason,
        fields=reopened_fields(ticket),
    )
    return ticket


#: After a callback or a closure the resident may still say the result did not hold, unless the
#: company closed it with its position recorded (still disagrees, beyond its authority).
RESIDENT_MAY_REOPEN = frozenset({Status.CALLBACK_DONE, Status.CLOSED})


@transaction.atomic
def reopen_at_residents_word(
    actor: User, ticket: Ticket, *, reason: str, now: datetime | None = None
) -> Ticket:
    """The resident says, on the portal, that a request called back or closed is not solved
    (SPEC §12: "reopens within the configured window", which the portal checks): it goes back
    to dispatch as any reopen does, and the reopen rules of the clocks follow. Only a project's
    portal account records this: it holds no front-desk role, the resident is its authority."""
    if not is_portal_account(actor):
        raise PermissionDenied(_("只有住户本人可以通过自助页面重开诉求"))
    ticket = lock_ticket(ticket)
    check_project_scope(actor, ticket.project_id)
    require_status(ticket, "reopen", RESIDENT_MAY_REOPEN)
    if ticket.closure_reason in CONTESTED_REASONS:
        raise InvalidTransition(_("这条诉求已由公司说明立场后办结,如有新问题请重新提交"))
    reason = require_text(reason, "reason", _("重开原因"))
    move_to(
        ticket,
        Status.REOPENED,
        EventKind.REOPENED,
        actor,
        clock.resolve(now),
        note=reason,
        data={"by_resident": True},
        fields=reopened_fields(ticket),
    )
    return ticket
