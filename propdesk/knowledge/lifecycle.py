"""The case library's subscriber to ticket events: a request closed as worth a case (有案例价值)
becomes a draft for the quality department (SPEC §4, §8)."""

from __future__ import annotations

from propdesk.tickets.choices import EventKind

from . import services


def on_event(ticket, event) -> None:
    if event.kind == EventKind.CLOSED and ticket.has_case_value:
        services.draft_from_ticket(ticket, by=event.actor, now=event.at)
