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

from datetime import date, datetime, time
from itertools import groupby

from django.db import transaction

from propdesk.core import clock as core_clock
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.worktime.arithmetic import SHANGHAI

from . import policies
from .choices import NATURAL_UNITS, ClockState
from .engine import active_minutes, calendar_of, place
from .lifecycle import pauses_of
from .models import SlaClock

OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED)


def _moments_now(clock: SlaClock, calendar, at: datetime, pauses) -> tuple:
    """What place() would leave: (due_at, warn_at, remaining_minutes) on this calendar."""
    if clock.state == ClockState.PAUSED:
        used = active_minutes(calendar, clock.unit, clock.started_at, clock.paused_at, pauses)
        return clock.due_at, clock.warn_at, max(0, clock.span_minutes - used)
    used = active_minutes(calendar, clock.unit, clock.started_at, at, pauses)
    left = clock.span_minutes - used
    if left <= 0:
        return at, at, None
    due = policies.add_minutes(calendar, clock.unit, at, left)
    before_warning = left - clock.span_minutes * (100 - clock.warning_percent) // 100
    warn = min(policies.add_minutes(calendar, clock.unit, at, max(0, before_warning)), due)
    return due, warn, None


def _warnings_now(clock: SlaClock, calendar) -> list[str]:
    """The calendar's warnings for the clock's span (a year not loaded yet), as they are now."""
    if clock.policy_id is None or not clock.amount:
        return list(clock.calendar_warnings)
    return list(policies.due_after(calendar, clock.started_at, clock.unit, clock.amount).warnings)


def replan_ticket(ticket_id: int, clock_ids: list[int], at: datetime) -> int:
    """Put these open clocks of one ticket on its calendar as it is now; returns how many
    moved. The ticket is locked: a move on it waits, and then sees the clocks as left here."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None:
            return 0
        clocks = list(
            SlaClock.objects.select_for_update()
            .filter(pk__in=clock_ids, state__in=OPEN_STATES)
            .order_by("pk")
        )
        if not clocks:
            return 0
        calendar = calendar_of(ticket)
        pauses = pauses_of(ticket)
        moved = 0
        for clock in clocks:
            paused = clock.state == ClockState.PAUSED
            before = (clock.due_at, clock.warn_at, clock.remaining_minutes)
            warnings = _warnings_now(clock, calendar)
            if _moments_now(clock, calendar, at, pauses) == before:
                if warnings != clock.calendar_warnings:
                    clock.calendar_warnings = warnings
                    clock.save(update_fields=["calendar_warnings"])
                continue
            clock.calendar_warnings = warnings
            place(clock, calendar, clock.paused_at if paused else at, pauses, suspended=paused)
            TicketEvent.objects.create(
                ticket=ticket,
                kind=EventKind.SLA_REPLANNED,
                actor=None,
                at=at,
                work_order_id=clock.work_order_id,
                data={
                    "clock": clock.kind,
                    "clock_id": clock.pk,
                    "due_before": before[0].astimezone(SHANGHAI).isoformat(),
                    "due_at": clock.due_at.astimezone(SHANGHAI).isoformat(),
                    **({"remaining_before": before[2]} if paused else {}),
                },
            )
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
