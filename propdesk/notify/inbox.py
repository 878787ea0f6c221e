"""A member of staff's in-app notifications (SPEC §10): the list, the unread count on every
console page, and marking them read. Only their own, always."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from propdesk.core import clock as core_clock
from propdesk.core.errors import NotFound
from propdesk.org.models import User

from .models import Notification


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's in-app list, newest first."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Mark the user's own notifications ``ids`` read; returns how many changed (one already
    read is not counted). An id that is not one of the user's own — someone else's, or none —
    is NotFound naming ``ids``, and nothing is marked."""
    wanted = set(ids)
    mine = set(Notification.objects.filter(user=user, pk__in=wanted).values_list("pk", flat=True))
    if wanted - mine:
        raise NotFound(_("通知 %(id)s 不存在") % {"id": min(wanted - mine)}, field="ids")
    at = core_clock.resolve(now)
    return Notification.objects.filter(user=user, pk__in=wanted, read_at__isnull=True).update(
        read_at=at
    )


def mark_all_read(user: User, *, now: datetime | None = None) -> int:
    at = core_clock.resolve(now)
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=at)
