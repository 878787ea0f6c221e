"""The clocks follow the lifecycle: each ticket event starts, meets, pauses, resumes or stops
them, in the same transaction as the move (SPEC §5).

The one entry point is :func:`on_event`, called by the tickets app for every event it writes.
Timers for the warning and due moments are scheduled as background tasks (``run_after``); a
timer carries the clock's ``timer_version`` and does nothing if the clock has moved since.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db.models import Q

from propdesk.tickets.choices import EventKind, Status
from propdesk.tickets.models import Ticket, TicketEvent, WorkOrder
from propdesk.worktime.arithmetic import WorkCalendar
from propdesk.worktime.services import calendar_for_project

from . import policies
from .choices import OPEN_CLOCK_STATES, ClockKind, ClockState
from .models import SlaClock

#: Clocks that start when the request arrives or is registered, and from which moment.
FROM_RECEIPT = (ClockKind.FIRST_REPLY,)
FROM_REGISTRATION = (
    ClockKind.DISPATCH,
    ClockKind.HANDLE,
    ClockKind.RESULT_REPLY,
    ClockKind.CLOSE,
)


def _calendar(ticket: Ticket) -> WorkCalendar:
    return calendar_for_project(ticket.project)


def _open(ticket: Ticket, kinds: Iterable[str] | None = None, *, work_order=None):
    qs = SlaClock.objects.select_for_update().filter(ticket=ticket, state__in=OPEN_CLOCK_STATES)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if work_order is not None:
        qs = qs.filter(work_order=work_order)
    return list(qs.order_by("pk"))


def _sla_event(clock: SlaClock, kind: EventKind, at: datetime, **data) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket_id=clock.ticket_id,
        kind=kind,
        actor=None,
        at=at,
        work_order_id=clock.work_order_id,
        data={
            "clock": clock.kind,
            "clock_id": clock.pk,
            "due_at": clock.due_at.isoformat(),
            **data,
        },
    )


def drop_timers(clock: SlaClock) -> None:
    """Remove the clock's timers that have not run yet: they would only find it moved on."""
    drop_timers_of([clock])


def drop_timers_of(clocks: Iterable[SlaClock]) -> None:
    from django_tasks_db.models import DBTaskResult

    clocks = list(clocks)
    ids = [i for c in clocks for i in (c.warn_task_id, c.due_task_id) if i]
    if ids:
        DBTaskResult.objects.filter(id__in=ids, status="READY").delete()
    for clock in clocks:
        clock.warn_task_id = clock.due_task_id = None


def _timer(clock: SlaClock, moment: str, run_after: datetime):
    """One timer row, as ``fire_clock.using(run_after=…).enqueue(…)`` would write it.

    Written in bulk because a registration starts several clocks and a reconcile may repair
    thousands; the database backend's enqueue is one INSERT per task and its signal has no
    receivers here.
    """
    from django_tasks_db.models import DBTaskResult

    from .tasks import fire_clock

    return DBTaskResult(
        id=uuid.uuid4(),
        args_kwargs={"args": [clock.pk, moment, clock.timer_version], "kwargs": {}},
        priority=fire_clock.priority,
        task_path=fire_clock.module_path,
        queue_name=fire_clock.queue_name,
        backend_name=fire_clock.backend,
        run_after=run_after,
    )


def schedule_many(clocks: Iterable[SlaClock]) -> None:
    """Give running clocks fresh warning and due timers (rows in the same transaction); any
    timer they had before is dropped and would find an old version anyway."""
    from django_tasks_db.models import DBTaskResult

    clocks = list(clocks)
    drop_timers_of(clocks)
    rows = []
    for clock in clocks:
        clock.timer_version += 1
        if clock.warned_at is None and clock.warn_at < clock.due_at:
            warning = _timer(clock, "warning", clock.warn_at)
            clock.warn_task_id = warning.id
            rows.append(warning)
        due = _timer(clock, "due", clock.due_at)
        clock.due_task_id = due.id
        rows.append(due)
    DBTaskResult.objects.bulk_create(rows)
    SlaClock.objects.bulk_update(clocks, ["timer_version", "warn_task_id", "due_task_id"])


def schedule(clock: SlaClock) -> None:
    schedule_many([clock])


def start_clock(
    ticket: Ticket,
    kind: ClockKind,
    start: datetime,
    *,
    calendar: WorkCalendar | None = None,
    due_at: datetime | None = None,
    work_order: WorkOrder | None = None,
    met_at: datetime | None = None,
    now: datetime | None = None,
    pending: list[SlaClock] | None = None,
) -> SlaClock | None:
    """Start one clock (if a rule or a fixed moment says it runs) and schedule its timers
    (or add it to ``pending``, for the caller to schedule several at once)."""
    calendar = calendar or _calendar(ticket)
    if due_at is not None:
        moments = policies.fixed_moments(calendar, start, due_at)
    else:
        limit = policies.limit_for(ticket, kind)
        if limit is None:
            return None
        moments = policies.moments_for(calendar, limit, start)
    clock = SlaClock.objects.create(
        ticket=ticket,
        work_order=work_order,
        kind=kind,
        policy=moments.rule,
        unit=moments.unit,
        amount=moments.amount,
        warning_percent=moments.warning_percent,
        started_at=start,
        warn_at=moments.warn_at,
        due_at=moments.due_at,
        span_minutes=moments.span_minutes,
        calendar_warnings=list(moments.warnings),
    )
    if met_at is not None:
        meet([clock], met_at)
    elif now is not None and now >= clock.due_at:
        # Started already late (a request typed in long after it arrived): breached now.
        breach(clock, now)
    elif pending is not None:
        pending.append(clock)
    else:
        schedule(clock)
    return clock


def meet(clocks: Iterable[SlaClock], at: datetime) -> None:
    """The thing the clock waited for happened. After the due moment it is a (late) breach."""
    for clock in clocks:
        if clock.state == ClockState.BREACHED:
            clock.met_at = at
            clock.save(update_fields=["met_at"])
            continue
        if clock.state == ClockState.RUNNING and at > clock.due_at:
            breach(clock, at)
            clock.met_at = at
            clock.save(update_fields=["met_at"])
            continue
        drop_timers(clock)
        clock.state = ClockState.MET
        clock.met_at = at
        clock.paused_at = None
        clock.timer_version += 1
        clock.save(
            update_fields=[
                "state", "met_at", "paused_at", "timer_version", "warn_task_id", "due_task_id",
            ]
        )  # fmt: skip


def breach(clock: SlaClock, at: datetime) -> None:
    drop_timers(clock)
    clock.state = ClockState.BREACHED
    clock.breached_at = clock.due_at
    clock.timer_version += 1
    clock.save(
        update_fields=["state", "breached_at", "timer_version", "warn_task_id", "due_task_id"]
    )
    _sla_event(clock, EventKind.SLA_BREACHED, at)


def warn(clock: SlaClock, at: datetime) -> None:
    clock.warned_at = at
    clock.save(update_fields=["warned_at"])
    _sla_event(clock, EventKind.SLA_WARNING, at)


def cancel_clocks(clocks: Iterable[SlaClock]) -> None:
    for clock in clocks:
        if clock.state in OPEN_CLOCK_STATES:
            drop_timers(clock)
            clock.state = ClockState.CANCELLED
            clock.timer_version += 1
            clock.save(update_fields=["state", "timer_version", "warn_task_id", "due_task_id"])


def pause(clocks: Iterable[SlaClock], at: datetime, calendar: WorkCalendar) -> None:
    for clock in clocks:
        if clock.state != ClockState.RUNNING:
            continue
        clock.remaining_minutes = policies.minutes_between(calendar, clock.unit, at, clock.due_at)
        drop_timers(clock)
        clock.state = ClockState.PAUSED
        clock.paused_at = at
        clock.timer_version += 1
        clock.save(
            update_fields=[
                "remaining_minutes", "state", "paused_at", "timer_version",
                "warn_task_id", "due_task_id",
            ]
        )  # fmt: skip


def resume(clocks: Iterable[SlaClock], at: datetime, calendar: WorkCalendar) -> None:
    """A suspended clock carries on with the time it had left (SPEC §5)."""
    for clock in clocks:
        if clock.state != ClockState.PAUSED:
            continue
        left = clock.remaining_minutes or 0
        clock.due_at = policies.add_minutes(calendar, clock.unit, at, left)
        # The warning point stays at the same share of the whole span.
        before_warning = left - clock.span_minutes * (100 - clock.warning_percent) // 100
        clock.warn_at = min(
            policies.add_minutes(calendar, clock.unit, at, max(0, before_warning)), clock.due_at
        )
        clock.state = ClockState.RUNNING
        clock.paused_at = None
        clock.remaining_minutes = None
        clock.save(update_fields=["due_at", "warn_at", "state", "paused_at", "remaining_minutes"])
        schedule(clock)


# ---- what each event does to the clocks ----


def _registered(ticket: Ticket, event: TicketEvent) -> None:
    calendar = _calendar(ticket)
    at = event.at
    pending: list[SlaClock] = []
    start_clock(
        ticket, ClockKind.REGISTER, ticket.received_at, calendar=calendar,
        met_at=ticket.registered_at,
    )  # fmt: skip
    if ticket.is_emergency:
        start_clock(
            ticket, ClockKind.EMERGENCY, ticket.received_at, calendar=calendar, now=at,
            pending=pending,
        )  # fmt: skip
    for kind in FROM_RECEIPT:
        start_clock(ticket, kind, ticket.received_at, calendar=calendar, now=at, pending=pending)
    if ticket.agreed_reply_at:
        start_clock(
            ticket, ClockKind.AGREED_REPLY, ticket.received_at, calendar=calendar,
            due_at=ticket.agreed_reply_at, now=at, pending=pending,
        )  # fmt: skip
    for kind in FROM_REGISTRATION:
        start_clock(ticket, kind, ticket.registered_at, calendar=calendar, now=at, pending=pending)
    schedule_many(pending)


def _answered(ticket: Ticket, event: TicketEvent) -> None:
    meet(
        _open(
            ticket,
            [
                ClockKind.FIRST_REPLY,
                ClockKind.AGREED_REPLY,
                ClockKind.HANDLE,
                ClockKind.RESULT_REPLY,
                ClockKind.EMERGENCY,
            ],
        ),
        event.at,
    )
    cancel_clocks(_open(ticket, [ClockKind.DISPATCH]))
    start_clock(ticket, ClockKind.CALLBACK, event.at, now=event.at)


def _dispatched(ticket: Ticket, event: TicketEvent) -> None:
    meet(_open(ticket, [ClockKind.DISPATCH]), event.at)
    order = event.work_order
    start_clock(
        ticket,
        ClockKind.WORK_ORDER,
        order.dispatched_at,
        due_at=order.deadline,
        work_order=order,
        now=event.at,
    )


def _returned(ticket: Ticket, event: TicketEvent) -> None:
    cancel_clocks(_open(ticket, work_order=event.work_order))
    if ticket.status == Status.ACCEPTED and not _open(ticket, [ClockKind.DISPATCH]):
        start_clock(ticket, ClockKind.DISPATCH, event.at, now=event.at)


def _transferred(ticket: Ticket, event: TicketEvent) -> None:
    old = WorkOrder.objects.filter(
        ticket=ticket, sequence=event.data.get("from_work_order")
    ).first()
    if old is not None:
        cancel_clocks(_open(ticket, work_order=old))
    order = event.work_order
    start_clock(
        ticket,
        ClockKind.WORK_ORDER,
        order.dispatched_at,
        due_at=order.deadline,
        work_order=order,
        now=event.at,
    )


def _started(ticket: Ticket, event: TicketEvent) -> None:
    meet(_open(ticket, [ClockKind.EMERGENCY]), event.at)


def _replied(ticket: Ticket, event: TicketEvent) -> None:
    meet(_open(ticket, [ClockKind.FIRST_REPLY, ClockKind.AGREED_REPLY]), event.at)


def _suspended(ticket: Ticket, event: TicketEvent) -> None:
    pause(_open(ticket), event.at, _calendar(ticket))


def _resumed(ticket: Ticket, event: TicketEvent) -> None:
    resume(_open(ticket), event.at, _calendar(ticket))


def _work_order_completed(ticket: Ticket, event: TicketEvent) -> None:
    meet(_open(ticket, work_order=event.work_order), event.at)


def _resolved(ticket: Ticket, event: TicketEvent) -> None:
    meet(
        _open(
            ticket,
            [ClockKind.HANDLE, ClockKind.RESULT_REPLY, ClockKind.EMERGENCY, ClockKind.WORK_ORDER],
        ),
        event.at,
    )
    cancel_clocks(_open(ticket, [ClockKind.DISPATCH]))
    start_clock(ticket, ClockKind.CALLBACK, event.at, now=event.at)


def _callback_recorded(ticket: Ticket, event: TicketEvent) -> None:
    meet(
        _open(ticket, [ClockKind.CALLBACK, ClockKind.FIRST_REPLY, ClockKind.AGREED_REPLY]), event.at
    )
    if event.data.get("reopened"):
        _reopened(ticket, event)


def _closed(ticket: Ticket, event: TicketEvent) -> None:
    meet(_open(ticket, [ClockKind.CLOSE]), event.at)
    cancel_clocks(_open(ticket))


def _reopened(ticket: Ticket, event: TicketEvent) -> None:
    cancel_clocks(_open(ticket, [ClockKind.CALLBACK]))
    if not _open(ticket, [ClockKind.DISPATCH]):
        start_clock(ticket, ClockKind.DISPATCH, event.at, now=event.at)


def _stopped(ticket: Ticket, event: TicketEvent) -> None:
    if event.data.get("merged_from"):
        return  # the survivor of a merge goes on
    cancel_clocks(_open(ticket))


def _updated(ticket: Ticket, event: TicketEvent) -> None:
    """Reclassified: clocks still running are recomputed from their start under the new
    rules, and clocks that now apply (and are not yet past their stage) are started."""
    changes = event.data.get("changes", {})
    calendar = _calendar(ticket)
    if "agreed_reply_at" in changes:
        cancel_clocks(_open(ticket, [ClockKind.AGREED_REPLY]))
        if ticket.agreed_reply_at and not ticket.replies.exists():
            start_clock(
                ticket,
                ClockKind.AGREED_REPLY,
                event.at,
                calendar=calendar,
                due_at=ticket.agreed_reply_at,
                now=event.at,
            )
    emergency_stage = {Status.REGISTERED, Status.ACCEPTED, Status.DISPATCHED}
    if (
        "is_emergency" in changes
        and ticket.is_emergency
        and ticket.status in emergency_stage
        and not ticket.clocks.filter(kind=ClockKind.EMERGENCY).exists()
    ):
        start_clock(
            ticket, ClockKind.EMERGENCY, ticket.received_at, calendar=calendar, now=event.at
        )
    if not {"kind", "channel", "category"} & set(changes):
        return
    for clock in _open(ticket, [*FROM_RECEIPT, *FROM_REGISTRATION, ClockKind.CALLBACK]):
        if clock.state != ClockState.RUNNING:
            continue
        limit = policies.limit_for(ticket, ClockKind(clock.kind))
        if limit is None:
            cancel_clocks([clock])
            continue
        moments = policies.moments_for(calendar, limit, clock.started_at)
        clock.policy, clock.unit, clock.amount = moments.rule, moments.unit, moments.amount
        clock.due_at, clock.warn_at = moments.due_at, moments.warn_at
        clock.span_minutes = moments.span_minutes
        clock.calendar_warnings = list(moments.warnings)
        clock.save()
        if event.at >= clock.due_at:
            breach(clock, event.at)
        else:
            schedule(clock)
    existing = set(ticket.clocks.values_list("kind", flat=True))
    before_result = ticket.status in {
        Status.REGISTERED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.SUSPENDED,
        Status.REOPENED,
    }
    for kind in FROM_RECEIPT:
        if kind not in existing and before_result and not ticket.replies.exists():
            start_clock(ticket, kind, ticket.received_at, calendar=calendar, now=event.at)
    for kind in FROM_REGISTRATION:
        stage_open = (
            before_result
            if kind != ClockKind.DISPATCH
            else ticket.status
            in {
                Status.REGISTERED,
                Status.ACCEPTED,
            }
        )
        if kind not in existing and stage_open:
            start_clock(ticket, kind, ticket.registered_at, calendar=calendar, now=event.at)


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
    EventKind.CLOSED: _closed,
    EventKind.REOPENED: _reopened,
    EventKind.MERGED: _stopped,
    EventKind.CANCELLED: _stopped,
    EventKind.UPDATED: _updated,
}


def on_event(ticket: Ticket, event: TicketEvent) -> None:
    """Apply one lifecycle event to the ticket's clocks (inside the move's transaction)."""
    handler = HANDLERS.get(event.kind)
    if handler is not None:
        handler(ticket, event)


def open_clock_filter(kind: str | None = None) -> Q:
    q = Q(clocks__state__in=list(OPEN_CLOCK_STATES))
    if kind:
        q &= Q(clocks__kind=kind)
    return q
