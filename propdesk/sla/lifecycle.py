"""What each lifecycle event does to the clocks (SPEC §5), in the move's transaction.

The tickets app calls :func:`on_event` for every event it writes. Clocks of the request itself
start when it was received (the received-at time on the form, SPEC §5), not when it was typed
in: only the register clock measures registration against receipt. Work-order clocks start at
dispatch; the callback clock at resolution. A reply meets the reply clocks, resolution the
handling ones, closing the close clock; suspension pauses everything and resumption carries
on with the time that was left.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from propdesk.tickets.choices import ClosureReason, EventKind, Status
from propdesk.tickets.models import Ticket, TicketEvent, WorkOrder
from propdesk.worktime.arithmetic import WorkCalendar

from . import follow_up, grades, policies
from .choices import ClockKind, ClockState, ClockUnit
from .engine import (
    NewClocks,
    awaiting,
    calendar_of,
    cancel_clocks,
    meet,
    open_clocks,
    pause,
    place,
    resume,
    start_clock,
    task_row,
)
from .models import SlaClock

#: Clocks that start when the request was received (SPEC §5: never from its typing in).
FROM_RECEIPT = (
    ClockKind.FIRST_REPLY,
    ClockKind.DISPATCH,
    ClockKind.HANDLE,
    ClockKind.RESULT_REPLY,
    ClockKind.CLOSE,
)
#: Clocks started again when a request is reopened: a new 投诉处理单 is opened and dispatched
#: (seed 002 作业指导书 4.6 → 4.2), and it is handled anew.
RESTART_ON_REOPEN = (
    ClockKind.REGISTER,
    ClockKind.DISPATCH,
    ClockKind.HANDLE,
    ClockKind.RESULT_REPLY,
    ClockKind.CLOSE,
)
BEFORE_RESULT = frozenset(
    {
        Status.REGISTERED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.SUSPENDED,
        Status.REOPENED,
    }
)
#: Changing one of these may change the grade.
GRADE_INPUTS = set(grades.FACTS) | {"category", "nature", "repeat_of"}
#: Closing for these reasons means the resident heard the result.
RESULT_HEARD = {ClosureReason.SATISFIED, ClosureReason.CONFIRMED_ON_SPOT}


def pauses_of(ticket: Ticket) -> list[tuple[datetime, datetime | None]]:
    """The ticket's suspensions from its history: (suspended at, resumed at or None)."""
    spans: list[tuple[datetime, datetime | None]] = []
    for kind, at in (
        TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.SUSPENDED, EventKind.RESUMED])
        .order_by("at", "pk")
        .values_list("kind", "at")
    ):
        if kind == EventKind.SUSPENDED:
            spans.append((at, None))
        elif spans and spans[-1][1] is None:
            spans[-1] = (spans[-1][0], at)
    return spans


def _work_order_clock(ticket: Ticket, order: WorkOrder, at: datetime) -> None:
    start_clock(
        ticket, ClockKind.WORK_ORDER, order.dispatched_at, due_at=order.deadline,
        work_order=order, now=at,
    )  # fmt: skip


def _registered(ticket: Ticket, event: TicketEvent) -> None:
    calendar = calendar_of(ticket)
    at = event.at
    # Every clock of the new request in one INSERT and their timers in another.
    batch = NewClocks()
    started: list[SlaClock | None] = []
    if not ticket.is_emergency:
        started.append(
            start_clock(
                ticket, ClockKind.REGISTER, ticket.received_at, calendar=calendar,
                met_at=ticket.registered_at, batch=batch,
            )
        )  # fmt: skip
    else:
        # Safety emergencies are handled first and recorded after (seed 002, 003): the form
        # is due 30 minutes after the work on site ended, when that is known.
        if ticket.on_site_finished_at:
            started.append(
                start_clock(
                    ticket, ClockKind.REGISTER, ticket.on_site_finished_at, calendar=calendar,
                    met_at=ticket.registered_at, batch=batch,
                )
            )  # fmt: skip
        started.append(
            start_clock(
                ticket, ClockKind.EMERGENCY, ticket.received_at, calendar=calendar, now=at,
                met_at=ticket.on_site_finished_at, batch=batch,
            )
        )  # fmt: skip
    for kind in FROM_RECEIPT:
        started.append(
            start_clock(ticket, kind, ticket.received_at, calendar=calendar, now=at, batch=batch)
        )
    if ticket.agreed_reply_at:
        started.append(
            start_clock(
                ticket, ClockKind.AGREED_REPLY, ticket.received_at, calendar=calendar,
                due_at=ticket.agreed_reply_at, now=at, batch=batch,
            )
        )  # fmt: skip
    # Graded before the clocks' timers are written, so that the task grading its same-kind
    # group goes in the same INSERT as the timers.
    grades.evaluate(ticket, at)
    _regrade_group_later(ticket, at, batch)
    batch.write()
    # Kept beside the ticket: the receipt reads the reply deadline from them and the answer
    # to the registration lists them, neither reading them back (see started_clocks()).
    ticket._sla_started_clocks = [c for c in started if c is not None]


def started_clocks(ticket: Ticket) -> list[SlaClock] | None:
    """The clocks registration started on this very ticket object, as they are now; None when
    it was not registered through this object (then read them from the database)."""
    return getattr(ticket, "_sla_started_clocks", None)


def _answered(ticket: Ticket, event: TicketEvent) -> None:
    meet(
        awaiting(ticket, [ClockKind.FIRST_REPLY, ClockKind.AGREED_REPLY, ClockKind.HANDLE,
                             ClockKind.RESULT_REPLY, ClockKind.EMERGENCY]),
        event.at,
    )  # fmt: skip
    cancel_clocks(open_clocks(ticket, [ClockKind.DISPATCH]))
    start_clock(ticket, ClockKind.CALLBACK, event.at, now=event.at)


def _dispatched(ticket: Ticket, event: TicketEvent) -> None:
    meet(awaiting(ticket, [ClockKind.DISPATCH]), event.at)
    _work_order_clock(ticket, event.work_order, event.at)


def _returned(ticket: Ticket, event: TicketEvent) -> None:
    cancel_clocks(open_clocks(ticket, work_order=event.work_order))
    if ticket.status == Status.ACCEPTED and not open_clocks(ticket, [ClockKind.DISPATCH]):
        start_clock(ticket, ClockKind.DISPATCH, event.at, now=event.at)


def _transferred(ticket: Ticket, event: TicketEvent) -> None:
    old = WorkOrder.objects.filter(
        ticket=ticket, sequence=event.data.get("from_work_order")
    ).first()
    if old is not None:
        cancel_clocks(open_clocks(ticket, work_order=old))
    _work_order_clock(ticket, event.work_order, event.at)


def _started(ticket: Ticket, event: TicketEvent) -> None:
    meet(awaiting(ticket, [ClockKind.EMERGENCY]), event.at)


def _replied(ticket: Ticket, event: TicketEvent) -> None:
    kinds = [ClockKind.FIRST_REPLY, ClockKind.AGREED_REPLY]
    if ticket.status in (Status.RESOLVED, Status.CALLBACK_DONE):
        kinds.append(ClockKind.RESULT_REPLY)  # the result told to the resident
    meet(awaiting(ticket, kinds), event.at)


def _suspended(ticket: Ticket, event: TicketEvent) -> None:
    pause(open_clocks(ticket), event.at, calendar_of(ticket))


def _resumed(ticket: Ticket, event: TicketEvent) -> None:
    resume(open_clocks(ticket), event.at, calendar_of(ticket))


def _work_order_completed(ticket: Ticket, event: TicketEvent) -> None:
    meet(awaiting(ticket, work_order=event.work_order), event.at)


def _resolved(ticket: Ticket, event: TicketEvent) -> None:
    meet(
        awaiting(ticket, [ClockKind.HANDLE, ClockKind.EMERGENCY, ClockKind.WORK_ORDER]),
        event.at,
    )
    cancel_clocks(open_clocks(ticket, [ClockKind.DISPATCH]))
    start_clock(ticket, ClockKind.CALLBACK, event.at, now=event.at)


def _callback_recorded(ticket: Ticket, event: TicketEvent) -> None:
    meet(
        awaiting(ticket, [ClockKind.CALLBACK, ClockKind.FIRST_REPLY,
                             ClockKind.AGREED_REPLY, ClockKind.RESULT_REPLY]),
        event.at,
    )  # fmt: skip
    if event.data.get("reopened"):
        _reopened(ticket, event)


def _callback_delayed(ticket: Ticket, event: TicketEvent) -> None:
    """The handler gave the fix time to show: the callback is due N working days after
    resolution instead of the rule's default."""
    calendar = calendar_of(ticket)
    days = event.data["working_days"]
    for clock in open_clocks(ticket, [ClockKind.CALLBACK]):
        due = policies.due_after(calendar, clock.started_at, ClockUnit.WORKING_DAYS, days)
        clock.policy, clock.unit, clock.amount = None, ClockUnit.WORKING_DAYS, days
        clock.span_minutes = policies.minutes_between(
            calendar, clock.unit, clock.started_at, due.at
        )
        clock.calendar_warnings = list(due.warnings)
        place(clock, calendar, event.at, pauses_of(ticket), suspended=False)


def _plan_approved(ticket: Ticket, event: TicketEvent) -> None:
    # Only an approved plan meets the plan clock (issue 21): one submitted and sent back, or
    # still waiting for its approvers, leaves it running.
    meet(awaiting(ticket, [ClockKind.PLAN]), event.at)


def _closed(ticket: Ticket, event: TicketEvent) -> None:
    kinds = [ClockKind.CLOSE]
    if event.data.get("reason") in RESULT_HEARD:
        kinds.append(ClockKind.RESULT_REPLY)
    meet(awaiting(ticket, kinds), event.at)
    cancel_clocks(open_clocks(ticket))


def _reopened(ticket: Ticket, event: TicketEvent) -> None:
    """Reopened: a new 投诉处理单 (seed 002 作业指导书 4.6 → 4.2), so the register and dispatch
    clocks start again from the resident's renewed complaint — the register clock met by the
    reopen itself, which records it — and handling, result reply and close with them; from the
    threshold on, every reopen escalates one level (seed 002: 逐级升级)."""
    from .escalation import escalate, policy_for

    cancel_clocks(open_clocks(ticket, [ClockKind.CALLBACK]))
    policy = policy_for(ticket)
    if ticket.reopen_count >= policy.reopen_threshold:
        escalate(
            ticket, to_level=ticket.escalation_level + 1, trigger="reopen", at=event.at,
            reason=event.note, policy=policy,
        )  # fmt: skip
    calendar = calendar_of(ticket)
    running = {c.kind for c in open_clocks(ticket)}
    batch = NewClocks()
    for kind in RESTART_ON_REOPEN:
        if kind not in running:
            start_clock(
                ticket, kind, event.at, calendar=calendar, now=event.at, batch=batch,
                met_at=event.at if kind == ClockKind.REGISTER else None,
            )  # fmt: skip
    batch.write()


def _stopped(ticket: Ticket, event: TicketEvent) -> None:
    if event.data.get("merged_from"):
        return  # the survivor of a merge goes on
    cancel_clocks(open_clocks(ticket))


def _recompute(
    clock: SlaClock,
    ticket: Ticket,
    calendar: WorkCalendar,
    at: datetime,
    pauses: list[tuple[datetime, datetime | None]],
) -> None:
    """Put a clock under the rule that now applies, counting the active time already used."""
    limit = policies.limit_for(ticket, ClockKind(clock.kind))
    if limit is None:
        cancel_clocks([clock])
        return
    moments = policies.moments_for(calendar, limit, clock.started_at)
    clock.policy, clock.unit, clock.amount = moments.rule, moments.unit, moments.amount
    clock.warning_percent = moments.warning_percent
    clock.span_minutes = moments.span_minutes
    clock.calendar_warnings = list(moments.warnings)
    place(clock, calendar, at, pauses, suspended=ticket.status == Status.SUSPENDED)


def _updated(ticket: Ticket, event: TicketEvent) -> None:
    """Corrections: a changed agreed time or emergency flag, or a reclassification, which puts
    open clocks under the rules that now apply and starts the clocks that now apply too —
    counting only active time, so a suspension is never charged."""
    changes = event.data.get("changes", {})
    calendar = calendar_of(ticket)
    at = event.at
    suspended = ticket.status == Status.SUSPENDED
    pauses = pauses_of(ticket)
    if "agreed_reply_at" in changes:
        cancel_clocks(open_clocks(ticket, [ClockKind.AGREED_REPLY]))
        if ticket.agreed_reply_at and not ticket.replies.exists():
            start_clock(
                ticket, ClockKind.AGREED_REPLY, at, calendar=calendar,
                due_at=ticket.agreed_reply_at, now=at,
            )  # fmt: skip
    if "is_emergency" in changes:
        if not ticket.is_emergency:
            cancel_clocks(open_clocks(ticket, [ClockKind.EMERGENCY]))
        elif (
            ticket.status in {Status.REGISTERED, Status.ACCEPTED, Status.DISPATCHED}
            and not (
                ticket.clocks.filter(kind=ClockKind.EMERGENCY).exclude(state=ClockState.CANCELLED)
            ).exists()
        ):
            start_clock(ticket, ClockKind.EMERGENCY, ticket.received_at, calendar=calendar,
                        now=at)  # fmt: skip
    if "needs_plan" in changes:
        if not ticket.needs_plan:
            cancel_clocks(open_clocks(ticket, [ClockKind.PLAN]))
        elif (
            ticket.status in BEFORE_RESULT
            and not ticket.plan_submitted_at
            and not (
                ticket.clocks.filter(kind=ClockKind.PLAN).exclude(state=ClockState.CANCELLED)
            ).exists()
        ):
            # The plan is due ten working days after receipt, suspensions not counted.
            plan = start_clock(ticket, ClockKind.PLAN, ticket.received_at, calendar=calendar,
                               pending=[])  # fmt: skip
            if plan is not None:
                place(plan, calendar, at, pauses, suspended=suspended)
    if not {"kind", "channel", "category"} & set(changes):
        return
    for clock in open_clocks(ticket, [*FROM_RECEIPT, ClockKind.CALLBACK]):
        if clock.unit != ClockUnit.FIXED:
            _recompute(clock, ticket, calendar, at, pauses)
    counted = set(ticket.clocks.exclude(state=ClockState.CANCELLED).values_list("kind", flat=True))
    wanted: list[tuple[ClockKind, datetime]] = []
    if ticket.status in BEFORE_RESULT:
        replied = ticket.replies.exists()
        wanted += [
            (kind, ticket.received_at)
            for kind in FROM_RECEIPT
            if (kind != ClockKind.FIRST_REPLY or not replied)
            and (
                kind != ClockKind.DISPATCH or ticket.status in {Status.REGISTERED, Status.ACCEPTED}
            )
        ]
    for kind, start in wanted:
        if kind in counted:
            continue
        clock = start_clock(ticket, kind, start, calendar=calendar, pending=[])
        if clock is not None:
            place(clock, calendar, at, pauses, suspended=suspended)


HANDLERS: dict[str, Callable[[Ticket, TicketEvent], None]] = {
    EventKind.REGISTERED: _registered,
    EventKind.ANSWERED: _answered,
    EventKind.DISPATCHED: _dispatched,
    EventKind.WORK_ORDER_RETURNED: _returned,
    EventKind.TRANSFERRED: _transferred,
    EventKind.STARTED: _started,
    EventKind.REPLIED: _replied,
    EventKind.SUSPENDED: _suspended,
    EventKind.RESUMED: _resumed,
    EventKind.WORK_ORDER_COMPLETED: _work_order_completed,
    EventKind.RESOLVED: _resolved,
    EventKind.CALLBACK_RECORDED: _callback_recorded,
    EventKind.CALLBACK_DELAYED: _callback_delayed,
    EventKind.PLAN_APPROVED: _plan_approved,
    EventKind.CLOSED: _closed,
    EventKind.REOPENED: _reopened,
    EventKind.MERGED: _stopped,
    EventKind.CANCELLED: _stopped,
    EventKind.UPDATED: _updated,
}


def on_event(ticket: Ticket, event: TicketEvent) -> None:
    """Apply one lifecycle event to the ticket's clocks and grades (inside the move's
    transaction)."""
    handler = HANDLERS.get(event.kind)
    if handler is not None:
        handler(ticket, event)
    # After the event's own handler: a reopen has restarted the other clocks, a closure has
    # stopped every clock, a resumption has resumed the follow-up clock with the others.
    follow_up.on_event(ticket, event)
    # A registration is graded by _registered().
    if event.kind == EventKind.UPDATED and set(event.data.get("changes", {})) & GRADE_INPUTS:
        grades.evaluate(ticket, event.at)
        if {"kind", "category"} & set(event.data["changes"]):
            _regrade_group_later(ticket, event.at)


def _regrade_group_later(ticket: Ticket, at: datetime, batch: NewClocks | None = None) -> None:
    """The group's other members are graded by the worker within seconds (a task row written
    in this transaction — with ``batch``'s timers when given): locking them here would make a
    registration wait on their moves."""
    from .tasks import regrade_group

    if ticket.kind == "repair":
        return
    if batch is not None:
        batch.tasks.append(task_row(regrade_group, [ticket.pk, at.isoformat()]))
    else:
        regrade_group.enqueue(ticket.pk, at.isoformat())
