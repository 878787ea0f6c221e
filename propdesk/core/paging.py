"""Lists over a group's millions of rows: counts that stop at a bound, and pages read ids
first.

A company-wide list of a million tickets spends most of its time counting them (an HQ queue
page at 1M tickets: 140 ms of its 240 ms, benchmarks/results/latest.md). Nobody pages through
a thousand tickets; past that a list says "1000+" and the person narrows the filter. Below the
bound every count is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Annotated, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from pydantic import Field

#: Rows counted exactly; above this a list shows "1000+".
COUNT_LIMIT = 1000


def bounded_count(qs: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """(count, exact): the number of rows up to ``limit`` (COUNT_LIMIT); past it,
    ``(limit, False)``. The database stops reading at ``limit + 1`` rows."""
    limit = COUNT_LIMIT if limit is None else limit
    n = qs.order_by().values("pk")[: limit + 1].count()
    return (n, True) if n <= limit else (limit, False)


class IdsFirst:
    """A page of a list read in two steps: the page's ids from the ordered list alone, then
    only those rows with their relations. Joining the relations before the sort made
    PostgreSQL join every matching row (thousands of breached tickets company-wide) to sort
    them and keep 25."""

    def __init__(self, qs: QuerySet, ordered_ids: QuerySet, related: Sequence[str]) -> None:
        self.qs = qs  # what is counted
        self.ordered_ids = ordered_ids  # values("pk") in the order shown
        self.related = related

    def bounded_count(self, limit: int | None = None) -> tuple[int, bool]:
        return bounded_count(self.qs, limit)

    def count(self) -> int:
        return self.bounded_count()[0]

    def __len__(self) -> int:
        return self.count()

    def ids(self, start: int, stop: int) -> list[Any]:
        """The ids of rows ``start`` to ``stop`` of the list, in its order."""
        return [row["pk"] for row in self.ordered_ids[start:stop]]

    def __getitem__(self, item: slice) -> list:
        ids = self.ids(item.start or 0, item.stop)
        rows = self.qs.model.objects.filter(pk__in=ids).select_related(*self.related).in_bulk()
        return [rows[pk] for pk in ids if pk in rows]


class BoundedPaginator(Paginator):
    """Django's paginator whose count may stop at a bound (``limit``, e.g. COUNT_LIMIT; None
    counts everything); ``shown_count`` is what a page prints ("1000+" past the bound)."""

    count_is_exact = True

    def __init__(self, object_list, per_page, *, limit: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, IdsFirst) and self.limit is not None:
            n, self.count_is_exact = rows.bounded_count(self.limit)
            return n
        qs = rows.qs if isinstance(rows, IdsFirst) else rows
        if not isinstance(qs, QuerySet):
            return len(rows)
        if self.limit is None:
            return qs.count()
        n, self.count_is_exact = bounded_count(qs, self.limit)
        return n

    @property
    def shown_count(self) -> str:
        n = self.count
        return f"{n}+" if not self.count_is_exact else str(n)


#: The highest page a list API accepts: past any list a person pages through, and the offset
#: it asks the database for (page × page size) stays a 64-bit number. A larger page was a 500.
MAX_PAGE = 100_000

#: ``page`` of a list API: 1 to MAX_PAGE, a 422 naming ``page`` otherwise.
Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description="1, 2, … (at most 100000)")]


def _page_size(most: int) -> Any:
    return Annotated[int, Field(ge=1, le=most, description=f"rows per page, 1 to {most}")]


#: ``page_size`` of a list API: 1 to 100 rows, a 422 naming ``page_size`` otherwise.
PageSize = _page_size(100)
#: ``page_size`` of a list read in bulk (a campaign's invitations): 1 to 500 rows.
LongPageSize = _page_size(500)
