"""Row locks on PostgreSQL: a move locks its own ticket, and nothing else of the project."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, transaction

from propdesk.tickets import services
from propdesk.tickets.choices import Status

from .helpers import fast_passwords, fresh, small_world  # noqa: F401
from .scenarios import new_ticket_data


def hold_a_move_open(agent, ticket, now):
    """Start a move on ``ticket`` in another thread and keep its transaction open."""
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def body() -> None:
        try:
            with transaction.atomic():
                services.add_progress_note(agent, ticket, text="正在联系住户", now=now)
                locked.set()
                release.wait(timeout=30)
        except BaseException as error:  # reported to the test
            errors.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    assert locked.wait(timeout=30)
    return thread, release, errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_move_under_way_holds_up_neither_other_tickets_nor_new_ones_of_the_project(now):
    _project, agent = small_world()
    busy, _ = services.register_ticket(agent, new_ticket_data(), now=now)
    other, _ = services.register_ticket(agent, new_ticket_data(), now=now)
    later = now + timedelta(minutes=5)

    thread, release, errors = hold_a_move_open(agent, busy, later)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            services.accept(agent, other, now=later)
            newcomer, _ = services.register_ticket(agent, new_ticket_data(), now=later)
    finally:
        release.set()
        thread.join(timeout=30)

    assert errors == []
    assert fresh(other).status == Status.ACCEPTED
    assert newcomer.number == "SZHY-20260909-0003"
    assert fresh(busy).progress_notes.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_move_on_the_same_ticket_waits_for_the_first(now):
    _project, agent = small_world()
    ticket, _ = services.register_ticket(agent, new_ticket_data(), now=now)
    later = now + timedelta(minutes=5)

    thread, release, errors = hold_a_move_open(agent, ticket, later)
    try:
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            services.accept(agent, ticket, now=later)
    finally:
        release.set()
        thread.join(timeout=30)

    assert errors == []
    services.accept(agent, ticket, now=later)
    assert fresh(ticket).status == Status.ACCEPTED
