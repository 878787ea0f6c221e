"""Clock primitives: start, meet, breach, warn, pause, resume, cancel, and their timers.

Timers for the warning and due moments are background tasks (``run_after``) written in the
same transaction; a timer carries the clock's ``timer_version`` and does nothing if the clock
has moved since. What each lifecycle event does with these is in :mod:`.lifecycle`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q

from propdesk.core.rows import insert_rows, task_row
from propdesk.tickets import lifecycle as ticket_lifecycle
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import Ticket, TicketEvent, WorkOrder
from propdesk.tickets.services import system as ticket_system
from propdesk.worktime.arithmetic import WorkCalendar
from propdesk.worktime.services import calendar_for_project

from . import policies
from .choices import OPEN_CLOCK_STATES, ClockKind, ClockState
from .models import SlaClock
from .notices import clock_notices

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult


def calendar_of(ticket: Ticket) -> WorkCalendar:
    return calendar_for_project(ticket.project)


def open_clocks(ticket: Ticket, kinds: Iterable[str] | None = None, *, work_order=None):
    qs = SlaClock.objects.select_for_update().filter(ticket=ticket, state__in=OPEN_CLOCK_STATES)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if work_order is not None:
        qs = qs.filter(work_order=work_order)
    return list(qs.order_by("pk"))


def awaiting(ticket: Ticket, kinds: Iterable[str] | None = None, *, work_order=None):
    """Clocks still waiting for their event: open ones, and breached ones not yet met (a late
    reply still ends a breach, and records when)."""
    qs = SlaClock.objects.select_for_update().filter(
        Q(state__in=OPEN_CLOCK_STATES) | Q(state=ClockState.BREACHED, met_at__isnull=True),
        ticket=ticket,
    )
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if work_order is not None:
        qs = qs.filter(work_order=work_order)
    return list(qs.order_by("pk"))


def clock_event(clock: SlaClock, kind: EventKind, at: datetime, **data) -> TicketEvent:
    """The ticket's event about one of its clocks (written by the system, no actor)."""
    return ticket_system.add_event(
        kind,
        at,
        ticket=clock.ticket_id,
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


def _timer(
    clock: SlaClock, moment: str, run_after: datetime, task_id: uuid.UUID | None = None
) -> DBTaskResult:
    """One timer row, as ``fire_clock.using(run_after=…).enqueue(…)`` would write it."""
    from .tasks import fire_clock

    return task_row(
        fire_clock, [clock.pk, moment, clock.timer_version], run_after=run_after, task_id=task_id
    )


def schedule_many(clocks: Iterable[SlaClock]) -> None:
    """Give running clocks fresh warning and due timers (rows in the same transaction); any
    timer they had before is dropped and would find an old version anyway."""
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
    insert_rows(rows)
    SlaClock.objects.bulk_update(clocks, ["timer_version", "warn_task_id", "due_task_id"])


class NewClocks:
    """Clocks started together (a registration starts up to six, a reopen four), written as
    schedule_many() would leave them — but in one INSERT for the clocks and one for their
    timers, instead of an INSERT per clock and an UPDATE for the timers' ids: a timer's id is
    chosen before its clock is written, and only its arguments need the clock's id.

    Clocks are written in the order they were started (ids in that order: a ticket's clocks
    are listed by start and id). A clock that must be written at once — breached as it
    starts — first has the ones before it written (:meth:`flush`).
    """

    def __init__(self) -> None:
        self.clocks: list[SlaClock] = []
        self._written = 0
        #: Other task rows (task_row()) to write with the timers.
        self.tasks: list[DBTaskResult] = []

    def add(self, clock: SlaClock) -> None:
        """A new clock: running ones get their timers' ids (and version) now."""
        if clock.state == ClockState.RUNNING:
            clock.timer_version += 1
            if clock.warned_at is None and clock.warn_at < clock.due_at:
                clock.warn_task_id = uuid.uuid4()
            clock.due_task_id = uuid.uuid4()
        self.clocks.append(clock)

    def flush(self) -> None:
        if self._written < len(self.clocks):
            insert_rows(self.clocks[self._written :])
            self._written = len(self.clocks)

    def write(self) -> list[SlaClock]:
        """Write the clocks not yet written, every timer and the other tasks; returns all the
        clocks."""
        self.flush()
        rows: list[DBTaskResult] = []
        for clock in self.clocks:
            if clock.warn_task_id:
                rows.append(_timer(clock, "warning", clock.warn_at, clock.warn_task_id))
            if clock.due_task_id:
                rows.append(_timer(clock, "due", clock.due_at, clock.due_task_id))
        # With the other subscribers' task rows, when registering (tickets.lifecycle).
        ticket_lifecycle.book_rows(rows + self.tasks)
        return self.clocks


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
    batch: NewClocks | None = None,
) -> SlaClock | None:
    """Start one clock (if a rule or a fixed moment says it runs) and schedule its timers —
    or add it to ``pending``, for the caller to schedule several at once, or to ``batch``,
    which writes it and its timers with the others (:class:`NewClocks`)."""
    calendar = calendar or calendar_of(ticket)
    if due_at is not None:
        moments = policies.fixed_moments(calendar, start, due_at)
    else:
        limit = policies.limit_for(ticket, kind)
        if limit is None:
            return None
        moments = policies.moments_for(calendar, limit, start)
    clock = SlaClock(
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
    if met_at is not None and met_at <= clock.due_at:
        # Met in time as it starts (registration's own clock): written as meet() leaves a
        # running clock it meets, without the INSERT and UPDATE of a start and a meet.
        clock.state, clock.met_at, clock.timer_version = ClockState.MET, met_at, 1
        if batch is not None:
            batch.add(clock)
        else:
            clock.save(force_insert=True)
        return clock
    if batch is not None and (met_at is not None or (now is not None and now >= clock.due_at)):
        batch.flush()  # the clocks started before this one keep the smaller ids
    if met_at is not None:
        clock.save(force_insert=True)
        meet([clock], met_at)
    elif now is not None and now >= clock.due_at:
        # Started already late (a request typed in long after it arrived): breached now.
        clock.save(force_insert=True)
        breach(clock, now)
    elif batch is not None:
        batch.add(clock)
    elif pending is not None:
        clock.save(force_insert=True)
        pending.append(clock)
    else:
        clock.save(force_insert=True)
        schedule(clock)
    return clock


def meet(clocks: Iterable[SlaClock], at: datetime) -> None:
    """The thing the clock waited for happened. After the due moment it is a (late) breach."""
    settled: set[int] = set()
    for clock in clocks:
        if clock.state == ClockState.BREACHED:
            clock.met_at = at
            clock.save(update_fields=["met_at"])
            settled.add(clock.ticket_id)
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
    if settled:
        from .escalation import deescalate_if_settled

        for ticket in Ticket.objects.filter(pk__in=settled):
            deescalate_if_settled(ticket, at)


def breach(clock: SlaClock, at: datetime) -> None:
    drop_timers(clock)
    clock.state = ClockState.BREACHED
    clock.breached_at = clock.due_at
    clock.timer_version += 1
    clock.save(
        update_fields=["state", "breached_at", "timer_version", "warn_task_id", "due_task_id"]
    )
    clock_event(clock, EventKind.SLA_BREACHED, at)
    clock_notices([clock], EventKind.SLA_BREACHED, at)
    escalate_later([clock.ticket_id], at)


def escalate_later(ticket_ids, at: datetime) -> None:
    """The escalation of a breach runs as its own task (a row in this transaction): it locks
    the ticket, which a timer holding a clock must not do."""
    from .tasks import escalate_breaches

    for ticket_id in sorted(set(ticket_ids)):
        escalate_breaches.enqueue(ticket_id, at.isoformat())


def warn(clock: SlaClock, at: datetime) -> None:
    clock.warned_at = at
    clock.save(update_fields=["warned_at"])
    clock_event(clock, EventKind.SLA_WARNING, at)
    clock_notices([clock], EventKind.SLA_WARNING, at)


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
        if at >= clock.due_at:
            # Already due, its timer not run yet: it breached at its due moment, not later.
            breach(clock, at)
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


def place(
    clock: SlaClock,
    calendar: WorkCalendar,
    at: datetime,
    pauses: list[tuple[datetime, datetime | None]],
    *,
    suspended: bool,
) -> None:
    """Set a clock's moments at ``at`` from its span and the active time already used since
    it started (time while the ticket was suspended does not count): running with the time
    left, paused with it when the ticket is suspended now, or breached when none is left."""
    used = active_minutes(calendar, clock.unit, clock.started_at, at, pauses)
    left = clock.span_minutes - used
    drop_timers(clock)
    clock.timer_version += 1
    if suspended:
        clock.state = ClockState.PAUSED
        clock.paused_at = at
        clock.remaining_minutes = max(0, left)
        clock.save()
        return
    clock.state = ClockState.RUNNING
    clock.paused_at = None
    clock.remaining_minutes = None
    if left <= 0:
        clock.due_at = clock.warn_at = at
        clock.save()
        breach(clock, at)
        return
    clock.due_at = policies.add_minutes(calendar, clock.unit, at, left)
    before_warning = left - clock.span_minutes * (100 - clock.warning_percent) // 100
    clock.warn_at = min(
        policies.add_minutes(calendar, clock.unit, at, max(0, before_warning)), clock.due_at
    )
    clock.save()
    schedule(clock)


def active_minutes(
    calendar: WorkCalendar,
    unit: str,
    start: datetime,
    end: datetime,
    pauses: list[tuple[datetime, datetime | None]],
) -> int:
    """Minutes (natural or working, as the unit says) from start to end outside pauses."""
    total = policies.minutes_between(calendar, unit, start, end)
    for paused_at, resumed_at in pauses:
        lo, hi = max(paused_at, start), min(resumed_at or end, end)
        if hi > lo:
            total -= policies.minutes_between(calendar, unit, lo, hi)
    return max(0, total)
