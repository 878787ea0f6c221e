"""What the time limits tell people (SPEC §10): the resident's receipt at registration with the
time we promise to reply by, and the warnings and breaches of clocks — to whoever must act
(the work order's handler, else the first owner), breaches also to the project's supervisors.
Queued in the outbox in the transaction of the change (``notify``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from propdesk.notify.lifecycle import handlers_of, resident_side
from propdesk.notify.services import Outgoing, queue_many
from propdesk.org.services import is_portal_account
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import Ticket, TicketEvent, WorkOrder

from .escalation import EscalationLevel, people_at
from .models import SlaClock


def receipt(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    from .lifecycle import started_clocks  # the lifecycle imports the engine, which imports us

    reply_by = ticket.agreed_reply_at
    if not reply_by:
        # The clocks registration has just started are at hand (the SLA lifecycle runs first).
        started = started_clocks(ticket)
        if started is not None:
            reply_by = next((c.due_at for c in started if c.kind == "first_reply"), None)
        else:
            reply_by = (
                SlaClock.objects.filter(ticket=ticket, kind="first_reply")
                .values_list("due_at", flat=True)
                .first()
            )
    yield Outgoing(
        "ticket_registered_receipt", resident_side(ticket), key=f"ticket:{ticket.pk}",
        ticket=ticket, context={"reply_by": reply_by},
        # The ticket was made in this transaction: nothing can be queued under its key yet.
        look_up=False,
    )  # fmt: skip


def on_event(ticket: Ticket, event: TicketEvent) -> None:
    """The receipt, once registration has started the clocks (subscribed right after them)."""
    if event.kind == EventKind.REGISTERED:
        queue_many(receipt(ticket, event), now=event.at)


def clock_notices(clocks: Iterable, kind: str, at: datetime) -> None:
    """Warnings go to whoever must act (the work order's handler, else the first owner);
    breaches also to the project's supervisors (SPEC §5: a breach escalates one level)."""
    items = []
    clocks = list(clocks)
    tickets = {
        t.pk: t
        for t in Ticket.objects.filter(pk__in={c.ticket_id for c in clocks}).select_related(
            "project", "company", "room__building", "room__unit", "resident", "registered_by"
        )
    }
    orders = {
        o.pk: o
        for o in WorkOrder.objects.filter(
            pk__in={c.work_order_id for c in clocks if c.work_order_id}
        ).select_related("assignee", "department")
    }
    for clock in clocks:
        ticket = tickets[clock.ticket_id]
        order = orders.get(clock.work_order_id)
        if order:
            people = handlers_of(order)
        elif is_portal_account(ticket.registered_by):
            # Recorded by a resident on the portal: nobody reads the portal account's messages,
            # so the project's supervisors are the first owner's stand-in.
            people = people_at(ticket, EscalationLevel.SUPERVISOR)
        else:
            people = [ticket.registered_by]
        if kind == EventKind.SLA_BREACHED:
            people += [p for p in people_at(ticket, EscalationLevel.SUPERVISOR) if p not in people]
        event = "sla_breached" if kind == EventKind.SLA_BREACHED else "sla_warning"
        items.append(
            Outgoing(
                event,
                people,
                key=f"clock:{clock.pk}:{clock.due_at.isoformat()}",
                ticket=ticket,
                context={"clock": clock.kind, "due_at": clock.due_at},
            )
        )
    queue_many(items, now=at)


def clock_labels(context) -> dict[str, str]:
    """The clock's name in the message's language (notify.rendering.labels)."""
    from .choices import ClockKind

    clock = context.get("clock")
    if clock and clock in ClockKind.values:
        return {"clock_label": str(ClockKind(clock).label)}
    return {}
