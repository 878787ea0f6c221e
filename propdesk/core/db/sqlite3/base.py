"""Django's SQLite backend with two changes for the append-only tables (core.append_only).

- ``flush`` empties a table with ``DELETE FROM`` (SQLite has no TRUNCATE), which the delete
  trigger refuses. For each append-only table being emptied, the flush drops that trigger,
  deletes and creates the trigger again, in the one transaction Django runs the flush in: the
  equivalent of PostgreSQL's TRUNCATE, which row triggers do not see either. Any other DELETE
  is still refused.
- SQLite drops a table's triggers when the table is dropped, and Django rebuilds a table
  (create a copy, copy the rows, drop, rename) for most schema changes: the rebuilt table gets
  the old one's triggers back, so a later migration of these models cannot lift the guard.
"""

from __future__ import annotations

from django.db.backends.sqlite3 import base, operations, schema

from propdesk.core import append_only


def _triggers(connection, table: str, names: tuple[str, ...] | None = None) -> list[str]:
    """The CREATE statements of ``table``'s triggers (those named, if given) as they are."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
            " AND sql IS NOT NULL ORDER BY name",
            [table],
        )
        return [sql for name, sql in cursor.fetchall() if names is None or name in names]


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        before, after = [], []
        for table in append_only.TABLES:
            name = append_only.trigger_name(table, "delete")
            for sql in _triggers(self.connection, table, (name,)):
                before.append(f'DROP TRIGGER "{name}";')
                after.append(sql + ";")
        return before + statements + after


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _remake_table(self, model, create_field=None, delete_field=None, alter_fields=None):
        kept = _triggers(self.connection, model._meta.db_table)
        super()._remake_table(
            model, create_field=create_field, delete_field=delete_field, alter_fields=alter_fields
        )
        for sql in kept:
            self.execute(sql)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    SchemaEditorClass = DatabaseSchemaEditor
