"""Sending what the outbox holds: claim, send outside any lock, record, retry or give up.

A run claims due messages in small batches under ``SELECT … FOR UPDATE SKIP LOCKED`` (several
workers never take the same row), marks them ``sending`` and commits; then it sends each one
with no lock or transaction open, and records the outcome in a short transaction of its own:
``sent``, or ``pending`` again with an exponential backoff, or ``failed`` after the last try.
A worker that dies while sending leaves rows ``sending``; after ``NOTIFY_SENDING_TIMEOUT``
they go back to ``pending`` (:func:`recover_stuck`). No path deletes a message.

When one channel fails several times in a row within a run (its server is down), the run stops
trying that channel and leaves its remaining messages waiting, untouched, for the next run, so
one dead provider costs a few timeouts per run rather than one per message.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F

from propdesk.core import clock as core_clock

from .choices import State
from .models import DeliveryAttempt, OutboxMessage
from .providers import PermanentError, Provider, provider_for

logger = logging.getLogger("propdesk.notify")

#: Messages taken per claim; each batch must be sent well within the sending timeout.
CLAIM_BATCH = 50
#: After this many failures in a row on one channel, a run leaves that channel alone.
PAUSE_CHANNEL_AFTER = 3
#: Retries wait 1, 2, 4 … minutes, never more than an hour.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
INTERRUPTED = "interrupted: the worker stopped while sending; the outcome is unknown"


def max_attempts() -> int:
    """Tries before a message is given up (``failed``); 24 reach about 19 hours of outage."""
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 24))


def sending_timeout() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "NOTIFY_SENDING_TIMEOUT", 900)))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try."""
    return min(FIRST_RETRY * 2 ** max(0, min(attempts - 1, 20)), LONGEST_RETRY)


@dataclass
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0
    recovered: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _claim(
    at: datetime, paused: set[str], channels: Collection[str] | None = None
) -> list[OutboxMessage]:
    with transaction.atomic():
        qs = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            state=State.PENDING, next_attempt_at__lte=at
        )
        if channels is not None:
            qs = qs.filter(channel__in=list(channels))
        if paused:
            qs = qs.exclude(channel__in=paused)
        batch = list(qs.order_by("next_attempt_at", "pk")[:CLAIM_BATCH])
        if batch:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
                state=State.SENDING, claimed_at=at
            )
            for message in batch:
                message.state, message.claimed_at = State.SENDING, at
    return batch


def _release(message: OutboxMessage) -> None:
    """Back to waiting, as if never taken: no attempt was made."""
    OutboxMessage.objects.filter(
        pk=message.pk, state=State.SENDING, claimed_at=message.claimed_at
    ).update(state=State.PENDING, claimed_at=None)


def _record(
    message: OutboxMessage,
    at: datetime,
    provider: str,
    *,
    ref: str = "",
    error: str = "",
    permanent: bool = False,
) -> str:
    """Write the attempt and the message's new state in one transaction; returns the state."""
    ok = not error
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            message_id=message.pk, at=at, ok=ok, provider=provider, error=error[:2000]
        )
        if ok:
            # Sent is sent, even if the row was meanwhile recovered as stuck (or given up):
            # that stops a second copy.
            OutboxMessage.objects.filter(pk=message.pk).exclude(state=State.SENT).update(
                state=State.SENT,
                attempts=F("attempts") + 1,
                sent_at=at,
                claimed_at=None,
                last_error="",
                provider_ref=ref[:200],
            )
            return State.SENT
        attempts = message.attempts + 1
        give_up = permanent or attempts >= max_attempts()
        state = State.FAILED if give_up else State.PENDING
        OutboxMessage.objects.filter(
            pk=message.pk, state=State.SENDING, claimed_at=message.claimed_at
        ).update(
            state=state,
            attempts=F("attempts") + 1,
            claimed_at=None,
            last_error=error[:2000],
            next_attempt_at=at if give_up else at + backoff(attempts),
        )
        return state


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _send_batch(
    batch: list[OutboxMessage],
    moment: Callable[[], datetime],
    paused: set[str],
    result: DeliveryResult,
) -> None:
    providers: dict[str, Provider] = {}
    failures_in_a_row: Counter[str] = Counter()
    try:
        for message in batch:
            channel = message.channel
            if channel in paused:
                _release(message)
                result.deferred += 1
                continue
            name = channel
            try:
                if channel not in providers:
                    providers[channel] = provider_for(channel)
                provider = providers[channel]
                name = provider.name
                ref = provider.send(message)
            except PermanentError as exc:
                _record(message, moment(), name, error=_error_text(exc), permanent=True)
                result.failed += 1
            except Exception as exc:
                logger.warning("sending outbox message %s failed: %s", message.pk, exc)
                state = _record(message, moment(), name, error=_error_text(exc))
                if state == State.FAILED:
                    result.failed += 1
                else:
                    result.retrying += 1
                failures_in_a_row[channel] += 1
                if failures_in_a_row[channel] >= PAUSE_CHANNEL_AFTER:
                    paused.add(channel)
            else:
                failures_in_a_row[channel] = 0
                _record(message, moment(), name, ref=ref or "")
                result.sent += 1
    finally:
        for provider in providers.values():
            provider.close()


def deliver_due(
    *, now: datetime | None = None, channels: Collection[str] | None = None
) -> DeliveryResult:
    """Send every message whose time has come; safe to run often and from several workers.
    ``channels`` limits the run to some channels (the demo delivers its in-app notices only)."""

    def moment() -> datetime:
        return core_clock.resolve(now)

    result = DeliveryResult(recovered=recover_stuck(now=now))
    paused: set[str] = set()
    while batch := _claim(moment(), paused, channels):
        _send_batch(batch, moment, paused, result)
    return result


def recover_stuck(*, now: datetime | None = None) -> int:
    """Messages left ``sending`` longer than the timeout (their worker stopped) wait again;
    the interrupted try counts as an attempt, so a message that kills workers is given up."""
    at = core_clock.resolve(now)
    limit = at - sending_timeout()
    total = 0
    while True:
        with transaction.atomic():
            stuck = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(state=State.SENDING, claimed_at__lt=limit)
                .only("pk", "attempts")
                .order_by("pk")[:500]
            )
            if not stuck:
                return total
            DeliveryAttempt.objects.bulk_create(
                DeliveryAttempt(message_id=m.pk, at=at, ok=False, provider="", error=INTERRUPTED)
                for m in stuck
            )
            give_up = [m.pk for m in stuck if m.attempts + 1 >= max_attempts()]
            retry = [m.pk for m in stuck if m.pk not in set(give_up)]
            common = {"attempts": F("attempts") + 1, "claimed_at": None, "last_error": INTERRUPTED}
            OutboxMessage.objects.filter(pk__in=retry).update(
                state=State.PENDING, next_attempt_at=at, **common
            )
            OutboxMessage.objects.filter(pk__in=give_up).update(state=State.FAILED, **common)
            total += len(stuck)
