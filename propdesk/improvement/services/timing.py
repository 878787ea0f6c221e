"""The clock of an action: due at the end of its due day (local time, calendar days: a measure
is promised for a date, holidays or not), warned at the start of that day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

#: How long before its due time an open action is warned.
WARN_BEFORE = timedelta(days=1)


def due_moments(due_on: date) -> tuple[datetime, datetime]:
    """(due_at, warn_at) of an action due on ``due_on``."""
    end = timezone.make_aware(datetime.combine(due_on + timedelta(days=1), time.min))
    return end, end - WARN_BEFORE
