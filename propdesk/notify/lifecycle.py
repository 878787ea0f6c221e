"""Who is told what when something happens to a request (SPEC §10): residents get a receipt
at registration, the replies staff send them by SMS, WeChat or email, and a message at
resolution; staff get assignments, warnings and breaches.
Everything is queued in the outbox, in the transaction of the change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from propdesk.org.models import User
from propdesk.tickets.choices import EventKind, ReporterType
from propdesk.tickets.models import Ticket, TicketEvent, WorkOrder

from .services import Address, Outgoing, queue_many


def _resident_side(ticket: Ticket) -> list:
    if ticket.reporter_type == ReporterType.ANONYMOUS:
        return []
    if ticket.resident_id:
        return [ticket.resident]
    if ticket.contact_phone:
        return [Address("sms", ticket.contact_phone)]
    return []


def _supervisors(ticket: Ticket) -> list[User]:
    from propdesk.sla.escalation import EscalationLevel, people_at

    return people_at(ticket, EscalationLevel.SUPERVISOR)


def _handlers(order: WorkOrder) -> list[User]:
    if order.assignee_id:
        return [order.assignee]
    return list(
        User.objects.filter(is_active=True, department_id=order.department_id).order_by("pk")
    )


def _receipt(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    from propdesk.sla.lifecycle import started_clocks
    from propdesk.sla.models import SlaClock

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
        "ticket_registered_receipt", _resident_side(ticket), key=f"ticket:{ticket.pk}",
        ticket=ticket, context={"reply_by": reply_by},
        # The ticket was made in this transaction: nothing can be queued under its key yet.
        look_up=False,
    )  # fmt: skip


def _assigned(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    order = event.work_order
    yield Outgoing(
        "work_order_assigned", _handlers(order),
        key=f"wo:{order.pk}:{order.dispatched_at.isoformat()}", ticket=ticket,
        context={
            "work_order": order.sequence, "department": order.department.name,
            "deadline": order.deadline, "instructions": order.instructions,
            "assigned_by": str(order.dispatched_by),
        },
    )  # fmt: skip


def _resolved(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    yield Outgoing(
        "ticket_resolved", _resident_side(ticket),
        key=f"ticket:{ticket.pk}:resolved:{event.at.isoformat()}", ticket=ticket,
    )  # fmt: skip


#: A reply recorded as given by one of these is sent by it: the outbox delivers it (to nobody
#: when the resident has no such address on file: then it was given from elsewhere, say the
#: mailbox the request came to). By phone, in person or by letter it was given already.
SENT_REPLIES = {"sms": "sms", "wechat": "wechat", "email": "email"}


def _replied(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    channel = SENT_REPLIES.get(event.data.get("channel", ""))
    if channel is None:
        return
    yield Outgoing(
        "ticket_reply", _resident_side(ticket), key=f"reply:{event.data.get('reply_id')}",
        ticket=ticket, context={"content": event.note}, channels=[channel],
    )  # fmt: skip


HANDLERS = {
    EventKind.REGISTERED: _receipt,
    EventKind.DISPATCHED: _assigned,
    EventKind.TRANSFERRED: _assigned,
    EventKind.RESOLVED: _resolved,
    EventKind.REPLIED: _replied,
    EventKind.ANSWERED: _resolved,
    EventKind.OUTCOME_SHARED: _resolved,
}


def on_event(ticket: Ticket, event: TicketEvent) -> None:
    handler = HANDLERS.get(event.kind)
    if handler is not None:
        queue_many(handler(ticket, event), now=event.at)


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
        people = _handlers(order) if order else [ticket.registered_by]
        if kind == EventKind.SLA_BREACHED:
            people += [p for p in _supervisors(ticket) if p not in people]
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
