"""The one clock every service reads, so tests and the SLA engine can move time.

Services take ``now: datetime | None = None`` and call :func:`resolve` on it; tests either
pass ``now`` explicitly or wrap code in :func:`frozen`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import date, datetime

from django.utils import timezone

#: The days the system counts with. A date far outside (year 1 or 9999) overflows once a time
#: zone or a day is added to it (a 500): the API refuses dates outside these, and so does a
#: statistics period.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)

_local = threading.local()


def now() -> datetime:
    """The current aware time (UTC), unless a test has frozen it."""
    frozen_at = getattr(_local, "frozen_at", None)
    return frozen_at if frozen_at is not None else timezone.now()


def resolve(value: datetime | None) -> datetime:
    """``value`` if given (must be aware), else :func:`now`."""
    if value is None:
        return now()
    if timezone.is_naive(value):
        raise ValueError("naive datetime given to a service; pass an aware datetime")
    return value


@contextlib.contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Freeze :func:`now` at ``at`` in this thread for the duration of the block."""
    previous = getattr(_local, "frozen_at", None)
    _local.frozen_at = at
    try:
        yield
    finally:
        _local.frozen_at = previous
