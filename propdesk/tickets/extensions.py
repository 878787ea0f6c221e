"""What other domains add to the reads of a ticket, registered from their ``AppConfig.ready()``
like the lifecycle's subscribers, so that tickets imports none of them (DESIGN.md, "Layout").

- **Detail parts**: a named list in ``GET /tickets/{number}`` (and the ticket page) that another
  app's rows make: the clocks (sla), the callbacks (callbacks). The shape is declared in
  ``tickets.schemas``; the app that owns the rows fills it.
- **List filters**: a filter of ``TicketFilter`` whose meaning lives in another app: due soon,
  breached and by clock (sla).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import Ticket
    from .services.queries import TicketFilter


@dataclass(frozen=True)
class DetailPart:
    """``read(ticket, now)`` lists the part's rows as dicts. ``just_registered(ticket, now)``
    answers for a ticket ``register_ticket`` has just returned, from what registration holds in
    memory, or None when it cannot (then ``read`` is used)."""

    name: str
    read: Callable[[Ticket, datetime], list[dict[str, Any]]]
    just_registered: Callable[[Ticket, datetime], list[dict[str, Any]] | None]


ListFilter = Callable[["QuerySet[Ticket]", "TicketFilter", datetime], "QuerySet[Ticket]"]

_detail_parts: dict[str, DetailPart] = {}
_list_filters: dict[str, ListFilter] = {}


def add_detail_part(part: DetailPart) -> None:
    _detail_parts[part.name] = part


def detail_parts() -> tuple[DetailPart, ...]:
    return tuple(_detail_parts.values())


def add_list_filter(name: str, apply: ListFilter) -> None:
    _list_filters[name] = apply


def apply_list_filters(qs: QuerySet[Ticket], f: TicketFilter, now: datetime) -> QuerySet[Ticket]:
    for apply in _list_filters.values():
        qs = apply(qs, f, now)
    return qs
