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

from propdesk.tickets.choices import EventKind, Kind, Status
from propdesk.tickets.models import Ticket, TicketEvent

from . import policies
from .choices import ClockKind
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
