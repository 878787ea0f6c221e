"""What other domains add to the reads of a ticket, registered from their ``AppConfig.ready()``
like the lifecycle's subscribers, so that tickets imports none of them (DESIGN.md, "Layout").

- **Detail parts**: a named list in ``GET /tickets/{number}`` (and the ticket page) that another
  app's rows make: the clocks (sla), the callbacks (callbacks). The shape is declared in
  ``tickets.schemas``; the app that owns the rows fills it.
- **List filters**: a filter of ``TicketFilter`` whose meaning lives in another app: due soon,
  breached and by clock (sla).
- **List orders**: a sort of the queue pages whose meaning lives in another app: "due", by the
  next running due time (sla).
- **Providers**: one answer a page of tickets asks of another app, with a default that shows
  nothing until that app registers it. By sla: ``urgent_clocks`` (the clock beside each row of
  a queue and of a handler's work orders), ``overdue_by`` (how long a work order is past its
  own clock), ``handling_due`` (the handling clock's due time, the dispatch form's suggested
  deadline), ``clock_name`` (a clock's name on the timeline). By hotissues:
  ``similar_open_requests`` (what intake shows before saving). By suggest:
  ``intake_registered`` (what the intake page's registration records of its suggestions). By
  search: ``text_match`` (the list's ``text`` filter by words) and ``text_snippets`` (each
  listed ticket's matched words).
- **Page parts**: a piece of a tickets page that another app draws from its own rows with its
  own template, in a named slot of the page (``PAGE_SLOTS``): the hot issue badge of the ticket
  page (hotissues), its callback task and the household file's latest callbacks (callbacks).
- **Timeline entries**: steps another app records in its own event table, shown among the
  ticket's own events on the ticket page's timeline (处理经过), by time: each step of the
  request's compensation claims (casework).

The pages themselves (``tickets.views``) read these; the move forms of other domains are
registered in ``tickets.moves`` (``add_move_form``), beside their moves in ``tickets.actions``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

if TYPE_CHECKING:
    from django.db.models import Q, QuerySet

    from propdesk.org.models import User

    from .models import Ticket, WorkOrder
    from .services.queries import TicketFilter

P = ParamSpec("P")
R = TypeVar("R")


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


#: A sort of a queue another app knows how to make: the queue's tickets → their ids in that
#: order, read a slice at a time (``core.paging.IdsFirst`` takes the page's ids from it).
ListOrder = Callable[["QuerySet[Ticket]"], Any]

_list_orders: dict[str, ListOrder] = {}


def add_list_order(name: str, ids: ListOrder) -> None:
    _list_orders[name] = ids


def list_order(name: str) -> ListOrder | None:
    return _list_orders.get(name)


class Provider(Generic[P, R]):
    """One answer another app gives to the ticket pages. It is ``default`` (which shows
    nothing) until that app calls ``register`` from its ``AppConfig.ready()``; then every call
    is the registered function's, with the same arguments."""

    def __init__(self, default: Callable[P, R]) -> None:
        self._default = default
        self._registered: Callable[P, R] | None = None

    def register(self, answer: Callable[P, R]) -> None:
        self._registered = answer

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return (self._registered or self._default)(*args, **kwargs)


def _no_clocks(tickets: list[Ticket], now: datetime) -> dict[int, dict[str, Any]]:
    return {}


def _none_late(orders: list[WorkOrder], now: datetime) -> dict[int, str]:
    return {}


def _no_due(ticket: Ticket) -> datetime | None:
    return None


def _no_name(kind: str | None) -> str:
    return ""


def _nothing_similar(
    user: User,
    *,
    project_id: int,
    category_id: int | None,
    building_id: int | None,
    place: str,
    description: str,
) -> tuple[list[Ticket], list[Ticket]]:
    return [], []


def _substring(
    text: str,
    company_id: int | None,
    project_ids: Collection[int] | None = None,
    received_since: datetime | None = None,
) -> Q:
    from django.db.models import Q

    return (
        Q(description__icontains=text) | Q(place__icontains=text) | Q(contact_name__icontains=text)
    )


def _no_snippets(tickets: list[Ticket], text: str, company_id: int | None) -> dict[int, str]:
    return {}


#: The most urgent open clock of each ticket, by ticket id, as ``{% time_left %}`` shows it.
urgent_clocks = Provider(_no_clocks)
#: How long each work order is past its own clock, in words, by work order id (those in time
#: are left out).
overdue_by = Provider(_none_late)
#: When the ticket's handling clock is due, if it runs.
handling_due = Provider(_no_due)
#: The name of a kind of clock, as the timeline names the clock of an event ("" if unknown).
clock_name = Provider(_no_name)


def _nothing_to_record(user: User, ticket: Ticket, posted: Mapping[str, str]) -> None:
    return None


#: Open requests at the same place (and category), and those saying nearly the same thing.
similar_open_requests = Provider(_nothing_similar)
#: Called by the intake page inside the registration's transaction with the request just
#: registered and the form as posted: the fields other apps' page parts added to it are theirs
#: to read (a refusal raised here undoes the registration and is shown on the form).
intake_registered = Provider(_nothing_to_record)
#: The tickets whose words match ``text`` (cut with the company's dictionary): the list's
#: ``text`` filter beside the exact number and phone. A substring match until search answers.
text_match = Provider(_substring)
#: Each listed ticket's text with the words of ``text`` marked (escaped HTML), by ticket id.
text_snippets = Provider(_no_snippets)


#: The slots of the tickets pages other apps draw into, and what ``read`` is given for each:
#: ``ticket_badges`` (beside the status on the ticket page) and ``ticket_facts`` (a row of its
#: facts) read ``(ticket)``; ``household`` (a card of the room and resident pages) and
#: ``intake_household`` (intake's household panel) read ``(tickets)``, the household's
#: requests the user may see; ``intake_assist`` (intake's side column, beside the form) reads
#: ``(user)``.
PAGE_SLOTS = ("ticket_badges", "ticket_facts", "household", "intake_household", "intake_assist")


@dataclass(frozen=True)
class PagePart:
    """``read`` gives what ``template`` draws (as ``part``), or None to draw nothing."""

    slot: str
    name: str
    template: str
    read: Callable[..., Any]


_page_parts: dict[tuple[str, str], PagePart] = {}


def add_page_part(part: PagePart) -> None:
    if part.slot not in PAGE_SLOTS:
        raise ValueError(f"no page slot {part.slot!r}: {PAGE_SLOTS}")
    _page_parts[(part.slot, part.name)] = part


def page_parts(slot: str, *args: Any) -> list[dict[str, Any]]:
    """The parts of one slot, read, in the order they were registered: each as ``template``
    and ``part`` for ``{% include piece.template with part=piece.part %}``."""
    drawn = []
    for (in_slot, _name), part in _page_parts.items():
        if in_slot == slot and (value := part.read(*args)) is not None:
            drawn.append({"template": part.template, "part": value})
    return drawn


#: What a timeline source gives for a ticket: entries drawn as the ticket's own events are —
#: ``at``, ``actor_name``, ``kind_display``, ``note`` — with ``link`` and ``link_label`` to
#: where the step lives.
TimelineSource = Callable[["Ticket"], list[dict[str, Any]]]

_timeline_sources: dict[str, TimelineSource] = {}


def add_timeline_source(name: str, read: TimelineSource) -> None:
    _timeline_sources[name] = read


def timeline_entries(ticket: Ticket) -> list[dict[str, Any]]:
    """Every registered app's entries for the ticket's timeline, in registration order (the
    page sorts them among the ticket's events by time)."""
    return [entry for read in _timeline_sources.values() for entry in read(ticket)]
