"""Resident archive pages (一户一档, SPEC §2): search by name, phone or room, and the logged
reveal of a full phone number. Phones are always masked on these pages; only the reveal
fragment carries a full number, and only after the service has allowed and audited it.

The household file of a room and one person's file list their requests, so they are the
tickets app's pages (tickets.views.households); they show people as ``person`` does here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST

from propdesk.core.errors import DomainError
from propdesk.core.web import console_view, page_of, query_without
from propdesk.org.models import User

from .models import Residency, Resident, Room, mask_phone
from .services import (
    PHONE_REVEAL_ROLES,
    find_residents,
    find_rooms,
    get_resident,
    record_phone_reveal,
    residents_for,
)

#: Rooms matched by a room search are listed without paging; past this many the user is asked
#: to type more (a bare "1" would otherwise list every room of a large project).
ROOM_LIMIT = 50

# "3栋2单元1101" is how people say a room, but find_rooms matches one part (building, unit or
# number) at a time: split after the usual building and unit words and require every part.
_ROOM_PARTS = re.compile(r"\s+|(?<=栋)|(?<=号楼)|(?<=座)|(?<=单元)")


@dataclass
class Person:
    """A resident as these pages show them: phones masked, rooms limited to the user's scope."""

    resident: Resident
    phone: str
    phone2: str
    residencies: list[Residency]

    @property
    def has_phone(self) -> bool:
        return bool(self.resident.phone or self.resident.phone2)


def person(resident: Resident) -> Person:
    return Person(
        resident=resident,
        phone=mask_phone(resident.phone),
        phone2=mask_phone(resident.phone2),
        residencies=list(getattr(resident, "scoped_residencies", [])),
    )


def scoped_residencies(user: User) -> Prefetch:
    """Each resident's rooms, but only those in the user's scope (SPEC §1): a resident who also
    lives in another project must not show that flat to staff who cannot see it."""
    return Prefetch(
        "residencies",
        Residency.objects.for_user(user)
        .select_related("room__building", "room__unit", "room__project")
        .order_by("-is_active", "pk"),
        to_attr="scoped_residencies",
    )


def may_reveal(user: User) -> bool:
    # Only decides whether to draw the button; record_phone_reveal still decides the reveal.
    return user.role in PHONE_REVEAL_ROLES or user.is_superuser


def _matching_rooms(user: User, text: str) -> QuerySet[Room] | None:
    parts = [p for p in _ROOM_PARTS.split(text) if p]
    if not parts:
        return None
    rooms = find_rooms(user, q=parts[0])
    for part in parts[1:]:
        rooms = rooms & find_rooms(user, q=part)
    return rooms


@console_view
def resident_search(request: HttpRequest) -> HttpResponse:
    """Find people by name, phone (full or the last digits) or room; the rooms a room search
    matches are listed too, so a household with nobody on file can still be opened."""
    user = request.user
    form = {k: request.GET.get(k, "").strip() for k in ("name", "phone", "room")}
    context: dict = {"form": form, "searched": any(form.values()), "error": None}
    if not context["searched"]:
        return render(request, "residents/residents.html", context)
    try:
        rooms = _matching_rooms(user, form["room"]) if form["room"] else None
        if form["name"] or form["phone"]:
            residents = find_residents(user, phone=form["phone"], name=form["name"])
        else:
            residents = residents_for(user)
        if rooms is not None:
            residents = residents.filter(residencies__room__in=rooms.values("pk"))
        page = page_of(request, residents.prefetch_related(scoped_residencies(user)), bounded=True)
    except DomainError as refused:
        context["error"] = refused
        return render(request, "residents/residents.html", context, status=400)
    room_rows = None
    if rooms is not None:
        room_rows = list(
            rooms.annotate(
                people=Count("residencies", filter=Q(residencies__is_active=True))
            ).order_by("project__code", "building__code", "unit__code", "number")[: ROOM_LIMIT + 1]
        )
    context.update(
        page=page,
        people=[person(r) for r in page.object_list],
        rooms=room_rows[:ROOM_LIMIT] if room_rows is not None else None,
        more_rooms=room_rows is not None and len(room_rows) > ROOM_LIMIT,
        room_limit=ROOM_LIMIT,
        query_for_page=query_without(request, "page"),
    )
    return render(request, "residents/residents.html", context)


@require_POST
@console_view
def reveal_resident_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """The resident's full phones as a fragment for htmx, for roles that may see them; the
    service refuses the others (→ 403) and writes every reveal to the audit log."""
    resident = get_resident(request.user, pk)
    record_phone_reveal(
        request.user,
        object_type="resident",
        object_id=resident.pk,
        ip=request.META.get("REMOTE_ADDR"),
    )
    phones = [(p,) for p in (resident.phone, resident.phone2) if p]
    return HttpResponse(
        format_html_join(" / ", '<span class="full-phone">{}</span>', phones) or "—"
    )
