"""The front-desk moves: accept, answer at once, notes and replies, suspend/resume, edits,
cancel and merge (SPEC §4)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound
from propdesk.org.models import User
from propdesk.residents.models import Room

from ..choices import (
    ACTIVE_WORK_ORDER_STATUSES,
    TERMINAL_STATUSES,
    Channel,
    EventKind,
    Kind,
    Nature,
    ReplyChannel,
    Status,
    WorkOrderStatus,
)
from ..models import Category, ProgressNote, Reply, Ticket
from .grading import GRADE_FACT_FIELDS, clean_fact
from .guards import check_move, lock_ticket, move_to, move_work_order, record_event, require_text
from .references import resolve_in_project

NOT_TERMINAL = set(Status.values) - TERMINAL_STATUSES


@transaction.atomic
def accept(actor: User, ticket: Ticket, *, note: str = "", now: datetime | None = None) -> Ticket:
    """The service centre takes the request on (受理)."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "accept")
    at = clock.resolve(now)
    move_to(
        ticket,
        Status.ACCEPTED,
        EventKind.ACCEPTED,
        actor,
        at,
        note=note,
        fields={"accepted_at": at},
    )
    return ticket


def _reply(ticket: Ticket, actor: User, channel: str, content: str, at: datetime) -> Reply:
    if channel not in ReplyChannel.values:
        raise InvalidInput(
            _("回复方式“%(c)s”无效,可选:%(o)s")
            % {"c": channel, "o": ", ".join(ReplyChannel.values)},
            field="channel",
        )
    content = require_text(content, "content", _("回复内容"))
    return Reply.objects.create(
        ticket=ticket, channel=channel, content=content, author=actor, replied_at=at
    )


@transaction.atomic
def answer(
    actor: User,
    ticket: Ticket,
    *,
    content: str,
    channel: str = ReplyChannel.PHONE,
    now: datetime | None = None,
) -> Ticket:
    """Answer at once (consultations, simple questions): the reply is the result."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "answer")
    at = clock.resolve(now)
    reply = _reply(ticket, actor, channel, content, at)
    fields: dict[str, Any] = {"resolved_at": at, "resolution": reply.content}
    if ticket.accepted_at is None:
        fields["accepted_at"] = at
    move_to(
        ticket,
        Status.RESOLVED,
        EventKind.ANSWERED,
        actor,
        at,
        note=reply.content,
        data={"channel": channel, "reply_id": reply.pk},
        fields=fields,
    )
    return ticket


@transaction.atomic
def add_progress_note(
    actor: User,
    ticket: Ticket,
    *,
    text: str,
    work_order: int | None = None,
    now: datetime | None = None,
) -> ProgressNote:
    """A follow-up record (跟进记录); the status does not change."""
    from .guards import get_work_order

    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "note")
    text = require_text(text, "text", _("跟进内容"))
    order = get_work_order(ticket, work_order) if work_order is not None else None
    at = clock.resolve(now)
    note = ProgressNote.objects.create(
        ticket=ticket, work_order=order, text=text, author=actor, created_at=at
    )
    record_event(
        ticket,
        EventKind.PROGRESS_NOTED,
        actor,
        at,
        note=text,
        work_order=order,
        data={"note_id": note.pk},
    )
    return note


@transaction.atomic
def reply_to_resident(
    actor: User, ticket: Ticket, *, content: str, channel: str, now: datetime | None = None
) -> Reply:
    """Record a reply given to the resident (channel, content, time)."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "reply")
    at = clock.resolve(now)
    reply = _reply(ticket, actor, channel, content, at)
    record_event(
        ticket,
        EventKind.REPLIED,
        actor,
        at,
        note=reply.content,
        data={"channel": channel, "reply_id": reply.pk},
    )
    return reply


@transaction.atomic
def suspend(actor: User, ticket: Ticket, *, reason: str, now: datetime | None = None) -> Ticket:
    """Stop the clocks while waiting (for parts, for the resident …); resume restores the state."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "suspend")
    reason = require_text(reason, "reason", _("挂起原因"))
    at = clock.resolve(now)
    move_to(
        ticket,
        Status.SUSPENDED,
        EventKind.SUSPENDED,
        actor,
        at,
        note=reason,
        fields={"status_before_suspend": ticket.status},
    )
    return ticket


@transaction.atomic
def resume(actor: User, ticket: Ticket, *, note: str = "", now: datetime | None = None) -> Ticket:
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "resume")
    at = clock.resolve(now)
    move_to(
        ticket,
        Status(ticket.status_before_suspend or Status.ACCEPTED),
        EventKind.RESUMED,
        actor,
        at,
        note=note,
        fields={"status_before_suspend": ""},
    )
    return ticket


def _cancel_open_work_orders(ticket: Ticket, at: datetime) -> list[int]:
    orders = list(ticket.work_orders.filter(status__in=ACTIVE_WORK_ORDER_STATUSES))
    for order in orders:
        move_work_order(order, WorkOrderStatus.CANCELLED, completed_at=at)
    return [o.sequence for o in orders]


@transaction.atomic
def cancel(actor: User, ticket: Ticket, *, reason: str, now: datetime | None = None) -> Ticket:
    """The resident withdrew the request (撤销); kept with its reason, never deleted."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "cancel")
    reason = require_text(reason, "reason", _("撤销原因"))
    at = clock.resolve(now)
    cancelled = _cancel_open_work_orders(ticket, at)
    move_to(
        ticket,
        Status.CANCELLED,
        EventKind.CANCELLED,
        actor,
        at,
        note=reason,
        data={"cancelled_work_orders": cancelled},
        fields={"cancelled_at": at, "cancel_reason": reason},
    )
    return ticket


@transaction.atomic
def merge(
    actor: User, ticket: Ticket | str, *, into: str, note: str = "", now: datetime | None = None
) -> Ticket:
    """Mark a duplicate as merged into another request of the same project.

    Both rows are locked in primary-key order so two supervisors merging a pair in opposite
    directions cannot deadlock. The duplicate keeps its history.
    """
    number = ticket if isinstance(ticket, str) else ticket.number
    if number == into:
        raise InvalidInput(_("不能合并到自身"), field="into")
    duplicate_row = Ticket.objects.filter(number=number).select_related("project").first()
    if duplicate_row is None:
        raise NotFound(_("诉求 %(number)s 不存在") % {"number": number})
    check_move(actor, duplicate_row, "merge")
    # The target is one the actor may see, of the same project: otherwise a 400 naming "into"
    # that says nothing of it (references.resolve_in_project).
    survivor_row = resolve_in_project(
        actor, Ticket, into, duplicate_row.project, field="into", lookup="number",
        queryset=Ticket.objects.only("pk", "project_id"),
    )  # fmt: skip
    pairs = sorted([(survivor_row.pk, into), (duplicate_row.pk, number)])
    locked = {n: lock_ticket(n) for _pk, n in pairs}
    ticket, survivor = locked[number], locked[into]
    check_move(actor, ticket, "merge")
    check_move(actor, survivor, "merge", NOT_TERMINAL)
    if survivor.project_id != ticket.project_id:
        raise InvalidInput(_("只能合并同一项目的诉求"), field="into")
    if survivor.merged_into_id == ticket.pk:
        raise InvalidTransition(_("目标诉求已合并到本诉求"), field="into")
    at = clock.resolve(now)
    cancelled = _cancel_open_work_orders(ticket, at)
    move_to(
        ticket,
        Status.MERGED,
        EventKind.MERGED,
        actor,
        at,
        note=note,
        data={"into": survivor.number, "cancelled_work_orders": cancelled},
        fields={"merged_into": survivor},
    )
    record_event(
        survivor, EventKind.MERGED, actor, at, note=note, data={"merged_from": ticket.number}
    )
    if survivor.resolution:
        # Merged into a request that already has its result: the resident hears it now.
        from .outcome import merged_into_chain, share_outcome

        for merged in [ticket, *merged_into_chain(ticket)]:
            share_outcome(survivor, at, only=merged)
    return ticket


BOOLEAN_FIELDS = ("is_emergency", "has_case_value", "needs_plan", "long_disagreement")
#: Fields an agent may correct after registration; each change is recorded with old and new.
EDITABLE_FIELDS = {
    "kind",
    "channel",
    "category",
    "nature",
    "place",
    "description",
    "expectation",
    "room_id",
    "agreed_reply_at",
    "is_emergency",
    "has_case_value",
    "needs_plan",
    "long_disagreement",
    *GRADE_FACT_FIELDS,
}


def _display(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Category):
        return value.code
    if isinstance(value, Ticket):
        return value.number
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def update_ticket(
    actor: User, ticket: Ticket, *, changes: dict[str, Any], now: datetime | None = None
) -> Ticket:
    """Correct or complete the record (reclassify, add the place …); every change is an event."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "update")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(
            _("字段不能修改:%(f)s") % {"f": ", ".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    recorded: dict[str, list[Any]] = {}

    def change(name: str, value: Any) -> None:
        old = getattr(ticket, name)
        if old != value:
            recorded[name] = [_display(old), _display(value)]
            setattr(ticket, name, value)

    for name, value in changes.items():
        if name == "kind" and value not in Kind.values:
            raise InvalidInput(_("类型无效"), field="kind")
        if name == "kind":
            # What only a repair or a help request has goes with the old kind, as at intake.
            if value != Kind.REPAIR:
                if ticket.is_paid_repair:
                    raise InvalidInput(_("有偿维修不能改为其他类型"), field="kind")
                change("repair_scope", "")
            if value != Kind.HELP:
                change("help_type", "")
        if name == "channel" and value not in Channel.values:
            raise InvalidInput(_("来源无效"), field="channel")
        if name == "nature" and value not in Nature.values:
            raise InvalidInput(_("性质无效"), field="nature")
        if name in BOOLEAN_FIELDS and not isinstance(value, bool):
            raise InvalidInput(_("须为是或否"), field=name)
        if name in ("place", "expectation"):
            value = (value or "").strip()
        if name == "category":
            value = Category.objects.filter(code=value, is_active=True).first()
            if value is None:
                raise InvalidInput(_("分类编码不存在"), field="category")
        if name == "description":
            value = require_text(value, "description", _("诉求内容"))
        if name == "room_id" and value is not None:
            room = resolve_in_project(actor, Room, value, ticket.project, field="room_id")
            # The building follows the room, and is history like any other field.
            change("building_id", room.building_id)
            # A portal request from a phone not on file is matched once it has its room.
            change("needs_room_match", False)
        if name in GRADE_FACT_FIELDS:
            value = clean_fact(ticket, name, value)
        if name == "agreed_reply_at" and value is not None:
            value = clock.resolve(value)
            if value < ticket.received_at:
                raise InvalidInput(_("约定反馈时间不能早于接报时间"), field="agreed_reply_at")
        change(name, value)
    if not recorded:
        return ticket
    ticket.save()
    record_event(ticket, EventKind.UPDATED, actor, clock.resolve(now), data={"changes": recorded})
    return ticket
