"""What the system writes on a ticket for another domain: the SLA engine's clock events
(warning, breach, re-plan), its escalations and grades. Tickets owns these rows, so the other
domains write them through here and never touch ``Ticket`` or ``TicketEvent`` themselves
(DESIGN.md, "How an event travels").

These are not moves: no person makes them, so there is no role or state to check, and the
caller holds the ticket's lock where it needs one. Their events are not published to the
subscribers: the domain that makes them has already done what follows from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from propdesk.core.rows import insert_rows
from propdesk.org.models import User

from ..choices import EventKind
from ..models import Ticket, TicketEvent

#: The ticket fields the grade rules and escalation set (sla.grades, sla.escalation).
GRADE_FIELDS = frozenset(
    {"grade_level", "grade_reason", "grade_class", "grade_class_reason", "escalation_level"}
)


def event(
    kind: EventKind,
    at: datetime,
    *,
    ticket: Ticket | int,
    actor: User | None = None,
    note: str = "",
    work_order_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """An event not yet written (``add_events`` writes many in one INSERT), of a ticket object
    or of a ticket's id (the SLA sweeps hold clocks, not tickets)."""
    if isinstance(ticket, Ticket):
        return TicketEvent(
            ticket=ticket, kind=kind, actor=actor, at=at, note=note,
            work_order_id=work_order_id, data=data or {},
        )  # fmt: skip
    return TicketEvent(
        ticket_id=ticket, kind=kind, actor=actor, at=at, note=note,
        work_order_id=work_order_id, data=data or {},
    )  # fmt: skip


def add_events(events: Sequence[TicketEvent]) -> list[TicketEvent]:
    return insert_rows(events)


def add_event(kind: EventKind, at: datetime, **fields: Any) -> TicketEvent:
    written = event(kind, at, **fields)
    written.save(force_insert=True)
    return written


def set_escalation_level(ticket: Ticket, level: int) -> None:
    """Put the (locked) ticket at ``level`` of the escalation chain; the caller writes the
    event that says why."""
    ticket.escalation_level = level
    Ticket.objects.filter(pk=ticket.pk).update(escalation_level=level)


def save_grades(ticket: Ticket, fields: Iterable[str]) -> None:
    """Write the grade fields the caller has set on the (locked) ticket object."""
    fields = list(fields)
    others = set(fields) - GRADE_FIELDS
    if others:
        raise ValueError(f"not grade fields: {sorted(others)}")
    ticket.save(update_fields=[*fields, "updated_at"])
