"""Word search at /api/v1/search (issue 20 §2): the tickets in the caller's scope, the
published cases of their company and the residents in their scope saying every word of ``q``,
each with a snippet whose matched words are in ``<mark>`` (HTML, the text escaped). The
tickets list's own ``text`` filter (GET /api/v1/tickets) uses the same word index."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.core.schemas import ErrorOut

from . import services

router = Router(tags=["search"])
LAST_PAGE = services.RANK_LIMIT // services.PAGE_SIZE


class SearchQuery(Schema):
    q: str = Field(min_length=1, max_length=200, description="words, e.g. 电梯困人 or 楼上 漏水")
    page: int = Field(1, ge=1, le=LAST_PAGE, description="page of the tickets (20 a page)")


class TicketHitOut(Schema):
    number: str
    project: str = Field(description="project code")
    status: str
    description: str
    snippet: str = Field(description="HTML: the text escaped, the matched words in <mark>")
    rank: float


class CaseHitOut(Schema):
    id: int
    title: str
    category: str = Field(description="category code")
    snippet: str = Field(description="HTML: the text escaped, the matched words in <mark>")


class ResidentHitOut(Schema):
    id: int
    name: str
    phone: str = Field(description="masked (138****5678)")
    rooms: list[str] = Field(description="the rooms in the caller's scope")


class SearchOut(Schema):
    words: list[str] = Field(description="the words searched for, as the query was cut")
    tickets: list[TicketHitOut]
    tickets_matched: int = Field(description="tickets matched, at most 500")
    tickets_more: bool = Field(description="more than 500 matched: only the newest are ranked")
    has_next: bool
    cases: list[CaseHitOut]
    residents: list[ResidentHitOut]


@router.get(
    "/search",
    response={200: SearchOut, 403: ErrorOut},
    summary="Find tickets, cases and residents by their words",
)
def search(request: HttpRequest, query: Query[SearchQuery]):
    user = request.user
    tickets = services.find_tickets(user, query.q, page=query.page)
    first = query.page == 1
    cases = services.find_cases(user, query.q) if first else None
    residents = services.find_residents(user, query.q) if first else None
    return {
        "words": tickets.words,
        "tickets": [
            {
                "number": h.item.number,
                "project": h.item.project.code,
                "status": h.item.status,
                "description": h.item.description,
                "snippet": str(h.snippet),
                "rank": h.rank,
            }
            for h in tickets.hits
        ],
        "tickets_matched": tickets.matched,
        "tickets_more": tickets.more,
        "has_next": tickets.has_next,
        "cases": [
            {
                "id": h.item.pk,
                "title": h.item.title,
                "category": h.item.category.code,
                "snippet": str(h.snippet),
            }
            for h in (cases.hits if cases else [])
        ],
        "residents": [
            {
                "id": h.item.resident.pk,
                "name": h.item.resident.name,
                "phone": h.item.phone,
                "rooms": h.item.rooms,
            }
            for h in (residents.hits if residents else [])
        ],
    }
