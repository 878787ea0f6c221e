"""The follow-up clock (跟进, SPEC §4): every open complaint needs a follow-up record at least
once a week, and one in long disagreement at least once a month (seed 002 6.5.2 4: 未关闭的投诉
每周至少有一次跟踪记录…如一直未与客户达成一致意见的投诉,应每月…跟踪记录).

How it runs, in the terms of the other clocks:

- It starts when a complaint is accepted (受理) — before that the register and dispatch clocks
  hold it — and again when it is reopened.
- A progress note (跟进记录) or a reply recorded to the resident meets it and starts the next:
  the seed's follow-up record is one that tells the resident where their complaint stands
  (将已明确处理原则告知客户), and a reply is exactly that, recorded.
- "A week" and "a month" are calendar time (SPEC §5 reads "one week" and "one month" as
  calendar days from the moment): the default rules are 7 calendar days and 1 calendar month,
  each ending at the close of working hours, holidays or not. A complaint does not wait less
  for news because the office is closed for 国庆.
- A suspended complaint's clock stops and resumes with the time that was left, as every clock
  does (SPEC §5; the suspension and resumption handlers pause and resume all open clocks).
- Resolution (or an answer at once) is the last word on progress and meets it; closing,
  merging or withdrawing stops it (the lifecycle cancels every open clock then).
- Marking the complaint as in long disagreement (``Ticket.long_disagreement``), or changing
  what the rules read, puts the running clock under the rule that now applies, counting from
  when it started.

Its warnings, breaches and escalation are those of every clock (engine, escalation).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q

from propdesk.core import clock as core_clock
from propdesk.tickets.choices import EventKind, Kind, Status
from propdesk.tickets.models import Ticket, TicketEvent

from . import policies
from .choices import OPEN_CLOCK_STATES, ClockKind, ClockState
from .engine import (
    awaiting,
    calendar_of,
    cancel_clocks,
    meet,
    open_clocks,
    pause,
    place,
    start_clock,
)
from .models import SlaClock

#: The states in which a complaint is being worked on and owes its resident news.
FOLLOWED = frozenset(
    {Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.SUSPENDED, Status.REOPENED}
)
#: A follow-up record: a progress note, or a reply recorded to the resident.
FOLLOW_UP_RECORDS = frozenset({EventKind.PROGRESS_NOTED, EventKind.REPLIED})
#: Changing one of these may put the complaint under another follow-up rule.
RULE_INPUTS = frozenset({"kind", "channel", "category", "long_disagreement"})


def start(ticket: Ticket, at: datetime) -> None:
    """Start the next follow-up period of an open complaint at ``at`` (none when one is open,
    or when the ticket is not a complaint being worked on). On a suspended complaint it starts
    stopped, with its whole span left."""
    if ticket.kind != Kind.COMPLAINT or ticket.status not in FOLLOWED:
        return
    if open_clocks(ticket, [ClockKind.FOLLOW_UP]):
        return
    calendar = calendar_of(ticket)
    if ticket.status == Status.SUSPENDED:
        clock = start_clock(ticket, ClockKind.FOLLOW_UP, at, calendar=calendar, pending=[])
        if clock is not None:
            pause([clock], at, calendar)
        return
    start_clock(ticket, ClockKind.FOLLOW_UP, at, calendar=calendar, now=at)


def _followed_up(ticket: Ticket, at: datetime) -> None:
    meet(awaiting(ticket, [ClockKind.FOLLOW_UP]), at)
    start(ticket, at)


def _rules_changed(ticket: Ticket, at: datetime) -> None:
    """The running clock under the rule that now applies, counting the active time since it
    started (none applies: it stops); a ticket that became a followed complaint starts one."""
    from .lifecycle import pauses_of  # the lifecycle calls this module

    clocks = open_clocks(ticket, [ClockKind.FOLLOW_UP])
    calendar = calendar_of(ticket)
    pauses = pauses_of(ticket) if clocks else []
    for clock in clocks:
        limit = policies.limit_for(ticket, ClockKind.FOLLOW_UP)
        if limit is None:
            cancel_clocks([clock])
            continue
        moments = policies.moments_for(calendar, limit, clock.started_at)
        clock.policy, clock.unit, clock.amount = moments.rule, moments.unit, moments.amount
        clock.warning_percent = moments.warning_percent
        clock.span_minutes = moments.span_minutes
        clock.calendar_warnings = list(moments.warnings)
        place(clock, calendar, at, pauses, suspended=ticket.status == Status.SUSPENDED)
    if not clocks:
        start(ticket, at)


def on_event(ticket: Ticket, event: TicketEvent) -> None:
    """What one lifecycle event does to the follow-up clock (called by ``lifecycle.on_event``
    after the event's own handler, in the move's transaction)."""
    kind = event.kind
    if kind == EventKind.ACCEPTED:
        start(ticket, event.at)
    elif kind in FOLLOW_UP_RECORDS:
        _followed_up(ticket, event.at)
    elif kind in (EventKind.RESOLVED, EventKind.ANSWERED):
        meet(awaiting(ticket, [ClockKind.FOLLOW_UP]), event.at)
    elif kind == EventKind.REOPENED or (
        kind == EventKind.CALLBACK_RECORDED and event.data.get("reopened")
    ):
        start(ticket, event.at)
    elif kind == EventKind.UPDATED and RULE_INPUTS & set(event.data.get("changes", {})):
        _rules_changed(ticket, event.at)


def _waiting(ticket_ref) -> Exists:
    """A follow-up clock still waiting for its record: open, or breached and not yet made."""
    return Exists(
        SlaClock.objects.filter(ticket=ticket_ref, kind=ClockKind.FOLLOW_UP).filter(
            Q(state__in=list(OPEN_CLOCK_STATES)) | Q(state=ClockState.BREACHED, met_at__isnull=True)
        )
    )


#: The events after which a complaint's next follow-up record is owed.
FOLLOWED_FROM = [EventKind.ACCEPTED, EventKind.REOPENED, *FOLLOW_UP_RECORDS]


def start_missing(*, now: datetime | None = None) -> int:
    """Once, after migration sla 0014 (and safe to run again): every open complaint being
    worked on without a follow-up clock waiting gets one, counted from its last follow-up
    record, acceptance or reopen. One whose week (or month) had already passed gets its week
    from now instead: the system did not hold the company to it before, and an upgrade is no
    reason to escalate every old complaint to HQ in one night. Each ticket in its own
    transaction, under its lock (skipped when a move holds it: the move's event starts it).
    Returns how many clocks were started."""
    at = core_clock.resolve(now)
    candidates = (
        Ticket.objects.filter(kind=Kind.COMPLAINT, status__in=list(FOLLOWED))
        .exclude(_waiting(OuterRef("pk")))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    started = 0
    for pk in list(candidates):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",), no_key=True, skip_locked=True)
                .select_related("project")
                .filter(pk=pk, kind=Kind.COMPLAINT, status__in=list(FOLLOWED))
                .exclude(_waiting(OuterRef("pk")))
                .first()
            )
            limit = policies.limit_for(ticket, ClockKind.FOLLOW_UP) if ticket else None
            if ticket is None or limit is None:
                continue
            last = TicketEvent.objects.filter(
                ticket=ticket, kind__in=FOLLOWED_FROM, at__lte=at
            ).aggregate(last=Max("at"))["last"]
            since = last or ticket.accepted_at or ticket.received_at
            due = policies.moments_for(calendar_of(ticket), limit, since).due_at
            start(ticket, since if due > at and ticket.status != Status.SUSPENDED else at)
            started += 1
    return started
