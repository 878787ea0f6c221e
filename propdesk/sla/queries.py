"""Reading clocks: the queue filters (due soon, breached, by clock) and how a clock is shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from propdesk.core.errors import InvalidInput

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
    of_ticket = SlaClock.objects.filter(ticket=OuterRef("pk"))
    if clock:
        of_ticket = of_ticket.filter(kind=clock)
    conditions = Q()
    if due_soon:
        conditions |= Q(state=ClockState.RUNNING, warn_at__lte=now, due_at__gt=now)
    if breached:
        conditions |= Q(state=ClockState.BREACHED, met_at__isnull=True) | Q(
            state=ClockState.RUNNING, due_at__lte=now
        )
    if not (due_soon or breached):
        conditions = Q(state__in=list(OPEN_CLOCK_STATES))
    return tickets.filter(Exists(of_ticket.filter(conditions)))


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


def register_ticket_reads() -> None:
    from propdesk.tickets.extensions import DetailPart, add_detail_part, add_list_filter

    add_detail_part(DetailPart("clocks", ticket_clocks, ticket_clocks_as_registered))
    add_list_filter("clocks", clock_list_filter)
