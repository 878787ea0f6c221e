"""Where benchmarks/generate.py writes: the database it builds (PostgreSQL or SQLite), a bulk
writer per backend (COPY on PostgreSQL, executemany on SQLite), and the progress table that
makes the generator restartable."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_database(url: str, *, fresh: bool) -> None:
    """Point Django at ``url`` (dropped and created first when ``fresh``), then migrate."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("postgresql"):
        import psycopg

        with psycopg.connect(
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            user=config["USER"] or "postgres",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
            ).fetchone()
            if fresh and exists:
                conn.execute(f'DROP DATABASE "{config["NAME"]}" WITH (FORCE)')
            if fresh or not exists:
                conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
    elif fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(str(config["NAME"]) + suffix).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _plain(value):
    """A model default as the value a row carries (enums by value, JSON as text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


class Table:
    """The rows of one model: the columns the generator fills, then every other NOT NULL
    column with the model's default, so a field added later with a default needs no change
    here."""

    def __init__(self, model, columns: Sequence[str]):
        self.model = model
        self.table = model._meta.db_table
        given = set(columns)
        tail, values = [], []
        for field in model._meta.concrete_fields:
            if field.column in given or field.null:
                continue
            if field.primary_key:
                raise ValueError(f"{self.table}: the generator must give the primary key")
            default = field.get_default()
            if default is None:
                raise ValueError(f"{self.table}.{field.column} is NOT NULL without a default")
            tail.append(field.column)
            values.append(_plain(default))
        self.columns = [*columns, *tail]
        self.tail = tuple(values)


class Sink:
    """Bulk writes through Django's connection, inside the caller's transaction."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.written: dict[str, int] = {}

    def write(self, table: Table, rows: Iterable[tuple]) -> int:
        tail = table.tail
        count = 0
        self.connection.ensure_connection()
        if self.postgres:
            columns = ", ".join(table.columns)
            with (
                self.connection.connection.cursor() as cursor,
                cursor.copy(f"COPY {table.table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row + tail)
                    count += 1
        else:
            marks = ", ".join("?" * len(table.columns))
            sql = f"INSERT INTO {table.table} ({', '.join(table.columns)}) VALUES ({marks})"
            batch = [tuple(map(_sqlite, row + tail)) for row in rows]
            self.connection.connection.executemany(sql, batch)
            count = len(batch)
        self.written[table.table] = self.written.get(table.table, 0) + count
        return count

    def max_id(self, model) -> int:
        with self.connection.cursor() as c:
            c.execute(f"SELECT coalesce(max(id), 0) FROM {model._meta.db_table}")
            return c.fetchone()[0]

    def reset_sequences(self, models) -> None:
        """After rows with explicit ids: the next ``save()`` must not collide with them."""
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows the largest id inserted
        with self.connection.cursor() as c:
            for model in models:
                table = model._meta.db_table
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )


def _sqlite(value):
    """The value as Django stores it in SQLite: naive UTC times, UUIDs as 32 hex digits."""
    if isinstance(value, datetime):
        return str(value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


# --- progress -------------------------------------------------------------------------------

PROGRESS_TABLE = "bench_generate_progress"


def progress_done(params: dict) -> set[str]:
    """The steps already committed for these parameters; refuses other parameters."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {PROGRESS_TABLE} (step varchar(40) PRIMARY KEY,"
            " detail text NOT NULL)"
        )
        c.execute(f"SELECT step, detail FROM {PROGRESS_TABLE}")
        rows = dict(c.fetchall())
    wanted = json.dumps(params, sort_keys=True)
    if "params" in rows and rows["params"] != wanted:
        raise SystemExit(
            f"this database was generated with {rows['params']}; rerun with the same"
            " parameters to resume, or add --fresh to start again"
        )
    if "params" not in rows:
        mark_done("params", wanted)
    return set(rows) - {"params"}


def mark_done(step: str, detail: str = "") -> None:
    """Recorded in the step's own transaction, so a step is either all there or redone."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(f"INSERT INTO {PROGRESS_TABLE} (step, detail) VALUES (%s, %s)", [step, detail])


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def trust_rows() -> None:
    """Inside the batch's transaction on PostgreSQL: skip the foreign-key triggers, as
    pg_restore --disable-triggers does. The generator links every row to ids it has just
    written or read back, and each row per trigger costs more than the row itself."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SET LOCAL session_replication_role = replica")


def sqlite_fast() -> None:
    """SQLite: a bulk load may lose the last batch on a crash (it is redone on restart)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("PRAGMA synchronous = OFF")


__all__ = [
    "ROOT",
    "Sink",
    "Table",
    "analyze",
    "mark_done",
    "progress_done",
    "setup_database",
    "trust_rows",
]
