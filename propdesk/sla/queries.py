"""Reading clocks: the queue filters (due soon, breached, by clock), the "due" order of a queue,
how a clock is shown, and the clocks the ticket pages show beside a row or a work order
(registered in tickets.extensions, see ``register_ticket_reads``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import InvalidInput
from propdesk.core.words import duration_words

from .choices import OPEN_CLOCK_STATES, ClockKind, ClockState
from .models import SlaClock


def filter_by_clocks(
    tickets: QuerySet,
    *,
    now: datetime,
    due_soon: bool = False,
    breached: bool = False,
    clock: str | None = None,
) -> QuerySet:
    """Tickets with a clock past its warning point but not yet due (due soon), with a breach
    not yet put right (breached), or with an open clock of one kind."""
    if clock and clock not in ClockKind.values:
        raise InvalidInput(
            _("时限“%(c)s”无效,可选:%(o)s") % {"c": clock, "o": ", ".join(ClockKind.values)},
            field="clock",
        )
    if not (due_soon or breached or clock):
        return tickets
    # Queues are about work still to do: a request that ended keeps its breaches in its
    # history (and in the figures) but leaves the breached queue.
    tickets = tickets.exclude(status__in=["closed", "merged", "cancelled"])
    # Each condition is its own set of ticket ids read from a partial index of the clocks
    # (breaches not put right: clock_open_breach; running clocks by due or warning time:
    # clock_running_due, clock_running_window), which the database hashes once and checks
    # the scope's open tickets against — not a probe of every open ticket's clocks (7,524
    # probes for the breached list at 1M tickets, 60 ms; issue 22).
    clocks = SlaClock.objects.all()
    if clock:
        clocks = clocks.filter(kind=clock)
    sets: list[Q] = []
    if due_soon:
        sets.append(Q(state=ClockState.RUNNING, warn_at__lte=now, due_at__gt=now))
    if breached:
        sets.append(Q(state=ClockState.BREACHED, met_at__isnull=True))
        sets.append(Q(state=ClockState.RUNNING, due_at__lte=now))
    if not sets:
        sets.append(Q(state__in=list(OPEN_CLOCK_STATES)))
    wanted = Q()
    for condition in sets:
        wanted |= Q(pk__in=clocks.filter(condition).values("ticket_id"))
    return tickets.filter(wanted)


#: The "to follow up this week" queue looks this far ahead.
FOLLOW_UP_WINDOW = timedelta(days=7)


def to_follow_up(tickets: QuerySet, now: datetime) -> QuerySet:
    """本周待跟进 (SPEC §4): open complaints whose follow-up record falls due within the next
    seven days, or is already overdue and not yet made. One followed up today is due a week
    from the close of today, so it leaves the queue until the week comes round; one followed
    up monthly shows in its last week. A suspended complaint's clock is stopped (SPEC §5)
    and waits for its resumption."""
    # Within the week: due before the day a record made now would be due (a follow-up is due
    # at the close of working hours, FOLLOW_UP_WINDOW after the day it was made). Counting
    # by days, not from this minute, so one followed up this evening is not back in the queue
    # because its due time (the close of that day) falls before this minute next week.
    week_end = timezone.make_aware(
        datetime.combine(timezone.localdate(now) + FOLLOW_UP_WINDOW, time.min)
    )
    due = SlaClock.objects.filter(ticket=OuterRef("pk"), kind=ClockKind.FOLLOW_UP).filter(
        Q(state=ClockState.RUNNING, due_at__lt=week_end)
        | Q(state=ClockState.BREACHED, met_at__isnull=True)
    )
    return tickets.exclude(status__in=["closed", "merged", "cancelled"]).filter(Exists(due))


def clock_data(clock: SlaClock, now: datetime) -> dict[str, Any]:
    """A clock as a person reads it: what it waits for, by when, how long is left."""
    if clock.state == ClockState.RUNNING:
        time_left = int((clock.due_at - now).total_seconds())
    elif clock.state == ClockState.PAUSED:
        time_left = (clock.remaining_minutes or 0) * 60
    else:
        time_left = None
    return {
        "kind": clock.kind,
        "kind_display": str(ClockKind(clock.kind).label),
        "state": clock.state,
        "state_display": str(ClockState(clock.state).label),
        "work_order": clock.work_order.sequence if clock.work_order_id else None,
        "started_at": clock.started_at,
        "warn_at": clock.warn_at,
        "due_at": clock.due_at,
        "met_at": clock.met_at,
        "breached_at": clock.breached_at,
        "paused_at": clock.paused_at,
        "time_left_seconds": time_left,
        "rule": clock.policy.name if clock.policy_id else None,
        "calendar_warnings": clock.calendar_warnings,
    }


# --- what the SLA domain adds to the reads of a ticket (tickets.extensions) -------------------


def ticket_clocks(ticket, now: datetime) -> list[dict[str, Any]]:
    clocks = (
        SlaClock.objects.filter(ticket=ticket)
        .select_related("work_order", "policy")
        .order_by("started_at", "pk")
    )
    return [clock_data(c, now) for c in clocks]


def ticket_clocks_as_registered(ticket, now: datetime) -> list[dict[str, Any]] | None:
    from .lifecycle import started_clocks

    clocks = started_clocks(ticket)
    if clocks is None:
        return None
    return [clock_data(c, now) for c in sorted(clocks, key=lambda c: (c.started_at, c.pk))]


def clock_list_filter(tickets: QuerySet, f, now: datetime) -> QuerySet:
    return filter_by_clocks(
        tickets, now=now, due_soon=f.due_soon, breached=f.breached, clock=f.clock
    )


class DueOrder:
    """The ids of a queue by next running due time, a slice at a time: first the tickets with
    a running clock, soonest due first (few: running clocks are the open tickets' clocks),
    then every other ticket newest first. Grouping a company's whole queue by its clocks to
    sort it read hundreds of thousands of rows for a page of 25 (benchmarks/bench.py)."""

    def __init__(self, qs: QuerySet) -> None:
        running = Q(clocks__state=ClockState.RUNNING)
        self.timed = (
            qs.filter(running)
            .values("pk")
            .annotate(next_due=Min("clocks__due_at", filter=running))
            .order_by("next_due", "-received_at", "-pk")
        )
        self.untimed = (
            qs.exclude(pk__in=qs.filter(running).values("pk"))
            .order_by("-received_at", "-pk")
            .values("pk")
        )

    def __getitem__(self, item: slice) -> list[dict]:
        start, stop = item.start or 0, item.stop
        rows = list(self.timed[start:stop])
        if stop is not None and len(rows) == stop - start:
            return rows
        timed = start + len(rows) if rows else self.timed.order_by().count()
        rest = self.untimed[max(0, start - timed) : None if stop is None else stop - timed]
        return rows + list(rest)


def urgent_clocks(tickets: list, now: datetime) -> dict[int, dict]:
    """The most urgent open clock of each ticket (an unmet breach first, then the running
    clock due soonest), in one query for the whole page."""
    chosen: dict[int, SlaClock] = {}
    rows = SlaClock.objects.filter(ticket_id__in=[t.pk for t in tickets]).filter(
        Q(state__in=[ClockState.RUNNING, ClockState.PAUSED])
        | Q(state=ClockState.BREACHED, met_at__isnull=True)
    )
    for clock in rows.only("ticket_id", "kind", "state", "due_at", "warn_at", "remaining_minutes"):
        best = chosen.get(clock.ticket_id)
        if best is None or _urgency(clock, now) < _urgency(best, now):
            chosen[clock.ticket_id] = clock
    return {pk: _shown(c, now) for pk, c in chosen.items()}


def _urgency(clock: SlaClock, now: datetime) -> tuple:
    rank = {ClockState.BREACHED: 0, ClockState.RUNNING: 1, ClockState.PAUSED: 2}[clock.state]
    if clock.state == ClockState.RUNNING and clock.due_at <= now:
        rank = 0
    return (rank, clock.due_at)


def _shown(clock: SlaClock, now: datetime) -> dict:
    if clock.state == ClockState.PAUSED:
        left = (clock.remaining_minutes or 0) * 60
    else:
        left = int((clock.due_at - now).total_seconds())
    return {
        "kind": clock.kind,
        "kind_display": clock.get_kind_display(),
        "state": clock.state,
        "state_display": clock.get_state_display(),
        "time_left_seconds": left,
        "warned": clock.warn_at <= now,
        "due_at": clock.due_at,
    }


def overdue_by(orders: list, now: datetime) -> dict[int, str]:
    """How long each order is past its deadline, in words, by the order's own clock (a ticket
    on hold has it paused: not overdue); orders in time are left out."""
    late = SlaClock.objects.filter(work_order__in=orders, kind=ClockKind.WORK_ORDER).filter(
        Q(state=ClockState.RUNNING, due_at__lte=now)
        | Q(state=ClockState.BREACHED, met_at__isnull=True)
    )
    return {
        clock.work_order_id: duration_words(int((now - clock.due_at).total_seconds()))
        for clock in late.only("work_order_id", "due_at")
    }


def handling_due(ticket) -> datetime | None:
    """The handling clock's due time, as the deadline a supervisor most often gives."""
    return (
        SlaClock.objects.filter(ticket=ticket, kind=ClockKind.HANDLE, state=ClockState.RUNNING)
        .values_list("due_at", flat=True)
        .first()
    )


def clock_name(kind: str | None) -> str:
    return str(ClockKind(kind).label) if kind in ClockKind.values else ""


def register_ticket_reads() -> None:
    from django.utils.translation import gettext_lazy

    from propdesk.tickets import extensions
    from propdesk.tickets.extensions import (
        DetailPart,
        add_detail_part,
        add_list_filter,
        add_list_order,
    )
    from propdesk.tickets.queues import add_queue

    add_detail_part(DetailPart("clocks", ticket_clocks, ticket_clocks_as_registered))
    add_list_filter("clocks", clock_list_filter)
    add_list_order("due", DueOrder)
    add_queue("follow_up", gettext_lazy("本周待跟进"), to_follow_up, after="breached")
    extensions.urgent_clocks.register(urgent_clocks)
    extensions.overdue_by.register(overdue_by)
    extensions.handling_due.register(handling_due)
    extensions.clock_name.register(clock_name)
