"""Who is told what when something happens to a request (SPEC §10): residents get the replies
staff send them by SMS, WeChat or email, and a message at resolution; departments get their
assignments. Everything is queued in the outbox, in the transaction of the change.

What the time limits tell people — the receipt with its promised reply time, warnings and
breaches — is queued by the SLA domain (``sla.notices``), with ``resident_side`` and
``handlers_of`` from here."""

from __future__ import annotations

from collections.abc import Iterable

from propdesk.org.models import User
from propdesk.tickets.choices import EventKind, ReporterType
from propdesk.tickets.models import Ticket, TicketEvent, WorkOrder

from .services import Address, Outgoing, queue_many


def resident_side(ticket: Ticket) -> list:
    if ticket.reporter_type == ReporterType.ANONYMOUS:
        return []
    if ticket.resident_id:
        return [ticket.resident]
    if ticket.contact_phone:
        return [Address("sms", ticket.contact_phone)]
    return []


def handlers_of(order: WorkOrder) -> list[User]:
    if order.assignee_id:
        return [order.assignee]
    return list(
        User.objects.filter(is_active=True, department_id=order.department_id).order_by("pk")
    )


def _assigned(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    order = event.work_order
    yield Outgoing(
        "work_order_assigned", handlers_of(order),
        key=f"wo:{order.pk}:{order.dispatched_at.isoformat()}", ticket=ticket,
        context={
            "work_order": order.sequence, "department": order.department.name,
            "deadline": order.deadline, "instructions": order.instructions,
            "assigned_by": str(order.dispatched_by),
        },
    )  # fmt: skip


def _resolved(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    yield Outgoing(
        "ticket_resolved", resident_side(ticket),
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
        "ticket_reply", resident_side(ticket), key=f"reply:{event.data.get('reply_id')}",
        ticket=ticket, context={"content": event.note}, channels=[channel],
    )  # fmt: skip


HANDLERS = {
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
