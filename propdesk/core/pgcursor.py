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

import psycopg

#: INSERT …, or UPDATE "table" SET … WHERE "table"."id" = %s (a save() of one row).
PREPARED = re.compile(r'^\s*(?:INSERT\b|UPDATE "\w+" SET .* WHERE "\w+"\."id" = %s\s*$)', re.S)


def worth_preparing(query: object) -> bool:
    return isinstance(query, str) and PREPARED.match(query) is not None


class PreparedWritesCursor(psycopg.Cursor):
    """Server-side binding; statements prepared only when :func:`worth_preparing`."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None and not worth_preparing(query):
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)
