"""Shortcuts for tests: register a ticket and walk it to a given state through the services;
and what the service tests share: the events a move wrote, a refusal that changed nothing, a
ticket in every state, real threads for PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count, Max

from propdesk.callbacks import services as callback_services
from propdesk.core.errors import DomainError
from propdesk.org.choices import Role, ScopeLevel
from propdesk.org.models import Company, Project, Region, User
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import (
    Category,
    Ticket,
    TicketEvent,
    TicketNumberSequence,
    WorkOrder,
)


def register(world, now: datetime, **overrides) -> Ticket:
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "3栋2单元电梯停在12楼不动,按钮没反应",
        "resident_id": world.resident.pk,
        "expectation": "尽快修好,今天之内给答复",
    }
    data.update(overrides)
    ticket, _ = services.register_ticket(world.agent, services.NewTicket(**data), now=now)
    return ticket


def walk(world, now: datetime, to: str, **overrides) -> Ticket:
    """A ticket brought to state ``to`` by the normal moves, one minute apart."""
    t = register(world, now, **overrides)
    step = iter(now + timedelta(minutes=i) for i in range(1, 100))
    if to == "registered":
        return t
    services.accept(world.agent, t, now=next(step))
    if to == "accepted":
        return _fresh(t)
    services.dispatch(
        world.supervisor,
        t,
        department="SZHY-ENG",
        deadline=now + timedelta(hours=4),
        now=next(step),
    )
    if to == "dispatched":
        return _fresh(t)
    if to == "suspended":
        services.suspend(world.supervisor, t, reason="等配件", now=next(step))
        return _fresh(t)
    services.start(world.handler, t, work_order=1, now=next(step))
    if to == "in_progress":
        return _fresh(t)
    services.resolve(world.handler, t, result="更换了主板,电梯恢复运行", now=next(step))
    if to == "resolved":
        return _fresh(t)
    if to == "reopened":
        callback_services.record_callback(
            world.agent, t, satisfaction="dissatisfied", now=next(step)
        )
        return _fresh(t)
    callback_services.record_callback(world.agent, t, satisfaction="satisfied", now=next(step))
    if to == "callback_done":
        return _fresh(t)
    services.close(world.agent, t, reason="satisfied", now=next(step))
    if to == "closed":
        return _fresh(t)
    raise ValueError(to)


def dispatch_security(world, ticket, at):
    """A second department (security) sent to ``ticket`` by the supervisor at ``at``."""
    return services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-SEC",
        deadline=at + timedelta(hours=2),
        now=at,
    )


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


# --- service-test helpers: fast users, fresh reads, event bookkeeping, refusals ------------


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """MD5 for test users: with the default PBKDF2 building ``world`` takes seconds.

    Import it into a test module (``from .helpers import fast_passwords  # noqa: F401``) to
    make it apply there.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fresh(ticket: Ticket) -> Ticket:
    """The ticket as it is now in the database."""
    return _fresh(ticket)


def ticket_in(world, now: datetime, status: str, **overrides) -> Ticket:
    """A ticket in ``status``, any of them, brought there by the normal moves."""
    if status == "merged":
        survivor = register(world, now, **overrides)
        t = register(world, now, **overrides)
        services.merge(world.supervisor, t, into=survivor.number, now=now + timedelta(minutes=1))
        return _fresh(t)
    if status == "cancelled":
        t = register(world, now, **overrides)
        services.cancel(world.agent, t, reason="住户撤回", now=now + timedelta(minutes=1))
        return _fresh(t)
    return walk(world, now, status, **overrides)


SLA_EVENT_KINDS = (
    EventKind.SLA_WARNING,
    EventKind.SLA_BREACHED,
    EventKind.GRADE_CHANGED,
    EventKind.ESCALATED,
    EventKind.DEESCALATED,
)


def event_mark() -> int:
    """The id of the newest event: what :func:`events_since` counts from."""
    return TicketEvent.objects.aggregate(m=Max("pk"))["m"] or 0


def events_since(mark: int, ticket: Ticket | None = None) -> list[TicketEvent]:
    # The clocks' and grades' own events (warnings, breaches, grade changes, escalations) are
    # consequences written by the system, not the move's event; the SLA tests check them.
    qs = TicketEvent.objects.filter(pk__gt=mark).exclude(
        kind__in=SLA_EVENT_KINDS, actor__isnull=True
    )
    if ticket is not None:
        qs = qs.filter(ticket=ticket)
    return list(qs.order_by("pk"))


def assert_one_event(
    mark: int,
    ticket: Ticket,
    *,
    kind: str,
    actor,
    at: datetime,
    from_status: str = "",
    to_status: str = "",
) -> TicketEvent:
    """Exactly one event was written since ``mark``, on ``ticket``, and it says this."""
    events = events_since(mark)
    assert [(e.ticket_id, e.kind) for e in events] == [(ticket.pk, kind)]
    event = events[0]
    assert (event.from_status, event.to_status) == (from_status, to_status)
    assert event.actor_id == actor.pk
    assert event.at == at
    return event


def snapshot(*tickets: Ticket) -> dict:
    """Everything a user could see change: the tickets' rows, their work orders, how many notes,
    replies, attachments, fee lines and callbacks they have, and how many tickets and numbers
    exist at all (events are checked by :func:`events_since`). Four queries."""
    state: dict = {
        "tickets": Ticket.objects.count(),
        "sequences": list(
            TicketNumberSequence.objects.order_by("pk").values_list("project_id", "day", "last")
        ),
    }
    if tickets:
        pks = [t.pk for t in tickets]
        state["rows"] = list(
            Ticket.objects.filter(pk__in=pks)
            .order_by("pk")
            .annotate(
                n_fee_items=Count("work_orders__fee_items", distinct=True),
                n_notes=Count("progress_notes", distinct=True),
                n_replies=Count("replies", distinct=True),
                n_attachments=Count("attachments", distinct=True),
                n_callbacks=Count("callbacks", distinct=True),
            )
            .values()
        )
        state["work_orders"] = list(
            WorkOrder.objects.filter(ticket__in=pks).order_by("ticket", "sequence").values()
        )
    return state


def refused(error: type[Exception], call, *tickets: Ticket, field: str | None = None):
    """``call()`` raises exactly ``error`` (naming ``field``), writes no event, changes nothing."""
    before = snapshot(*tickets)
    mark = event_mark()
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    if field is not None:
        assert info.value.field == field
    assert events_since(mark) == []
    assert snapshot(*tickets) == before
    return info.value


def attempt(call, *tickets, actor) -> str:
    """Try ``call()`` and undo it: ``"ok"`` or the name of the error it raised.

    It runs in a savepoint that is always rolled back, so one ticket serves many attempts. A
    refusal is checked inside the savepoint, before the rollback: it must raise a DomainError,
    write no event and change nothing. A move that goes through must write its event, by
    ``actor``.
    """
    before = snapshot(*tickets)
    mark = event_mark()
    with transaction.atomic():
        try:
            call()
        except DomainError as error:
            assert events_since(mark) == [], f"{type(error).__name__} after writing events"
            assert snapshot(*tickets) == before, f"{type(error).__name__} after changes"
            outcome = type(error).__name__
        else:
            made = events_since(mark)
            assert made, "a move that goes through writes its event"
            assert {e.actor_id for e in made} == {actor.pk}
            outcome = "ok"
        transaction.set_rollback(True)
    return outcome


def every_state(world, now: datetime, **overrides):
    """Tickets in every state of SPEC §4, fresh at each stop: one walked through its whole life
    (registered … closed), then a merged and a cancelled one. Moves are made by the
    administrator, a minute apart."""
    admin = world.admin
    step = iter(now + timedelta(minutes=i) for i in range(1, 100))
    t = register(world, now, **overrides)
    yield _fresh(t)
    services.accept(admin, t, now=next(step))
    yield _fresh(t)
    deadline = now + timedelta(hours=4)
    services.dispatch(admin, t, department="SZHY-ENG", deadline=deadline, now=next(step))
    yield _fresh(t)
    services.start(admin, t, work_order=1, now=next(step))
    yield _fresh(t)
    services.suspend(admin, t, reason="等配件", now=next(step))
    yield _fresh(t)
    services.resume(admin, t, now=next(step))
    services.resolve(admin, t, result="更换了主板", now=next(step))
    yield _fresh(t)
    callback_services.record_callback(admin, t, satisfaction="dissatisfied", now=next(step))
    yield _fresh(t)
    services.dispatch(admin, t, department="SZHY-ENG", deadline=deadline, now=next(step))
    services.resolve(admin, t, result="再次维修", now=next(step))
    callback_services.record_callback(admin, t, satisfaction="satisfied", now=next(step))
    yield _fresh(t)
    services.close(admin, t, reason="satisfied", now=next(step))
    yield _fresh(t)
    yield ticket_in(world, now, "merged", **overrides)
    yield ticket_in(world, now, "cancelled", **overrides)


# --- transactional tests (PostgreSQL): a few rows and real threads --------------------------


def small_world():
    """The few rows a transactional test needs (the shared ``world`` runs in one transaction)."""
    company = Company.objects.create(code="HY", name="华宇物业")
    region = Region.objects.create(company=company, code="SZ", name="深圳地区公司")
    project = Project.objects.create(region=region, company=company, code="SZHY", name="华苑")
    agent = User.objects.create(
        username="agent", role=Role.AGENT, company=company, scope_level=ScopeLevel.COMPANY
    )
    assert Category.objects.filter(code="FAC-ELEV").exists()
    agent.project_ids  # noqa: B018 - computed once, before threads share the user
    return project, agent


def run_in_threads(count: int, target) -> list[BaseException]:
    """Run ``target(i)`` in ``count`` threads started together, each on its own connection."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            target(i)
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
