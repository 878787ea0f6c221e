"""Queueing messages in the outbox, the in-app list, and keeping delivery booked (SPEC §10).

Callers queue inside their own transaction, next to the business change::

    notify.queue(Event.TICKET_REGISTERED_RECEIPT, [ticket.resident], key=f"ticket:{ticket.pk}",
                 ticket=ticket, context={"reply_by": clock.due_at}, now=at)

Nothing is sent then: the rows commit (or roll back) with the change, and on commit a delivery
task is asked to run at once; a periodic run picks up anything that task missed and every
retry. Sending itself is :func:`propdesk.notify.delivery.deliver_due`.

``key`` names the business fact; with the event, recipient and channel it makes the unique
``dedupe_key``, so the same fact is never queued twice. Choose it so a *new* fact gets a new
key: ``ticket:<pk>`` for the receipt, ``ticket:<pk>:resolved:<resolved_at>`` for a result (a
reopened ticket resolved again tells again), ``wo:<pk>:<dispatched_at>`` for an assignment,
``clock:<pk>:<due_at>`` for a warning or breach, ``ticket:<pk>:level:<n>`` for an escalation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation

from propdesk.core import clock as core_clock
from propdesk.org.models import User
from propdesk.residents.choices import ContactChannel
from propdesk.residents.models import Resident
from propdesk.tickets.lifecycle import book_rows
from propdesk.tickets.models import Ticket

from . import rendering
from .choices import Channel, Event, ProviderKind, State
from .delivery import DeliveryResult, deliver_due, next_recovery_at, recover_stuck
from .models import OutboxMessage, ProviderConfig, WeChatFollower

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult

__all__ = [
    "Address",
    "DeliveryResult",
    "Outgoing",
    "bind_wechat",
    "deliver_due",
    "ensure_delivery_booked",
    "kick",
    "next_recovery_at",
    "queue",
    "queue_many",
    "recover_stuck",
    "resume_delivery",
    "retry_now",
]

#: Priority of the "deliver now" task: ahead of timers, so a receipt goes out within seconds.
KICK_PRIORITY = 10
_KEYS_PER_QUERY = 500


@dataclass(frozen=True)
class Address:
    """A recipient who is neither staff nor a resident on file (a contact's phone, a mailbox)."""

    channel: str
    to: str
    language: str | None = None


Recipient = User | Resident | Address


@dataclass
class Outgoing:
    """One business fact to tell some people about; ``key`` identifies the fact (with the
    event): queueing the same event and key for the same recipient again adds nothing."""

    event: str
    recipients: Sequence[Recipient | None]
    key: str
    ticket: Ticket | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    #: Only these channels (default: each recipient's own).
    channels: Collection[str] | None = None
    #: Overrides every recipient's language (else staff: LANGUAGE_CODE, residents: zh-hans).
    language: str | None = None
    url: str = ""
    #: False: no look-up of the messages already queued for this fact before writing — for
    #: a fact that cannot have been queued yet (the receipt of a ticket registered in this
    #: transaction) or when the caller needs no count of new messages. The unique key keeps
    #: one row per fact, recipient and channel all the same (the insert skips conflicts).
    look_up: bool = True


@dataclass(frozen=True)
class _Route:
    channel: str
    address: str
    ref: str
    language: str
    user_id: int | None = None
    resident_id: int | None = None


def _allowed(channels: Collection[str] | None, channel: str) -> bool:
    return channels is None or channel in channels


def _routes(
    recipient: Recipient | None,
    channels: Collection[str] | None,
    openids: Mapping[int, str] | None = None,
) -> list[_Route]:
    """Where one recipient is told: staff in the app and by email when they have one; a
    resident on the preferred channel among SMS, WeChat (when they bound their WeChat: the
    openid in ``openids``) and email, else by SMS when there is a phone, else by email; nobody
    for an anonymous request (no recipient)."""
    if recipient is None:
        return []
    if isinstance(recipient, Address):
        if not recipient.to or not _allowed(channels, recipient.channel):
            return []
        if Channel(recipient.channel) == Channel.IN_APP:  # unknown channels raise too
            raise ValueError("in-app messages go to staff users, not to an address")
        ref = hashlib.sha256(recipient.to.encode()).hexdigest()[:16]
        language = recipient.language or settings.LANGUAGE_CODE
        return [_Route(recipient.channel, recipient.to, f"addr:{ref}", language)]
    if isinstance(recipient, get_user_model()):
        if not recipient.is_active:
            return []
        ref, language = f"user:{recipient.pk}", settings.LANGUAGE_CODE
        routes = []
        if _allowed(channels, Channel.IN_APP):
            routes.append(_Route(Channel.IN_APP, "", ref, language, user_id=recipient.pk))
        if recipient.email and _allowed(channels, Channel.EMAIL):
            routes.append(
                _Route(Channel.EMAIL, recipient.email, ref, language, user_id=recipient.pk)
            )
        return routes
    if isinstance(recipient, Resident):
        if not recipient.accepts_messages:
            return []  # they asked us not to (on the portal, or to an agent)
        reachable = {
            Channel.SMS: recipient.phone,
            Channel.WECHAT: (openids or {}).get(recipient.pk, ""),
            Channel.EMAIL: recipient.email,
        }
        by_contact: dict[str, Channel] = {
            ContactChannel.SMS: Channel.SMS,
            ContactChannel.WECHAT: Channel.WECHAT,
            ContactChannel.EMAIL: Channel.EMAIL,
        }
        preferred = by_contact.get(recipient.preferred_contact)
        # Channels asked for by name come first (a reply recorded as sent by WeChat goes by
        # WeChat even to a resident who prefers SMS); then the resident's own choice.
        for channel in (*(channels or ()), preferred, Channel.SMS, Channel.EMAIL):
            if channel in reachable and reachable[channel] and _allowed(channels, channel):
                return [
                    _Route(
                        channel,
                        reachable[channel],
                        f"resident:{recipient.pk}",
                        "zh-hans",
                        resident_id=recipient.pk,
                    )
                ]
        return []
    raise TypeError(f"cannot notify a {type(recipient).__name__}")


#: What a project's staff group hears through its WeCom robot (SPEC §10).
ROBOT_EVENTS = frozenset({Event.URGENT_TICKET, Event.SLA_BREACHED, Event.ESCALATED})


def _openids(items: list[Outgoing]) -> dict[int, str]:
    """The bound WeChat of every resident among the recipients, in one query per 500."""
    ids = sorted({r.pk for item in items for r in item.recipients if isinstance(r, Resident)})
    found: dict[int, str] = {}
    for start in range(0, len(ids), _KEYS_PER_QUERY):
        found.update(
            WeChatFollower.objects.filter(
                resident_id__in=ids[start : start + _KEYS_PER_QUERY]
            ).values_list("resident_id", "openid")
        )
    return found


def _robot_projects(items: list[Outgoing]) -> set[int]:
    """The projects of these facts whose staff group has an active WeCom robot."""
    projects = {
        item.ticket.project_id
        for item in items
        if item.event in ROBOT_EVENTS
        and item.ticket is not None
        and _allowed(item.channels, Channel.WECOM)
    }
    if not projects:
        return set()
    return set(
        ProviderConfig.objects.filter(
            kind=ProviderKind.WECOM_ROBOT, is_active=True, project_id__in=projects
        ).values_list("project_id", flat=True)
    )


def _robot_routes(item: Outgoing) -> list[_Route]:
    if item.event not in ROBOT_EVENTS or item.ticket is None:
        return []
    if not _allowed(item.channels, Channel.WECOM):
        return []
    project = f"project:{item.ticket.project_id}"
    return [_Route(Channel.WECOM, project, project, settings.LANGUAGE_CODE)]


def _dedupe_key(event: str, key: str, ref: str, channel: str) -> str:
    value = f"{event}:{key}:{ref}:{channel}"
    if len(value) <= 255:
        return value
    return value[:190] + ":" + hashlib.sha256(value.encode()).hexdigest()


def _json_safe(context: Mapping[str, Any]) -> dict[str, Any]:
    safe: dict[str, Any] = json.loads(json.dumps(dict(context), cls=DjangoJSONEncoder))
    return safe


def _existing(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        found.update(
            OutboxMessage.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True)
        )
    return found


def queue_many(items: Iterable[Outgoing], *, now: datetime | None = None) -> int:
    """Write the outbox rows for many facts in the caller's transaction; returns how many new
    messages were queued (facts already queued for a recipient and channel are skipped; when
    another transaction queues the same fact at the same moment, or an item says
    ``look_up=False``, the unique key keeps one row and the count here may be too high).

    Subjects and bodies are rendered now, in each recipient's language. For many tickets,
    fetch them with ``select_related(*rendering.TICKET_RELATED)``.
    """
    at = core_clock.resolve(now)
    todo = list(items)
    openids = _openids(todo)
    robots = _robot_projects(todo)
    planned: list[tuple[Outgoing, _Route, str]] = []
    seen: set[str] = set()
    for item in todo:
        Event(item.event)  # an unknown event is a programming error
        routes = [
            route
            for recipient in item.recipients
            for route in _routes(recipient, item.channels, openids)
        ]
        if item.ticket is not None and item.ticket.project_id in robots:
            routes += _robot_routes(item)
        for route in routes:
            key = _dedupe_key(item.event, item.key, route.ref, route.channel)
            if key not in seen:
                seen.add(key)
                planned.append((item, route, key))
    if not planned:
        return 0
    existing = _existing([key for item, _, key in planned if item.look_up])
    contexts: dict[tuple[int, str], dict[str, Any]] = {}
    # One fact reads the same to every recipient of a language and channel: render it once.
    rendered: dict[tuple[int, str, str], tuple[dict[str, Any], str, str]] = {}
    rows = []
    for item, route, key in planned:
        if key in existing:
            continue
        language = rendering.language_of(
            item.language or item.context.get("language") or route.language
        )
        text_key = (id(item), route.channel, language)
        if text_key not in rendered:
            context = _context_for(item, language, contexts)
            subject, body = rendering.render(item.event, route.channel, language, context)
            rendered[text_key] = (_json_safe(context), subject, body)
        context, subject, body = rendered[text_key]
        rows.append(
            OutboxMessage(
                event=item.event,
                channel=route.channel,
                user_id=route.user_id,
                resident_id=route.resident_id,
                address=route.address,
                language=language,
                ticket=item.ticket,
                context=context,
                subject=subject,
                body=body,
                url=item.url or str(item.context.get("url", "")),
                state=State.PENDING,
                next_attempt_at=at,
                dedupe_key=key,
                created_at=at,
            )
        )
    if not rows:
        return 0
    # Two transactions may queue the same fact at once: the unique key keeps one of them.
    # With the other rows of the move being published, when there is one (tickets.lifecycle).
    book_rows(rows, ignore_conflicts=True)
    _kick_on_commit()
    return len(rows)


class _KickOnCommit:
    """One "deliver now" asked for by a transaction, run when it commits. When the same
    transaction asked before (a registration that escalates queues twice), this one does
    nothing if that one has run: each kick costs a query, and one is enough."""

    def __init__(self, earlier: _KickOnCommit | None) -> None:
        self.earlier = earlier
        self.ran = False

    def __call__(self) -> None:
        if self.earlier is None or not self.earlier.ran:
            kick()
        self.ran = True  # not when kick() failed: a later one tries again


def _kick_on_commit() -> None:
    connection = transaction.get_connection()
    earlier = None
    if connection.in_atomic_block:
        # A rolled-back transaction or savepoint takes its callbacks with it: a kick still
        # listed here runs with this one's commit, unless that is rolled back too.
        earlier = next(
            (
                entry[1]
                for entry in connection.run_on_commit
                if isinstance(entry[1], _KickOnCommit) and not entry[1].ran
            ),
            None,
        )
    transaction.on_commit(_KickOnCommit(earlier), robust=True)


def _context_for(
    item: Outgoing, language: str, cache: dict[tuple[int, str], dict[str, Any]]
) -> dict[str, Any]:
    with translation.override(language):
        base: dict[str, Any] = {}
        if item.ticket is not None:
            cache_key = (item.ticket.pk, language)
            if cache_key not in cache:
                cache[cache_key] = rendering.ticket_context(item.ticket)
            base = dict(cache[cache_key])
        context = {**base, **item.context}
        return {**rendering.labels(context), **context}


def queue(
    event: str,
    recipients: Sequence[Recipient | None],
    *,
    key: str,
    ticket: Ticket | None = None,
    context: Mapping[str, Any] | None = None,
    channels: Collection[str] | None = None,
    language: str | None = None,
    url: str = "",
    now: datetime | None = None,
) -> int:
    """Queue one fact for some recipients (see :class:`Outgoing`) in the caller's transaction."""
    item = Outgoing(
        event=event,
        recipients=recipients,
        key=key,
        ticket=ticket,
        context=context or {},
        channels=channels,
        language=language,
        url=url,
    )
    return queue_many([item], now=now)


def retry_now(ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Give failed (or waiting) messages another try at once; sent ones are left alone."""
    at = core_clock.resolve(now)
    count = OutboxMessage.objects.filter(
        pk__in=list(ids), state__in=[State.FAILED, State.PENDING]
    ).update(state=State.PENDING, next_attempt_at=at)
    if count:
        _kick_on_commit()
    return count


# --- booking the delivery task -----------------------------------------------------------


def poll_interval() -> timedelta:
    return timedelta(seconds=getattr(settings, "NOTIFY_POLL_SECONDS", 60))


def _waiting_deliveries() -> QuerySet[DBTaskResult]:
    from django_tasks_db.models import DBTaskResult

    from .tasks import deliver_outbox

    return DBTaskResult.objects.filter(task_path=deliver_outbox.module_path, status="READY")


def kick() -> None:
    """Ask for a delivery run now, unless one is already waiting to run now."""
    from django_tasks_db.models import get_date_max

    from .tasks import deliver_outbox

    if not _waiting_deliveries().filter(run_after=get_date_max()).exists():
        deliver_outbox.using(priority=KICK_PRIORITY).enqueue()


def ensure_delivery_booked(*, now: datetime | None = None, by: datetime | None = None) -> None:
    """Keep a delivery run booked within the poll interval (retries, anything a kick missed),
    and one by ``by`` when that is sooner (when a stopped worker's messages fall free).
    Call it when a worker starts; every delivery run calls it again when it ends."""
    from django_tasks_db.models import get_date_max

    from .tasks import deliver_outbox

    at = core_clock.resolve(now)
    due = at + poll_interval()
    if by is not None and by < due:
        due = by
    timed = _waiting_deliveries().exclude(run_after=get_date_max())
    if not timed.filter(run_after__lte=due).exists():
        deliver_outbox.using(run_after=due).enqueue()


def resume_delivery(*, now: datetime | None = None) -> None:
    """What a starting worker does for the outbox: a delivery run at once when messages are
    due, and the usual booking, by the moment the earliest lease of a message being sent runs
    out when that is sooner.

    A worker killed in the middle of a run leaves the rest of the outbox to the next booked run,
    up to the poll interval away, and its own claimed messages to whichever run comes after
    their lease: the worker started in its place sends what is due now and books the recovery
    for the lease's end."""
    at = core_clock.resolve(now)
    if OutboxMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=at).exists():
        kick()
    ensure_delivery_booked(now=at, by=next_recovery_at(now=at))


# --- residents' WeChat -------------------------------------------------------------------


def bind_wechat(resident: Resident, openid: str, *, now: datetime | None = None) -> None:
    """WeChat messages to ``resident`` go to ``openid`` (of the company's Official Account)
    from now on; the resident portal calls this once the resident has proved their phone. A
    WeChat bound before is replaced."""
    if not openid:
        raise ValueError("an openid is needed to bind WeChat")
    WeChatFollower.objects.update_or_create(
        resident=resident,
        defaults={"openid": openid, "bound_at": core_clock.resolve(now)},
    )


# --- the in-app list -----------------------------------------------------------------------
