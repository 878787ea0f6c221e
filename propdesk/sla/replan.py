"""Clocks put on the calendar as it now is, after the calendar changed under them.

A clock counted in working time was given its due moment by the calendar of the day it
started. When the holiday schedule for a year is imported (the State Council publishes it in
November or December, after many clocks running into January were started) or a day, a
project's hours or its calendar is corrected, the clocks still running over the changed days
are due at another moment: their span is the same number of working minutes, counted again
on the new calendar, suspensions still not charged. Each clock that moves gets its timers
again and its ticket an event saying from when to when.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import groupby

from django.db import transaction
from django.db.models import F

from propdesk.core import clock as core_clock
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import Ticket
from propdesk.worktime.arithmetic import SHANGHAI

from . import policies
from .choices import NATURAL_UNITS, ClockKind, ClockState
from .engine import (
    active_minutes,
    breach,
    calendar_of,
    clock_event,
    drop_timers,
    place,
    schedule,
)
from .lifecycle import pauses_of
from .models import SlaClock

OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED)
#: A due moment that moves by less is the same moment: times are kept to the microsecond and
#: working time is counted in whole minutes, so counting a suspended clock's time again can
#: come out a minute or two off; a change of days or hours moves it by far more.
SAME_MOMENT = timedelta(minutes=5)


def _due_now(clock: SlaClock, calendar, at: datetime, pauses) -> tuple[datetime, datetime, int]:
    """The running clock's due and warning moments and its span on the calendar as it is now.

    A clock under a rule that was never suspended is due where its rule now puts it: the
    third working day is the third working day, whatever the hours or holidays are now.
    Otherwise (suspended on the way, or a fixed span) the working minutes it has left are
    counted again from now, as resuming does.
    """
    unit, percent = clock.unit, clock.warning_percent
    if clock.policy_id is not None and not pauses:
        due = policies.due_after(calendar, clock.started_at, unit, clock.amount).at
        span = policies.minutes_between(calendar, unit, clock.started_at, due)
        warn = policies.add_minutes(calendar, unit, clock.started_at, span * percent // 100)
        return due, min(warn, due), span
    span = clock.span_minutes
    left = span - active_minutes(calendar, unit, clock.started_at, at, pauses)
    if left <= 0:
        # No time left. Already due before (its timer not run yet): the sweep breaches it
        # at that moment. Due only on the calendar as it now is: now.
        due = min(clock.due_at, at)
        return due, due, span
    due = policies.add_minutes(calendar, unit, at, left)
    before_warning = max(0, left - span * (100 - percent) // 100)
    return due, min(policies.add_minutes(calendar, unit, at, before_warning), due), span


def _same_due(clock: SlaClock, calendar, due: datetime) -> bool:
    """The same deadline: a few minutes apart, or the close of one working day and the start
    of the next with no working time between them (counting minutes may land on either)."""
    lo, hi = sorted((clock.due_at, due))
    if hi - lo < SAME_MOMENT:
        return True
    different_days = lo.astimezone(SHANGHAI).date() != hi.astimezone(SHANGHAI).date()
    return different_days and policies.minutes_between(calendar, clock.unit, lo, hi) == 0


def _warnings_now(clock: SlaClock, calendar) -> list[str]:
    """The calendar's warnings for the clock's span (a year not loaded yet), as they are now."""
    if clock.policy_id is None:
        return list(clock.calendar_warnings)
    due = policies.due_after(calendar, clock.started_at, clock.unit, clock.amount)
    return list(due.warnings)


def _move(clock: SlaClock, due: datetime, warn: datetime, span: int, at: datetime) -> None:
    drop_timers(clock)
    clock.timer_version += 1
    clock.span_minutes = span
    clock.due_at, clock.warn_at = due, warn
    clock.save()
    if due <= at:
        breach(clock, at)  # due already, on the calendar as it now is: breached at that moment
    else:
        schedule(clock)


def _locked(ticket_id: int, clock_ids: list[int]) -> tuple[Ticket | None, list[SlaClock]]:
    """The ticket and those of its clocks still open, locked (the ticket first, so a move on
    it waits, and then sees the clocks as they are left here)."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        return None, []
    clocks = list(
        SlaClock.objects.select_for_update()
        .filter(pk__in=clock_ids, state__in=OPEN_STATES)
        .order_by("pk")
    )
    return ticket, clocks


def replan_ticket(ticket_id: int, clock_ids: list[int], at: datetime) -> int:
    """Put these open clocks of one ticket on its calendar as it is now; returns how many
    moved. The ticket is locked: a move on it waits, and then sees the clocks as left here.
    A suspended clock keeps the working minutes it had left (resuming counts them on the
    calendar as it is then); only its calendar warnings are brought up to date."""
    with transaction.atomic():
        ticket, clocks = _locked(ticket_id, clock_ids)
        if ticket is None or not clocks:
            return 0
        calendar = calendar_of(ticket)
        pauses = pauses_of(ticket)
        moved = 0
        for clock in clocks:
            warnings = _warnings_now(clock, calendar)
            due, warn, span = clock.due_at, clock.warn_at, clock.span_minutes
            if clock.state == ClockState.RUNNING:
                own = [(a, b) for a, b in pauses if (b or at) > clock.started_at]
                due, warn, span = _due_now(clock, calendar, at, own)
            if _same_due(clock, calendar, due):
                if warnings != clock.calendar_warnings:
                    clock.calendar_warnings = warnings
                    clock.save(update_fields=["calendar_warnings"])
                continue
            before = clock.due_at
            clock.calendar_warnings = warnings
            clock_event(
                clock, EventKind.SLA_REPLANNED, at,
                due_before=before.astimezone(SHANGHAI).isoformat(),
                due_at=due.astimezone(SHANGHAI).isoformat(),
            )  # fmt: skip
            _move(clock, due, warn, span, at)
            moved += 1
        return moved


def replan_after_calendar_change(since: date, *, now: datetime | None = None) -> int:
    """Replan every open clock counted in working time whose due moment is on or after
    ``since``, the first changed day (the days before it are as they were, so a clock due
    before it is unchanged). Each ticket in its own transaction; returns the clocks moved."""
    at = core_clock.resolve(now)
    from_moment = datetime.combine(since, time.min, tzinfo=SHANGHAI)
    rows = (
        SlaClock.objects.filter(state__in=OPEN_STATES, due_at__gte=from_moment)
        .exclude(unit__in=NATURAL_UNITS)
        .order_by("ticket_id", "pk")
        .values_list("ticket_id", "pk")
    )
    moved = 0
    for ticket_id, group in groupby(list(rows), key=lambda r: r[0]):
        moved += replan_ticket(ticket_id, [pk for _, pk in group], at)
    return moved


#: Clocks that counted from registration before SPEC §5 was corrected, and count from receipt.
COUNTED_FROM_RECEIPT_SINCE_0011 = (
    ClockKind.DISPATCH,
    ClockKind.HANDLE,
    ClockKind.RESULT_REPLY,
    ClockKind.CLOSE,
    ClockKind.PLAN,
)


def replan_from_receipt(*, now: datetime | None = None) -> int:
    """Put the running clocks that were started at registration on the received-at time, as
    SPEC §5 now says they count, each ticket in its own transaction; returns the clocks moved.

    Only clocks still running or paused are moved: a clock already met or breached was judged
    under the rule of its day, and the months already reported keep their figures. Each moved
    clock gets its new due moment, its timers again (or its breach, when it is due already) and
    a 时限重算 event on its ticket saying from when to when and why."""
    at = core_clock.resolve(now)
    rows = (
        SlaClock.objects.filter(
            state__in=OPEN_STATES,
            kind__in=COUNTED_FROM_RECEIPT_SINCE_0011,
            work_order__isnull=True,
            started_at=F("ticket__registered_at"),
            ticket__received_at__lt=F("ticket__registered_at"),
        )
        .order_by("ticket_id", "pk")
        .values_list("ticket_id", "pk")
    )
    moved = 0
    for ticket_id, group in groupby(list(rows), key=lambda r: r[0]):
        moved += _start_at_receipt(ticket_id, [pk for _, pk in group], at)
    return moved


def _start_at_receipt(ticket_id: int, clock_ids: list[int], at: datetime) -> int:
    with transaction.atomic():
        ticket, clocks = _locked(ticket_id, clock_ids)
        if ticket is None:
            return 0
        calendar = calendar_of(ticket)
        pauses = pauses_of(ticket)
        for clock in clocks:
            started_before, due_before = clock.started_at, clock.due_at
            clock.started_at = ticket.received_at
            own = [(a, b) for a, b in pauses if (b or at) > clock.started_at]
            due = clock.due_at
            if clock.state == ClockState.RUNNING:
                due, warn, span = _due_now(clock, calendar, at, own)
            clock_event(
                clock, EventKind.SLA_REPLANNED, at,
                reason="from_receipt",
                started_before=started_before.astimezone(SHANGHAI).isoformat(),
                started_at=clock.started_at.astimezone(SHANGHAI).isoformat(),
                due_before=due_before.astimezone(SHANGHAI).isoformat(),
                due_at=due.astimezone(SHANGHAI).isoformat(),
            )  # fmt: skip
            if clock.state == ClockState.RUNNING:
                _move(clock, due, warn, span, at)
            else:
                # Suspended: the working minutes it has left, now counted from receipt.
                place(clock, calendar, at, own, suspended=True)
        return len(clocks)
