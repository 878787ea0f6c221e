"""The signed-in user's in-app notifications: list, unread count, mark read."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.core.errors import InvalidInput
from propdesk.core.paging import Page, PageSize

from . import inbox
from .choices import Event

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    event: str
    event_display: str
    title: str
    body: str
    url: str
    ticket: str | None = Field(None, description="the ticket's number, when it is about one")
    created_at: datetime
    read_at: datetime | None
    is_read: bool


class NotificationPage(Schema):
    count: int
    unread: int
    page: int
    page_size: int
    items: list[NotificationOut]


class NotificationQuery(Schema):
    unread: bool = Field(False, description="only those not read yet")
    page: Page = 1
    page_size: PageSize = 20


class UnreadOut(Schema):
    unread: int


class ReadIn(Schema):
    ids: list[int] = Field(default_factory=list, description="mark these read")
    all: bool = Field(False, description="mark every notification read")


class ReadOut(Schema):
    marked: int
    unread: int


def _out(n) -> dict:
    event = n.event
    return {
        "id": n.pk,
        "event": event,
        "event_display": str(Event(event).label) if event in Event.values else event,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "ticket": n.ticket.number if n.ticket_id else None,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "is_read": n.read_at is not None,
    }


@router.get("/notifications", response=NotificationPage, summary="My notifications, newest first")
def list_notifications(request: HttpRequest, query: Query[NotificationQuery]):
    qs = inbox.notifications_for(request.user, unread_only=query.unread)
    start = (query.page - 1) * query.page_size
    items = qs.select_related("ticket").only(
        "pk", "event", "title", "body", "url", "created_at", "read_at", "ticket__number"
    )[start : start + query.page_size]
    return {
        "count": qs.count(),
        "unread": inbox.unread_count(request.user),
        "page": query.page,
        "page_size": query.page_size,
        "items": [_out(n) for n in items],
    }


@router.get("/notifications/unread-count", response=UnreadOut, summary="How many are not read yet")
def unread_count(request: HttpRequest):
    return {"unread": inbox.unread_count(request.user)}


@router.post("/notifications/read", response=ReadOut, summary="Mark notifications read")
def mark_read(request: HttpRequest, payload: ReadIn):
    if payload.all:
        marked = inbox.mark_all_read(request.user)
    elif payload.ids:
        marked = inbox.mark_read(request.user, payload.ids)
    else:
        raise InvalidInput(_("请给出要标为已读的消息编号,或选择全部"), field="ids")
    return {"marked": marked, "unread": inbox.unread_count(request.user)}
