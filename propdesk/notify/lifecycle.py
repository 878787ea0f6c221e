"""Who is told what when something happens to a request (SPEC §10): residents get the replies
staff send them by SMS, WeChat or email, a progress message when their request is first handed
to the people who will do it, and a message at resolution; departments get their assignments;
a project's staff group (its WeCom robot, when it has one) hears of a new urgent request.
Everything is queued in the outbox, in the transaction of the change.

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


def _in_progress(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    """The resident hears once that the request is being handled (not again on a transfer or
    a second work order: the key is the ticket's)."""
    yield Outgoing(
        "ticket_in_progress", resident_side(ticket), key=f"ticket:{ticket.pk}:in_progress",
        ticket=ticket, context={"department": event.work_order.department.name},
    )  # fmt: skip


#: Grades that make a request urgent for the project's staff group (SPEC §5: 一级, 二级).
URGENT_GRADES = {"1", "2"}


def _registered(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    """A new urgent request to the project's staff group; the robot route is added by the
    outbox when the project has a robot (no staff recipient is named here)."""
    if ticket.is_emergency or ticket.grade_level in URGENT_GRADES:
        yield Outgoing(
            "urgent_ticket", [], key=f"ticket:{ticket.pk}:urgent", ticket=ticket,
            context={"grade": str(ticket.get_grade_level_display() or "")},
        )  # fmt: skip


def _dispatched(ticket: Ticket, event: TicketEvent) -> Iterable[Outgoing]:
    yield from _assigned(ticket, event)
    yield from _in_progress(ticket, event)


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
    EventKind.REGISTERED: _registered,
    EventKind.DISPATCHED: _dispatched,
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
