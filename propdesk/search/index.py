"""The three word indexes and what each database does with them (models.py, migration 0002):
match a query's words, rank the matched rows, and write rows so that the database's own index
follows.

A query is the words of what the user typed (segment.words in search mode), every one of them
required: PostgreSQL ``words @@ plainto_tsquery('simple', 'w1 w2')``, SQLite FTS5
``"w1" "w2"`` (each word a quoted phrase: a word the tokenizer cuts again, such as 3.5, must
still be found whole, and a quote typed by the user stays text). Ranks: PostgreSQL
``ts_rank``; SQLite BM25's term-frequency part computed here (see ``_ranks_by_counting``).

Table and column names in the SQL below are this module's own constants (``TICKETS`` …), never
input; every value is a parameter (hence the S608 exemptions).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import Expression, F

from .models import CaseText, ResidentText, TicketText


@dataclass(frozen=True)
class Index:
    model: type[models.Model]
    #: The key column (the described row's id) and the other columns written with ``text``.
    key: str
    columns: tuple[str, ...]
    fts: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def matches(self, words: Sequence[str]) -> WordsMatch:
        """A condition on this index's rows: every one of ``words`` is in the row's text."""
        if connection.vendor == "postgresql":
            return WordsMatch(
                "text",
                "{table}\"words\" @@ plainto_tsquery('simple', %s)",
                [" ".join(words)],
            )
        return WordsMatch(
            self.key,
            f"{{column}} IN (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH %s)",  # noqa: S608
            [fts_query(words)],
        )

    def ranks(self, ids: Sequence[int], words: Sequence[str]) -> dict[int, float]:
        """How well each of the rows ``ids`` matches ``words`` (higher is better)."""
        if not ids:
            return {}
        if connection.vendor != "postgresql":
            return self._ranks_by_counting(ids, words)
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {self.key}, ts_rank(words, plainto_tsquery('simple', %s)) "  # noqa: S608
                f"FROM {self.table} WHERE {self.key} IN ({marks})",
                [" ".join(words), *ids],
            )
            return {row[0]: float(row[1]) for row in cursor.fetchall()}

    def _ranks_by_counting(self, ids: Sequence[int], words: Sequence[str]) -> dict[int, float]:
        """SQLite: BM25's term-frequency part over the rows' own words. FTS5's ``bm25()``
        scores every match of the query before a rowid list narrows them (180 ms for 电梯 at
        100k tickets, 6,850 matches); the rows to rank are at most RANK_LIMIT short texts."""
        texts = dict(self.model._default_manager.filter(pk__in=list(ids)).values_list("pk", "text"))
        tokens = {key: str(text).split() for key, text in texts.items()}
        average = sum(len(t) for t in tokens.values()) / max(len(tokens), 1) or 1.0
        ranks = {}
        for key, found in tokens.items():
            norm = 1.2 * (0.25 + 0.75 * len(found) / average)
            ranks[key] = sum((tf := found.count(w)) / (tf + norm) for w in words)
        return ranks

    def analyze(self) -> None:
        """Refresh the planner's statistics of the index table after a re-index. Without them
        PostgreSQL guesses how many rows a word matches from the table as it was (empty, or
        before new words were cut): it took 漏水 楼上 for 138 rows instead of 20,072 at 1M
        tickets and walked every match instead of combining the project index first (295 ms
        instead of 17 ms). Autovacuum gets there eventually; a re-index should not wait."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {self.table}")

    def write(self, rows: Iterable[tuple[int, dict[str, object], str]]) -> int:
        """Insert or replace rows ``(key, other columns, text)``; on SQLite the FTS5 table
        too (PostgreSQL's generated column follows ``text`` by itself). Returns how many."""
        rows = list(rows)
        if not rows:
            return 0
        key_field = self.model._meta.pk.attname
        self.model._default_manager.bulk_create(
            [self.model(**{key_field: key, **others, "text": text}) for key, others, text in rows],
            update_conflicts=True,
            unique_fields=[self.model._meta.pk.name],
            update_fields=["text", *self.columns],
        )
        if connection.vendor == "sqlite":
            keys = [key for key, _others, _text in rows]
            marks = ", ".join(["%s"] * len(keys))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {self.fts} WHERE rowid IN ({marks})", keys)  # noqa: S608
                cursor.executemany(
                    f"INSERT INTO {self.fts} (rowid, text) VALUES (%s, %s)",  # noqa: S608
                    [(key, text) for key, _others, text in rows],
                )
        return len(rows)


class WordsMatch(Expression):
    """A condition written in SQL on a column of the index row, rendered with the name the
    query gives the index table (``U0`` inside a subquery): ``{column}`` is that column,
    ``{table}`` the table's prefix (``"U0".``), for a column Django does not know (``words``)."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, column: str, template: str, params: list[object]) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.template = template
        self.params = params

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[object]]:
        column, params = compiler.compile(self.column)
        table = column[: column.rfind(".") + 1] if "." in column else ""
        sql = self.template.format(column=column, table=table)
        return f"({sql})", [*params, *self.params]


def fts_query(words: Sequence[str]) -> str:
    """FTS5's query for "every one of these words": each a quoted phrase."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


TICKETS = Index(TicketText, "ticket_id", ("project_id", "received_at"), "search_ticket_fts")
CASES = Index(CaseText, "case_id", ("company_id",), "search_case_fts")
RESIDENTS = Index(ResidentText, "resident_id", ("company_id",), "search_resident_fts")
