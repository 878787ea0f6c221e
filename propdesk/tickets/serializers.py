"""Tickets as the API shows them. Phones are always masked here (SPEC §2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from propdesk.core import clock as core_clock
from propdesk.org.models import User
from propdesk.residents.models import mask_phone
from propdesk.residents.phones import warning as phone_warning

from . import extensions
from .choices import Channel, EventKind, Kind, Status, WorkOrderStatus
from .models import Ticket, TicketEvent, WorkOrder
from .services.grading import BOOLEAN_FACTS
from .services.guards import allowed_moves
from .services.register import REGISTERED_IN_MEMORY


def user_name(user: User | None) -> str | None:
    """A staff member as the API names them (also in other domains' detail parts)."""
    return (user.display_name or user.username) if user else None


_user_name = user_name


#: What a ticket summary reads besides the ticket (lists, queues, the API).
SUMMARY_RELATED = ("project", "category", "category__parent", "room__building", "room__unit")


def with_summary_relations(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.select_related(*SUMMARY_RELATED)


def summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "project": ticket.project.code,
        "project_name": ticket.project.name,
        "kind": ticket.kind,
        "kind_display": str(Kind(ticket.kind).label),
        "channel": ticket.channel,
        "channel_display": str(Channel(ticket.channel).label),
        "category": {"code": ticket.category.code, "name": ticket.category.full_name},
        "status": ticket.status,
        "status_display": str(Status(ticket.status).label),
        "grade_level": ticket.grade_level,
        "grade_class": ticket.grade_class,
        "escalation_level": ticket.escalation_level,
        "contact_name": ticket.contact_name,
        "contact_phone": mask_phone(ticket.contact_phone),
        "room": {"id": ticket.room.pk, "label": ticket.room.label} if ticket.room else None,
        "place": ticket.place,
        "description": ticket.description,
        "received_at": ticket.received_at,
    }


def work_order_data(order: WorkOrder) -> dict[str, Any]:
    return {
        "ticket": order.ticket.number,
        "sequence": order.sequence,
        "department": order.department.code,
        "department_name": order.department.name,
        "assignee": order.assignee.username if order.assignee else None,
        "assignee_name": _user_name(order.assignee),
        "status": order.status,
        "status_display": str(WorkOrderStatus(order.status).label),
        "instructions": order.instructions,
        "deadline": order.deadline,
        "appointment_at": order.appointment_at,
        "dispatched_at": order.dispatched_at,
        "started_at": order.started_at,
        "completed_at": order.completed_at,
        "result": order.result,
        "return_reason": order.return_reason,
        "resident_rating": order.resident_rating,
        "resident_signed": order.resident_signed,
        "fee_total": order.fee_total,
        "fee_items": [
            {
                "name": i.name,
                "unit": i.unit,
                "quantity": i.quantity,
                "unit_price": i.unit_price,
                "amount": i.amount,
            }
            for i in order.fee_items.all()
        ],
    }


def _parts_as_registered(ticket: Ticket, now: datetime) -> dict[str, list] | None:
    """Every detail part answered from what registration holds, when ``ticket`` is the object
    register_ticket has just returned and nothing has saved it since; else None. Works once
    per object: a later call reads the database, as every other call does."""
    left_at = ticket.__dict__.pop(REGISTERED_IN_MEMORY, None)
    if left_at is None or left_at != ticket.updated_at:
        return None
    parts = {}
    for part in extensions.detail_parts():
        rows = part.just_registered(ticket, now)
        if rows is None:
            return None
        parts[part.name] = rows
    return parts


def detail(ticket: Ticket, user: User) -> dict[str, Any]:
    """The ticket in full, as ``GET /tickets/{number}`` shows it.

    Right after registration it is built from the object registration holds — its project,
    category, room and registrar loaded while checking the input, its grades and escalation
    set as they were written, the clocks it started — since a request that has just arrived
    has no work orders, replies, notes, callbacks, attachments or merged requests yet. That
    saves nine of the queries of the registration's answer (a test compares it with a GET).
    """
    now = core_clock.now()
    parts = _parts_as_registered(ticket, now)
    if parts is not None:
        return _detail_data(
            ticket, user, now,
            merged_from=[], work_orders=[], replies=[], progress_notes=[], attachments=[],
            parts=parts,
        )  # fmt: skip
    ticket = (
        with_summary_relations(Ticket.objects.filter(pk=ticket.pk))
        .select_related("registered_by", "merged_into")
        .prefetch_related(
            Prefetch(
                "work_orders",
                WorkOrder.objects.select_related("department", "assignee", "ticket")
                .prefetch_related("fee_items")
                .order_by("sequence"),
            ),
            "replies__author",
            "progress_notes__author",
            "progress_notes__work_order",
            "attachments",
        )
        .get()
    )
    return _detail_data(
        ticket,
        user,
        now,
        merged_from=list(ticket.merged_tickets.order_by("pk").values_list("number", flat=True)),
        work_orders=ticket.work_orders.all(),
        replies=ticket.replies.all(),
        progress_notes=ticket.progress_notes.all(),
        attachments=ticket.attachments.all(),
        parts={part.name: part.read(ticket, now) for part in extensions.detail_parts()},
    )


def _detail_data(
    ticket: Ticket,
    user: User,
    now: datetime,
    *,
    merged_from: list[str],
    work_orders: Iterable[WorkOrder],
    replies: Iterable[Any],
    progress_notes: Iterable[Any],
    attachments: Iterable[Any],
    parts: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    data = summary(ticket)
    data.update(
        {
            "nature": ticket.nature,
            "reporter_type": ticket.reporter_type,
            "contact_phone_warning": phone_warning(ticket.contact_phone),
            "resident_id": ticket.resident_id,
            "expectation": ticket.expectation,
            "agreed_reply_at": ticket.agreed_reply_at,
            "registered_at": ticket.registered_at,
            "registered_by": ticket.registered_by.username,
            "accepted_at": ticket.accepted_at,
            "resolved_at": ticket.resolved_at,
            "callback_at": ticket.callback_at,
            "closed_at": ticket.closed_at,
            "resolution": ticket.resolution,
            "closure_reason": ticket.closure_reason,
            "closure_note": ticket.closure_note,
            "cancel_reason": ticket.cancel_reason,
            "reopen_count": ticket.reopen_count,
            "merged_into": ticket.merged_into.number if ticket.merged_into else None,
            "merged_from": merged_from,
            "is_emergency": ticket.is_emergency,
            "repair_scope": ticket.repair_scope,
            "is_paid_repair": ticket.is_paid_repair,
            "help_type": ticket.help_type,
            "has_case_value": ticket.has_case_value,
            "grade_reason": ticket.grade_reason,
            "grade_class_reason": ticket.grade_class_reason,
            "facts": {
                "complainant_count": ticket.complainant_count,
                "claimed_amount": str(ticket.claimed_amount)
                if ticket.claimed_amount is not None
                else None,
                "media_exposure": ticket.media_exposure,
                "litigation": ticket.litigation,
                **{name: getattr(ticket, name) for name in sorted(BOOLEAN_FACTS)},
                "repeat_of": ticket.repeat_of.number if ticket.repeat_of_id else None,
            },
            "on_site_finished_at": ticket.on_site_finished_at,
            "needs_plan": ticket.needs_plan,
            "long_disagreement": ticket.long_disagreement,
            "plan": ticket.plan,
            "plan_submitted_at": ticket.plan_submitted_at,
            "work_orders": [work_order_data(o) for o in work_orders],
            "replies": [
                {
                    "channel": r.channel,
                    "content": r.content,
                    "author": _user_name(r.author),
                    "replied_at": r.replied_at,
                }
                for r in replies
            ],
            "progress_notes": [
                {
                    "text": n.text,
                    "author": _user_name(n.author),
                    "work_order": n.work_order.sequence if n.work_order else None,
                    "created_at": n.created_at,
                }
                for n in progress_notes
            ],
            "attachments": [
                {
                    "id": a.pk,
                    "name": a.original_name,
                    "content_type": a.content_type,
                    "size": a.size,
                    "url": f"/api/v1/tickets/{ticket.number}/attachments/{a.pk}",
                    "uploaded_at": a.uploaded_at,
                }
                for a in attachments
            ],
            "allowed_actions": allowed_moves(user, ticket),
            # The other domains' parts: clocks (sla), callbacks (callbacks) …
            **parts,
        }
    )
    return data


def event_data(event: TicketEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "kind_display": str(EventKind(event.kind).label),
        "at": event.at,
        "actor": event.actor.username if event.actor else None,
        "actor_name": _user_name(event.actor),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "work_order": event.work_order.sequence if event.work_order else None,
        "note": event.note,
        "data": event.data,
    }
