"""Finding tickets, cases and residents by their words (issue 20 §2): what the user typed is
cut by their company's segmenter and every word must be found; results are ranked, narrowed to
the caller's scope (org.access, the one door), and each carries a snippet with the matched
words marked (highlight.py).

Ranking is bounded: only the newest ``RANK_LIMIT`` matches (by id, i.e. the order they were
registered) are ranked and paged. A word such as 电梯 matches a tenth of a group's million
tickets; ranking all of them reads every matched row's vector and sorts them, 100k rows for a
first page nobody reads past. The newest matches are what an agent looks for, the GIN index
(or FTS5) finds them, and ``more`` tells the page to ask for more words.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from django.db.models import Max, Q, QuerySet
from django.utils.safestring import SafeString

from propdesk.knowledge.choices import CaseStatus
from propdesk.knowledge.models import Case
from propdesk.org.access import visible_projects
from propdesk.org.models import User
from propdesk.residents.models import Residency, Resident, mask_phone
from propdesk.tickets.models import Ticket
from propdesk.tickets.serializers import SUMMARY_RELATED
from propdesk.tickets.services import TicketFilter, filter_tickets, tickets_for

from .. import index
from ..dictionary import cut
from ..highlight import first_match, snippet
from ..models import CaseText, ResidentText, TicketText
from .indexing import CASE_FIELDS, TICKET_FIELDS

#: Matches ranked and paged; past these, ``more`` is set (see the module's docstring).
RANK_LIMIT = 500
PAGE_SIZE = 20
#: The newest ticket ids searched first (see _newest).
WINDOW = 50_000
#: Scopes of up to this many projects are searched without a window (see _newest).
SMALL_SCOPE = 10

T = TypeVar("T")


@dataclass(frozen=True)
class Hit(Generic[T]):
    item: T
    snippet: SafeString
    rank: float


@dataclass(frozen=True)
class Results(Generic[T]):
    words: list[str]
    hits: list[Hit[T]] = field(default_factory=list)
    page: int = 1
    #: Matches ranked (at most RANK_LIMIT); ``more``: there were more than that.
    matched: int = 0
    more: bool = False

    @property
    def has_next(self) -> bool:
        return self.page * PAGE_SIZE < self.matched


def query_words(user: User, text: str) -> list[str]:
    """The words of a query as the index holds them, each once, in order."""
    return list(dict.fromkeys(cut(text or "", user.company_id)))


def _ranked_page(
    idx: index.Index, ids: list[int], words: list[str], page: int
) -> tuple[list[tuple[int, float]], int, bool]:
    more = len(ids) > RANK_LIMIT
    ids = ids[:RANK_LIMIT]
    ranks = idx.ranks(ids, words)
    order = sorted(((ranks.get(i, 0.0), i) for i in ids), key=lambda p: (-p[0], -p[1]))
    start = (max(page, 1) - 1) * PAGE_SIZE
    return [(i, r) for r, i in order[start : start + PAGE_SIZE]], len(ids), more


# -- tickets ------------------------------------------------------------------------------------


def ticket_matches(words: list[str]) -> QuerySet[TicketText]:
    """The index rows of the tickets holding every one of ``words``."""
    return TicketText.objects.filter(index.TICKETS.matches(words))


def _newest(candidates: QuerySet[TicketText], *, windowed: bool = True) -> list[int]:
    """The ids of the newest RANK_LIMIT + 1 candidates, looked for among the newest tickets
    first (the last WINDOW ids, then eight times as many, …, then all).

    The index finds every match of a word at once, but sorting them by id reads each matched
    row: 20,065 rows for 漏水 楼上 at 1M tickets, 150 ms. Within a window of the newest ids
    the same plan reads only the matches there, and a common word fills the page from the
    first window; a rare word costs a few more index scans, each of a few rows. A scope of a
    few projects needs no window: its project index narrows the matches as much."""
    if not windowed:
        return list(
            candidates.order_by("-ticket_id").values_list("ticket_id", flat=True)[: RANK_LIMIT + 1]
        )
    top = TicketText.objects.aggregate(top=Max("ticket_id"))["top"] or 0
    window = WINDOW
    while True:
        low = top - window
        within = candidates.filter(ticket_id__gt=low) if low > 0 else candidates
        ids = list(
            within.order_by("-ticket_id").values_list("ticket_id", flat=True)[: RANK_LIMIT + 1]
        )
        if len(ids) > RANK_LIMIT or low <= 0:
            return ids
        window *= 8


def find_tickets(
    user: User, text: str, *, filters: TicketFilter | None = None, page: int = 1
) -> Results[Ticket]:
    """The tickets in ``user``'s scope saying every word of ``text`` (and matching
    ``filters``), best first, one page."""
    words = query_words(user, text)
    if not words:
        return Results(words=words, page=page)
    projects = visible_projects(user)
    candidates = ticket_matches(words).filter(project_id__in=projects)
    if filters is not None:
        filters.text = None
        chosen = filter_tickets(tickets_for(user), filters).values("pk")
        candidates = candidates.filter(ticket_id__in=chosen)
    ids = _newest(candidates, windowed=len(projects) > SMALL_SCOPE)
    ranked, matched, more = _ranked_page(index.TICKETS, ids, words, page)
    rows = Ticket.objects.filter(pk__in=[i for i, _ in ranked]).select_related(*SUMMARY_RELATED)
    tickets = rows.in_bulk()
    hits = [
        Hit(tickets[i], ticket_snippet(tickets[i], words), rank)
        for i, rank in ranked
        if i in tickets
    ]
    return Results(words=words, hits=hits, page=page, matched=matched, more=more)


def ticket_snippet(ticket: Ticket, words: list[str]) -> SafeString:
    """The first of the ticket's fields that shows a matched word (a match in a note or a
    reply shows the description)."""
    texts = [getattr(ticket, f) for f in TICKET_FIELDS]
    return snippet(first_match(texts, words) or ticket.description, words)


def text_condition(
    text: str,
    company_id: int | None,
    project_ids: Collection[int] | None = None,
    received_since: datetime | None = None,
) -> Q:
    """The ticket list's ``text`` filter (tickets.extensions.text_match): the tickets saying
    every word of ``text``. For a scope of a few projects the index rows are narrowed to them
    first: the database then combines the project index with the word index and joins only
    that scope's matches (64 tickets for 漏水 楼上 in one project at 1M tickets, instead of
    the 20,072 matches of the whole group joined and then filtered: 294 ms)."""
    words = list(dict.fromkeys(cut(text or "", company_id)))
    if not words:
        return Q(pk__in=[])
    matches = ticket_matches(words)
    if project_ids is not None and len(project_ids) <= SMALL_SCOPE:
        matches = matches.filter(project_id__in=list(project_ids))
    if received_since is not None:
        # The newest matches of a wide scope (tickets.paging.NewestFirst): the word index and
        # the received_at index together, only the span's rows read.
        matches = matches.filter(received_at__gte=received_since)
    return Q(pk__in=matches.values("ticket_id"))


def text_snippets(tickets: list[Ticket], text: str, company_id: int | None) -> dict[int, str]:
    """A snippet of each listed ticket with the words of ``text`` marked, by ticket id."""
    words = list(dict.fromkeys(cut(text or "", company_id)))
    if not words:
        return {}
    return {t.pk: ticket_snippet(t, words) for t in tickets}


# -- cases --------------------------------------------------------------------------------------


def case_condition(words_typed: str, company_id: int | None) -> Q:
    """The case library's words filter (knowledge.services.find_cases)."""
    words = list(dict.fromkeys(cut(words_typed or "", company_id)))
    if not words:
        return Q()
    return Q(pk__in=CaseText.objects.filter(index.CASES.matches(words)).values("case_id"))


def find_cases(user: User, text: str, *, page: int = 1) -> Results[Case]:
    """The published cases of the user's company saying every word of ``text``, best first."""
    words = query_words(user, text)
    if not words or not user.company_id:
        return Results(words=words, page=page)
    ids = list(
        CaseText.objects.filter(index.CASES.matches(words), company_id=user.company_id)
        .filter(case__status=CaseStatus.PUBLISHED)
        .order_by("-case_id")
        .values_list("case_id", flat=True)[: RANK_LIMIT + 1]
    )
    ranked, matched, more = _ranked_page(index.CASES, ids, words, page)
    cases = (
        Case.objects.filter(pk__in=[i for i, _ in ranked])
        .select_related("category__parent")
        .prefetch_related("scenarios")
        .in_bulk()
    )
    hits = []
    for i, rank in ranked:
        case = cases.get(i)
        if case is None:
            continue
        texts = [case.title] + [getattr(s, f) for s in case.scenarios.all() for f in CASE_FIELDS]
        hits.append(Hit(case, snippet(first_match(texts, words) or case.title, words), rank))
    return Results(words=words, hits=hits, page=page, matched=matched, more=more)


# -- residents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundResident:
    """A resident as a search result shows them: phones masked, only the rooms in scope."""

    resident: Resident
    phone: str
    rooms: list[str]


def find_residents(user: User, text: str, *, page: int = 1) -> Results[FoundResident]:
    """The residents living in the user's scope whose name, phone or room says every word of
    ``text``, newest first (a name has no rank worth sorting by)."""
    words = query_words(user, text)
    if not words or not user.company_id:
        return Results(words=words, page=page)
    matching = ResidentText.objects.filter(
        index.RESIDENTS.matches(words), company_id=user.company_id
    ).values("resident_id")
    in_scope = Resident.objects.for_user(user).filter(pk__in=matching)
    ids = list(in_scope.order_by("-pk").values_list("pk", flat=True)[: RANK_LIMIT + 1])
    more = len(ids) > RANK_LIMIT
    start = (max(page, 1) - 1) * PAGE_SIZE
    chosen = ids[:RANK_LIMIT][start : start + PAGE_SIZE]
    rooms: dict[int, list[str]] = {}
    for residency in (
        Residency.objects.for_user(user)
        .filter(resident_id__in=chosen, is_active=True)
        .select_related("room__building", "room__unit")
        .order_by("pk")
    ):
        rooms.setdefault(residency.resident_id, []).append(residency.room.label)
    residents = Resident.objects.filter(pk__in=chosen).in_bulk()
    hits = [
        Hit(
            FoundResident(residents[i], mask_phone(residents[i].phone), rooms.get(i, [])),
            snippet(residents[i].name, words),
            0.0,
        )
        for i in chosen
        if i in residents
    ]
    return Results(words=words, hits=hits, page=page, matched=len(ids[:RANK_LIMIT]), more=more)
