"""What each database searches (models.py): on PostgreSQL a stored ``to_tsvector('simple',
text)`` column with a GIN index per index table; on SQLite an FTS5 table per index table, its
rowid the row's key. Each database runs only its own half, so both migrate from the same file."""

from django.db import migrations

#: (index table, its key column, the SQLite FTS5 table).
TABLES = [
    ("search_tickettext", "ticket_id", "search_ticket_fts"),
    ("search_casetext", "case_id", "search_case_fts"),
    ("search_residenttext", "resident_id", "search_resident_fts"),
]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    for table, _key, fts in TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN words tsvector "
                f"GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED"
            )
            schema_editor.execute(f"CREATE INDEX {table}_words ON {table} USING gin (words)")
        elif connection.vendor == "sqlite":
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5(text, tokenize='unicode61')"
            )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    for table, _key, fts in TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN words")
        elif connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
