"""What a backup records of each table, computed the same way on PostgreSQL and SQLite.

A table's checksum is a SHA-256 over its rows in primary-key order (every column when a table
has no primary key), each row written as the JSON array (ASCII) of its column values cast to
text by the database — ``CAST(col AS TEXT)``, blobs as hex on SQLite — with ``null`` for NULL,
one line per row. The backup computes it inside the snapshot it dumps; the restore computes it
again on the restored database and compares.

Checksums compare like with like: PostgreSQL writes ``true`` where SQLite writes ``1``, so a
PostgreSQL backup is verified on PostgreSQL and an SQLite one on SQLite (the restore refuses
an archive of the other vendor). On PostgreSQL the session's output settings are fixed first
(time zone, date and interval style, float digits, bytea format) and text keys are ordered
byte-wise (``COLLATE "C"``), so another server's defaults or locale do not change the sum.

Rows are read through a streaming cursor (a server-side cursor on PostgreSQL) in batches:
a table of millions of rows never sits in memory. The functions take cursor factories, not a
Django connection, so the SQLite copy inside a backup, Django's connection and a test's own
connection are read by the same code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: How the manifest describes the row checksums (written into it).
ROW_CHECKSUM_METHOD = (
    "sha256 over the rows in primary-key order (every column without one); each row is the "
    "JSON array (ASCII) of its column values cast to text (NULL as null, SQLite blobs as "
    "'x'+hex) followed by a newline"
)

BATCH = 2000

#: PostgreSQL output settings that change how a value reads as text (set per transaction).
PG_OUTPUT_SETTINGS = (
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 1",
    "SET LOCAL bytea_output = 'hex'",
)

CursorFactory = Callable[[], Any]


@dataclass(frozen=True)
class TableStat:
    rows: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "sha256": self.sha256}


@dataclass(frozen=True)
class _Column:
    name: str
    collatable: bool = False


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fetchall(cursor_factory: CursorFactory, sql: str) -> list[tuple]:
    cursor = cursor_factory()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


_PG_TABLES = """
SELECT c.oid, c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY c.relname
"""

_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' "
    "ORDER BY name"
)


def list_tables(vendor: str, cursor_factory: CursorFactory) -> list[str]:
    """The tables a connection sees (PostgreSQL: those on its search path), by name."""
    if vendor == "postgresql":
        return [name for _, name in _fetchall(cursor_factory, _PG_TABLES)]
    return [name for (name,) in _fetchall(cursor_factory, _SQLITE_TABLES)]


_PG_COLUMNS = (
    "SELECT attname, attcollation FROM pg_catalog.pg_attribute "
    "WHERE attrelid = {oid} AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
)
_PG_KEY = (
    "SELECT a.attname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a "
    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
    "WHERE i.indrelid = {oid} AND i.indisprimary "
    "ORDER BY array_position(i.indkey::int2[], a.attnum)"
)


def _pg_layout(cursor_factory: CursorFactory, oid: int) -> tuple[list[_Column], list[_Column]]:
    rows = _fetchall(cursor_factory, _PG_COLUMNS.format(oid=int(oid)))
    columns = [_Column(name, collation != 0) for name, collation in rows]
    by_name = {c.name: c for c in columns}
    key = _fetchall(cursor_factory, _PG_KEY.format(oid=int(oid)))
    return columns, [by_name[name] for (name,) in key]


def _sqlite_layout(
    cursor_factory: CursorFactory, table: str
) -> tuple[list[_Column], list[_Column]]:
    info = _fetchall(cursor_factory, f"PRAGMA table_info({quote(table)})")
    columns = [_Column(row[1]) for row in info]
    keys = [_Column(row[1]) for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    return columns, keys


def _select_sql(vendor: str, table: str, columns: list[_Column], keys: list[_Column]) -> str:
    if vendor == "postgresql":
        values = [f"CAST({quote(c.name)} AS TEXT)" for c in columns]
    else:
        values = [
            f"CASE WHEN typeof({quote(c.name)}) = 'blob' THEN 'x' || hex({quote(c.name)}) "
            f"ELSE CAST({quote(c.name)} AS TEXT) END"
            for c in columns
        ]
    order = [
        f'{quote(c.name)} COLLATE "C"' if c.collatable else quote(c.name) for c in (keys or columns)
    ]
    # Identifiers come from the database's own catalogue, each quoted.
    return f"SELECT {', '.join(values)} FROM {quote(table)} ORDER BY {', '.join(order)}"  # noqa: S608


def _checksum(stream_factory: CursorFactory, sql: str) -> TableStat:
    digest = hashlib.sha256()
    rows = 0
    cursor = stream_factory()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            digest.update(
                "".join(
                    json.dumps(list(row), separators=(",", ":")) + "\n" for row in batch
                ).encode("ascii")
            )
            rows += len(batch)
    finally:
        cursor.close()
    return TableStat(rows, digest.hexdigest())


def table_stats(
    vendor: str,
    cursor_factory: CursorFactory,
    stream_factory: CursorFactory | None = None,
) -> dict[str, TableStat]:
    """Row count and checksum of every table, by name.

    ``cursor_factory`` gives an ordinary cursor, ``stream_factory`` one that streams a large
    result (Django's ``connection.chunked_cursor``; defaults to ``cursor_factory``). On
    PostgreSQL the caller holds a transaction open: the output settings are ``SET LOCAL``.
    """
    stream_factory = stream_factory or cursor_factory
    stats: dict[str, TableStat] = {}
    if vendor == "postgresql":
        cursor = cursor_factory()
        try:
            for statement in PG_OUTPUT_SETTINGS:
                cursor.execute(statement)
        finally:
            cursor.close()
        for oid, table in _fetchall(cursor_factory, _PG_TABLES):
            columns, keys = _pg_layout(cursor_factory, oid)
            stats[table] = _checksum(stream_factory, _select_sql(vendor, table, columns, keys))
    else:
        for table in list_tables(vendor, cursor_factory):
            columns, keys = _sqlite_layout(cursor_factory, table)
            stats[table] = _checksum(stream_factory, _select_sql(vendor, table, columns, keys))
    return stats


def latest_migrations(vendor: str, cursor_factory: CursorFactory) -> dict[str, str]:
    """The last migration applied of each app, from ``django_migrations`` (empty without it)."""
    if "django_migrations" not in list_tables(vendor, cursor_factory):
        return {}
    latest: dict[str, str] = {}
    for app, name in _fetchall(
        cursor_factory, "SELECT app, name FROM django_migrations ORDER BY applied, id"
    ):
        latest[app] = name
    return latest
