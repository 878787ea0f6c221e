"""The household file (一户一档, SPEC §2) of one room (its people, every request) and one
person's file (their rooms in scope, their requests), with what other apps add (the last
callbacks: tickets.extensions page parts). People are shown as the resident search shows them
(residents.views); phones are masked, revealed one at a time by the residents app's reveal."""

from __future__ import annotations

from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from propdesk.core.web import console_view
from propdesk.residents.models import Residency
from propdesk.residents.services import get_resident, get_room
from propdesk.residents.views import may_reveal, person, scoped_residencies

from ..choices import TERMINAL_STATUSES
from ..extensions import page_parts
from ..models import Ticket
from ..services import tickets_for


def _tickets(qs: QuerySet[Ticket]) -> list[Ticket]:
    return list(
        qs.select_related("category__parent", "room__building", "room__unit").order_by(
            "-received_at", "-pk"
        )
    )


@console_view
def room_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The household file: the room, everyone linked to it, all its requests, last callbacks."""
    user = request.user
    room = get_room(user, pk)  # out of scope → OutOfScope → the 403 page
    residencies = list(
        Residency.objects.filter(room=room).select_related("resident").order_by("-is_active", "pk")
    )
    tickets = _tickets(tickets_for(user).filter(room=room))
    context = {
        "room": room,
        "people": [(r, person(r.resident)) for r in residencies],
        "tickets": tickets,
        "open_count": sum(1 for t in tickets if t.status not in TERMINAL_STATUSES),
        "parts": {"household": page_parts("household", tickets)},
        "may_reveal": may_reveal(user),
    }
    return render(request, "tickets/room.html", context)


@console_view
def resident_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's file: contact details, their rooms in scope, their requests, callbacks."""
    user = request.user
    resident = get_resident(user, pk)  # out of scope → OutOfScope → the 403 page
    prefetch_related_objects([resident], scoped_residencies(user))
    tickets = _tickets(tickets_for(user).filter(resident=resident))
    context = {
        "person": person(resident),
        "tickets": tickets,
        "open_count": sum(1 for t in tickets if t.status not in TERMINAL_STATUSES),
        "parts": {"household": page_parts("household", tickets)},
        "may_reveal": may_reveal(user),
    }
    return render(request, "tickets/resident.html", context)
