"""Tables whose rows are written once and never changed (SPEC §4, §11): a ticket's events and
the audit log. The models refuse updates and deletes in the ORM; these triggers make the
database itself refuse them, whatever the client (raw SQL, a shell, another program).

One trigger per table and statement on each vendor, added by the apps' migrations through
:func:`install` / :func:`uninstall` (``RunPython``, reversible):

- PostgreSQL: ``BEFORE UPDATE OR DELETE … FOR EACH ROW`` calling ``propdesk_refuse_change()``,
  which raises SQLSTATE 23001 (restrict_violation): Django reports it as ``IntegrityError``.
- SQLite: ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers that ``RAISE(ABORT, …)``, also an
  ``IntegrityError``.

What is deliberately *not* refused, and why:

- Emptying a whole table. PostgreSQL's ``TRUNCATE`` fires no row trigger (no statement-level
  TRUNCATE trigger is added); SQLite has no TRUNCATE, so Django's ``flush`` (run by the test
  suite after every transactional test, and by ``propdesk flush``) issues ``DELETE FROM``: the
  SQLite backend of this project (``propdesk.core.db.sqlite3``) drops the delete trigger, empties
  the table and creates the trigger again in the same transaction — SQLite's TRUNCATE. Wiping
  every row of every table is not a way to rewrite history quietly, and whoever may run it
  (the database's owner) may drop a trigger anyway.
- Nothing in the application deletes events or audit rows: tickets and users are referenced
  with ``on_delete=PROTECT``, so no ORM cascade reaches these tables; closing, archiving and
  anonymising never delete (SPEC §11).
- A benchmark that removes its own synthetic tickets lifts the guard explicitly for its
  transaction (:func:`lifted`, :func:`lifted_sql`), as the database owner — an act as
  visible as dropping the trigger.

SQLite drops a table's triggers with the table, which Django does when it rebuilds a table for
a schema change; ``propdesk.core.db.sqlite3`` copies them onto the rebuilt table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The append-only tables.
TABLES = ("tickets_ticketevent", "core_auditlog")

PG_FUNCTION = "propdesk_refuse_change"


def _message(table: str, statement: str) -> str:
    return f"{table} is append-only: {statement} refused"


def trigger_name(table: str, statement: str) -> str:
    """The trigger refusing ``statement`` (``update`` or ``delete``) on ``table`` (SQLite; on
    PostgreSQL one trigger ``<table>_append_only`` refuses both)."""
    return f"{table}_refuse_{statement}"


def sqlite_trigger_sql(table: str, statement: str) -> str:
    return (
        f'CREATE TRIGGER "{trigger_name(table, statement)}" BEFORE {statement.upper()} '
        f"ON \"{table}\" BEGIN SELECT RAISE(ABORT, '{_message(table, statement.upper())}'); END"
    )


PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$"""


def pg_trigger_sql(table: str) -> str:
    return (
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
    )


def install(table: str):
    """A ``RunPython`` function adding the triggers of ``table`` on this vendor."""

    def forward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(PG_FUNCTION_SQL, None)  # no parameters: "%" is literal
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
            schema_editor.execute(pg_trigger_sql(table))
        elif vendor == "sqlite":
            for statement in ("update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger_name(table, statement)}"')
                schema_editor.execute(sqlite_trigger_sql(table, statement))
        else:  # pragma: no cover - PropDesk runs on PostgreSQL and SQLite only
            raise NotImplementedError(f"no append-only trigger for {vendor}")

    return forward


def uninstall(table: str):
    """The reverse of :func:`install` (the PostgreSQL function stays: other tables use it)."""

    def backward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
        elif vendor == "sqlite":
            for statement in ("update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{trigger_name(table, statement)}"')

    return backward


def installed(connection: Any, table: str) -> bool:
    """Whether ``table`` refuses updates and deletes on this connection's database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass"
                " AND tgname = %s AND tgenabled <> 'D'",
                [table, f"{table}_append_only"],
            )
            return cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
            " AND name IN (%s, %s)",
            [table, trigger_name(table, "update"), trigger_name(table, "delete")],
        )
        return cursor.fetchone()[0] == 2


@contextmanager
def lifted(connection: Any, table: str) -> Iterator[None]:
    """Inside the caller's transaction (``transaction.atomic``): rows of ``table`` may be
    deleted until the block ends (the benchmarks removing their synthetic tickets)."""
    if not connection.in_atomic_block:
        raise RuntimeError("lift the append-only guard only inside a transaction")
    if connection.vendor == "postgresql":
        lift, restore = lifted_sql(table)
        # ALTER TABLE waits for no deferred foreign-key check of rows written earlier in
        # this transaction: run them now.
        connection.check_constraints()
    else:
        lift = 'DROP TRIGGER "{}"'.format(trigger_name(table, "delete"))
        restore = sqlite_trigger_sql(table, "delete")
    with connection.cursor() as cursor:
        cursor.execute(lift)
    yield
    with connection.cursor() as cursor:
        cursor.execute(restore)


def lifted_sql(table: str) -> tuple[str, str]:
    """PostgreSQL statements lifting the guard of ``table`` and putting it back, for a
    transaction that must remove rows it made itself (the benchmarks' synthetic tickets).
    ``ALTER TABLE`` holds the table's exclusive lock until commit: no other session ever
    writes to it unguarded."""
    return (
        f'ALTER TABLE "{table}" DISABLE TRIGGER "{table}_append_only"',
        f'ALTER TABLE "{table}" ENABLE TRIGGER "{table}_append_only"',
    )
