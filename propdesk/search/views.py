"""The console's search page (the search box of every page): a ticket number opens the
ticket; anything else lists the tickets, published cases and residents saying its words, each
with the matched words marked. Everything read goes through ``search.services``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from propdesk.core.web import console_view
from propdesk.tickets.services import tickets_for

from . import services

#: Pages of ticket results offered (RANK_LIMIT / PAGE_SIZE).
LAST_PAGE = services.RANK_LIMIT // services.PAGE_SIZE


def _page(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("page") or 1), 1), LAST_PAGE)
    except ValueError:
        return 1


@console_view
def results(request: HttpRequest) -> HttpResponse:
    user = request.user
    q = request.GET.get("q", "").strip()[:200]
    if q and tickets_for(user).filter(number=q.upper()).exists():
        return redirect("tickets:ticket", number=q.upper())
    page = _page(request)
    context = {"q": q, "page": page}
    if q:
        context.update(
            tickets=services.find_tickets(user, q, page=page),
            # Cases and residents: their first page only, under the tickets.
            cases=services.find_cases(user, q) if page == 1 else None,
            residents=services.find_residents(user, q) if page == 1 else None,
        )
    return render(request, "search/results.html", context)
