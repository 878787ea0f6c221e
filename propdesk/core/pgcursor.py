"""Which statements PostgreSQL keeps prepared (``PG_PREPARE_THRESHOLD``).

A prepared statement is planned once for any parameters after a few runs (a generic plan).
For an INSERT, or an UPDATE of one row by its id, that plan is the only one there is, and
skipping the planning is pure gain: registration writes about a dozen such rows. A SELECT
may filter on a state or a status a partial index is built for (running clocks, open
tickets); a generic plan cannot know the parameter is that literal and scans instead — the
breached queue went from 0.1 to 0.9 s at a million tickets. So only writes are prepared.
"""

from __future__ import annotations

import re
from functools import lru_cache

import psycopg
from psycopg import _queries

#: INSERT …, or UPDATE "table" SET … WHERE "table"."id" = %s (a save() of one row).
PREPARED = re.compile(r'^\s*(?:INSERT\b|UPDATE "\w+" SET .* WHERE "\w+"\."id" = %s\s*$)', re.S)


def worth_preparing(query: object) -> bool:
    return isinstance(query, str) and PREPARED.match(query) is not None


#: Statements core.rows writes with: each is converted once (below).
_kept: set[str] = set()


def keep_converted(query: str) -> None:  # pragma: no cover - PostgreSQL only
    """Convert ``query`` from ``%s`` to PostgreSQL's ``$1`` once, not on every execution.

    psycopg caches that conversion only for statements of at most 50 parameters and 4 kB (a
    guard against ORMs' INSERTs of varying row counts filling its cache): every longer one is
    split character by character each time — 1.2 ms of a registration's worker CPU for the
    ticket's 68 columns and its clocks' rows. The statements core.rows builds are few and
    kept by it; theirs are kept here, in a bounded cache."""
    if len(_kept) >= 256:  # as bounded as the cache of conversions below
        _kept.clear()
    _kept.add(query)


_convert_kept = lru_cache(maxsize=256)(_queries._query2pg_nocache)


class _KeptQuery(_queries.PostgresQuery):  # pragma: no cover - PostgreSQL only
    def convert(self, query, vars):
        if vars is not None and isinstance(query, str) and query in _kept:
            self.query, self._want_formats, self._order, self._parts = _convert_kept(
                query.encode(self._tx.encoding), self._tx.encoding
            )
            self.dump(vars)
        else:
            super().convert(query, vars)


class PreparedWritesCursor(psycopg.Cursor):
    """Server-side binding; statements prepared only when :func:`worth_preparing`; the
    statements of :func:`keep_converted` converted once."""

    _query_cls = _KeptQuery

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None and not worth_preparing(query):
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)
