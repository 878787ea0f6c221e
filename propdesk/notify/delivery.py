"""Sending what the outbox holds: claim, send outside any lock, record, retry or give up.

A run claims due messages in small batches under ``SELECT … FOR UPDATE SKIP LOCKED`` (several
workers never take the same row), marks them ``sending`` and commits; then it sends each one
with no lock or transaction open, and records the outcome in a short transaction of its own:
``sent``, or ``pending`` again with an exponential backoff (or the provider's own wait when it
asked us to slow down), or ``failed`` after the last try or at once when the provider refused
it for good. No path deletes a message.

The claim is a lease of ``NOTIFY_SENDING_TIMEOUT`` (60 s): a worker renews the lease of the
rest of its batch before each send once a third of it has passed, and every call to a provider
times out well inside it (``NOTIFY_PROVIDER_TIMEOUT``), so a live worker never loses a message
it is sending. A worker that dies while sending leaves rows ``sending``; when their lease runs
out they go back to ``pending`` (:func:`recover_stuck`) — and the delivery run after it is
booked for that moment (:func:`next_recovery_at`), so they go out about a minute later.

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
from django.db.models.functions import Least

from propdesk.core import clock as core_clock

from .choices import PROVIDER_CHANNEL, Channel, State
from .models import DeliveryAttempt, OutboxMessage, ProviderConfig
from .providers import PermanentError, Provider, RetryLater, provider_for

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
    """The lease of a claimed message (see the module's note)."""
    return timedelta(seconds=int(getattr(settings, "NOTIFY_SENDING_TIMEOUT", 60)))


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
    retry_after: timedelta | None = None,
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
        wait = max(backoff(attempts), retry_after or timedelta(0))
        OutboxMessage.objects.filter(
            pk=message.pk, state=State.SENDING, claimed_at=message.claimed_at
        ).update(
            state=state,
            attempts=F("attempts") + 1,
            claimed_at=None,
            last_error=error[:2000],
            next_attempt_at=at if give_up else at + wait,
        )
        return state


def _error_text(exc: BaseException) -> str:
    """What the outbox row shows: a provider's refusal in its own words (code: message), any
    other failure with the name of the error."""
    if isinstance(exc, PermanentError | RetryLater):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class _Gateways:
    """The provider of each message of a run: its company's gateway for the channel when one is
    configured and active (a WeCom robot: its project's), else the one named in settings. One
    provider object per gateway for the whole batch, closed at the end."""

    def __init__(self) -> None:
        self._configs: dict[tuple[int | None, str, int | None], ProviderConfig | None] = {}
        self.providers: dict[tuple[str, int | None], Provider] = {}

    def companies(self, batch: list[OutboxMessage]) -> dict[int, int | None]:
        rows = OutboxMessage.objects.filter(pk__in=[m.pk for m in batch]).values_list(
            "pk", "ticket__company_id", "resident__company_id", "user__company_id"
        )
        return {pk: ticket or resident or user for pk, ticket, resident, user in rows}

    def config(self, message: OutboxMessage, company_id: int | None) -> ProviderConfig | None:
        project_id = None
        if message.channel == Channel.WECOM:
            project_id = int(message.address.partition(":")[2] or 0) or None
        key = (company_id, message.channel, project_id)
        if key not in self._configs:
            kinds = [kind for kind, channel in PROVIDER_CHANNEL.items() if channel == key[1]]
            self._configs[key] = (
                ProviderConfig.objects.filter(
                    company_id=company_id, kind__in=kinds, is_active=True, project_id=project_id
                )
                .order_by("pk")
                .first()
                if company_id and kinds
                else None
            )
        return self._configs[key]

    def provider(self, message: OutboxMessage, company_id: int | None) -> Provider:
        config = self.config(message, company_id)
        key = (message.channel, config.pk if config else None)
        if key not in self.providers:
            self.providers[key] = provider_for(message.channel, config)
        return self.providers[key]

    def close(self) -> None:
        for provider in self.providers.values():
            provider.close()


def _renew(batch: list[OutboxMessage], moment: Callable[[], datetime]) -> set[int]:
    """Extend the lease of the batch's messages not yet sent, when a third of it has passed;
    returns the ids that are no longer ours (their lease ran out and another worker took them
    back: they are not sent again from here)."""
    if not batch:
        return set()
    at = moment()
    token = batch[0].claimed_at
    if token is None or at - token < sending_timeout() / 3:
        return set()
    ids = [m.pk for m in batch]
    with transaction.atomic():
        OutboxMessage.objects.filter(pk__in=ids, state=State.SENDING, claimed_at=token).update(
            claimed_at=at
        )
        ours = set(
            OutboxMessage.objects.filter(
                pk__in=ids, state=State.SENDING, claimed_at=at
            ).values_list("pk", flat=True)
        )
    for message in batch:
        message.claimed_at = at
    return set(ids) - ours


def _send_batch(
    batch: list[OutboxMessage],
    moment: Callable[[], datetime],
    paused: set[str],
    result: DeliveryResult,
) -> None:
    gateways = _Gateways()
    failures_in_a_row: Counter[str] = Counter()
    companies = gateways.companies(batch)
    try:
        for index, message in enumerate(batch):
            channel = message.channel
            if channel in paused:
                _release(message)
                result.deferred += 1
                continue
            if message.pk in _renew(batch[index:], moment):
                continue  # taken back by another worker: it sends it
            name = channel
            try:
                provider = gateways.provider(message, companies.get(message.pk))
                name = provider.name
                ref = provider.send(message)
            except PermanentError as exc:
                _record(message, moment(), name, error=_error_text(exc), permanent=True)
                result.failed += 1
            except RetryLater as exc:
                state = _record(
                    message, moment(), name, error=_error_text(exc), retry_after=exc.retry_after
                )
                result.failed += state == State.FAILED
                result.retrying += state != State.FAILED
                if exc.whole_provider:
                    paused.add(channel)
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
        gateways.close()


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
            # Due at once, in the place it had (it was claimed when due): not behind every
            # message queued while its lease ran, which would add a backlog's sending time to
            # the minute it has already waited.
            OutboxMessage.objects.filter(pk__in=retry).update(
                state=State.PENDING, next_attempt_at=Least(F("next_attempt_at"), at), **common
            )
            OutboxMessage.objects.filter(pk__in=give_up).update(state=State.FAILED, **common)
            total += len(stuck)


def next_recovery_at(*, now: datetime | None = None) -> datetime | None:
    """When the earliest lease of a message being sent runs out (so a run is booked then), or
    None when nothing is being sent."""
    earliest = (
        OutboxMessage.objects.filter(state=State.SENDING)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    if earliest is None:
        return None
    return max(earliest + sending_timeout(), core_clock.resolve(now)) + timedelta(seconds=1)
