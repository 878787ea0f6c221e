"""Ticket events and the audit log refuse UPDATE and DELETE in the database itself (issue 16
item 9): raw SQL, past the ORM, is refused on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from propdesk.core import append_only
from propdesk.core.audit import audit
from propdesk.core.models import AuditAction, AuditLog
from propdesk.tickets.models import TicketEvent
from propdesk.tickets.tests.helpers import ticket_in

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rows(table: str) -> list[tuple]:
    model = {"tickets_ticketevent": TicketEvent, "core_auditlog": AuditLog}[table]
    return list(model.objects.order_by("pk").values_list())


@pytest.fixture
def history(world, now):
    ticket = ticket_in(world, now, "dispatched")
    audit(world.agent, AuditAction.PHONE_REVEAL, object_type="ticket", object_id=ticket.pk)
    return ticket


@pytest.mark.parametrize("table", append_only.TABLES)
def test_the_triggers_are_installed_by_the_migrations(table):
    assert append_only.installed(connection, table)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE tickets_ticketevent SET note = %s WHERE ticket_id = %s",
        "UPDATE core_auditlog SET object_id = %s WHERE object_id = CAST(%s AS VARCHAR(64))",
    ],
    ids=["events", "audit-log"],
)
def test_raw_sql_cannot_update_history(history, sql):
    table = sql.split()[1]
    before = _rows(table)

    with pytest.raises(IntegrityError, match="append-only"):
        _raw(sql, ["改写历史", history.pk])

    assert _rows(table) == before


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM tickets_ticketevent WHERE ticket_id = %s",
        "DELETE FROM tickets_ticketevent WHERE id > %s",
        "DELETE FROM core_auditlog WHERE object_id = CAST(%s AS VARCHAR(64))",
        "DELETE FROM core_auditlog WHERE id > -%s",
    ],
    ids=["event", "every-event", "audit-row", "every-audit-row"],
)
def test_raw_sql_cannot_delete_history(history, sql):
    table = sql.split()[2]
    before = _rows(table)
    assert before

    with pytest.raises(IntegrityError, match="append-only"):
        _raw(sql, [history.pk])

    assert _rows(table) == before


def test_history_can_still_be_written(history, world, now):
    """Appending is what these tables are for: the guard refuses only changes."""
    count = TicketEvent.objects.filter(ticket=history).count()

    ticket_in(world, now, "accepted")
    audit(world.agent, AuditAction.EXPORT, object_type="record", object_id="x")

    assert TicketEvent.objects.filter(ticket=history).count() == count
    assert AuditLog.objects.filter(object_id="x").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emptying_the_whole_database_keeps_the_guard(world, now):
    """The test suite's flush (TRUNCATE on PostgreSQL, DELETE FROM on SQLite) may empty the
    tables; the triggers are still there afterwards and refuse the next change."""
    ticket_in(world, now, "accepted")
    audit(world.agent, AuditAction.LOGIN)

    call_command("flush", interactive=False, verbosity=0)

    assert not TicketEvent.objects.exists() and not AuditLog.objects.exists()
    for table in append_only.TABLES:
        assert append_only.installed(connection, table)
    audit(None, AuditAction.LOGIN_FAILED, detail={"username": "x"})
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM core_auditlog WHERE id > %s", [0])
    assert AuditLog.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rebuilt_sqlite_table_keeps_its_triggers(world, now):
    """SQLite rebuilds a table for most schema changes and drops its triggers with the old
    one: the project's backend puts them back (PostgreSQL alters tables in place)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite rebuilds tables; PostgreSQL keeps triggers through ALTER TABLE")
    ticket = ticket_in(world, now, "accepted")

    with connection.schema_editor() as editor:
        editor._remake_table(TicketEvent)

    assert append_only.installed(connection, "tickets_ticketevent")
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("UPDATE tickets_ticketevent SET note = %s WHERE ticket_id = %s", ["x", ticket.pk])


def test_a_benchmark_may_remove_its_own_rows_only_with_the_guard_lifted_in_its_transaction(
    history,
):
    with transaction.atomic():
        with append_only.lifted(connection, "tickets_ticketevent"):
            TicketEvent.objects.filter(ticket=history)._raw_delete(connection.alias)
        assert not TicketEvent.objects.filter(ticket=history).exists()
        transaction.set_rollback(True)

    assert append_only.installed(connection, "tickets_ticketevent")
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM tickets_ticketevent WHERE ticket_id = %s", [history.pk])
