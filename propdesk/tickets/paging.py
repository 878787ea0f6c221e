"""The newest tickets saying some words, read span by span (issue 22: every list row under
50 ms at a million tickets).

A common pair of words matches tens of thousands of a group's tickets (漏水 楼上: 20,072 at
1M), and a list sorted newest first would read every match to sort them and keep twenty: 280 ms
company-wide. The list is in ``received_at`` order, so the tickets received since any moment
are exactly the head of it: when a recent span already holds the page, that page is the
list's, and only the span's matches were read (the word index narrowed by the index of
``received_at`` the word index keeps beside it). A span too short for the page gives way to a
longer one, and the last try is the whole list, so the answer is always the plain query's.

The count ("1000+" past core.paging.COUNT_LIMIT) is read the same way: a span with more than
the limit already means "1000+".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from propdesk.core.paging import COUNT_LIMIT, IdsFirst

#: The spans tried before the whole list: a month, a quarter, eight months, five years (the
#: quarter is for the count: 漏水 楼上 has more than a thousand matches in it at 1M tickets).
SPANS = (timedelta(days=30), timedelta(days=90), timedelta(days=240), timedelta(days=1920))
#: A scope of more projects than this reads by spans; a smaller one's words are already
#: narrowed to its projects by the word index (search.services.finding.text_condition).
WIDE_SCOPE = 10
#: The list's order: newest first (the queues' "received" sort and the API's).
NEWEST = ("-received_at", "-pk")

RowsSince = Callable[[datetime | None], QuerySet]


def by_spans(text: str | None, project_ids: Collection[int] | None) -> bool:
    """Whether a list newest first is read by spans: words to find, in a wide scope."""
    return bool(text) and (project_ids is None or len(project_ids) > WIDE_SCOPE)


class NewestFirst(IdsFirst):
    """``rows_since(moment)`` is the list restricted to tickets received since ``moment``
    (``None``: all of it); ``now`` is the moment the spans are counted back from.

    The count and the first page read the same rows: each span's head (its first
    ``COUNT_LIMIT + 1`` ids, newest first) is read once and answers both — the count when it
    is full ("1000+"), and any page inside it. A common word (电梯, tens of thousands of
    matches) scanned the word index twice before, once for each."""

    def __init__(self, rows_since: RowsSince, related: Sequence[str], now: datetime) -> None:
        whole = rows_since(None)
        super().__init__(whole, whole.order_by(*NEWEST).values("pk"), related)
        self.rows_since = rows_since
        self.now = now
        self._heads: dict[tuple[int, int], list[Any]] = {}

    def _spans(self):
        for span in SPANS:
            yield self.rows_since(self.now - span)
        yield self.qs

    def _head(self, i: int, rows: QuerySet, limit: int) -> list[Any]:
        """The first ``limit + 1`` ids of span ``i`` (the last: the whole list), read once."""
        if (i, limit) not in self._heads:
            self._heads[i, limit] = list(
                rows.order_by(*NEWEST).values_list("pk", flat=True)[: limit + 1]
            )
        return self._heads[i, limit]

    def ids(self, start: int, stop: int) -> list[Any]:
        last = len(SPANS)  # the whole list
        for i, rows in enumerate(self._spans()):
            # A head read for the count answers a page inside it; a head shorter than the
            # limit is the whole span, too short for this page unless it is the whole list.
            head, limit = next(((h, n) for (j, n), h in self._heads.items() if j == i), (None, 0))
            if head is not None and len(head) >= stop:
                return head[start:stop]
            if head is not None and len(head) <= limit:
                if i == last:
                    return head[start:stop]
                continue
            if i == last:
                return super().ids(start, stop)
            ids = list(rows.order_by(*NEWEST).values_list("pk", flat=True)[start:stop])
            if len(ids) == stop - start:
                return ids
        return []  # pragma: no cover - the whole list is the last span, answered above

    def bounded_count(self, limit: int | None = None) -> tuple[int, bool]:
        limit = COUNT_LIMIT if limit is None else limit
        for i, rows in enumerate(self._spans()):
            head = self._head(i, rows, limit)
            if len(head) > limit:
                return limit, False
        return len(head), True
