"""Intake, the phone agent's screen (issue 5 §2): find the caller by phone or room and see the
household file, fill in the request (四清楚: who, where, what, what they expect), read it back
before saving, see what is already open at the same place, then register."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import DomainError, InvalidInput
from propdesk.hotissues.services import similar_open_requests
from propdesk.org.models import Project
from propdesk.residents import phones
from propdesk.residents.models import Resident, Room, mask_phone
from propdesk.residents.services import find_residents, find_rooms, get_resident, get_room
from propdesk.tickets import services
from propdesk.tickets.choices import Channel, Kind, ReporterType, Status
from propdesk.tickets.models import Category

from .base import console_view

#: The fields of the intake form, as NewTicket names them.
TEXT_FIELDS = (
    "kind",
    "channel",
    "category",
    "description",
    "expectation",
    "place",
    "reporter_type",
    "contact_name",
    "contact_phone",
    "project",
)
RECENT = 8


def _categories() -> list[dict]:
    """The two-level tree as option groups: a top-level category and its children."""
    rows = Category.objects.filter(is_active=True).select_related("parent")
    tops: dict[int, dict] = {}
    for c in sorted(rows, key=lambda c: (c.parent_id is not None, c.sort_order, c.code)):
        if c.parent_id is None:
            tops[c.pk] = {"code": c.code, "name": c.display_name, "children": []}
        elif c.parent_id in tops:
            tops[c.parent_id]["children"].append({"code": c.code, "name": c.display_name})
    return list(tops.values())


def _household(user, resident: Resident | None, room: Room | None) -> dict:
    """The household file beside the form: people of the room, key customers, open and recent
    requests, the last callbacks."""
    from propdesk.callbacks.models import Callback

    tickets = services.tickets_for(user).select_related("category", "category__parent")
    if room is not None:
        tickets = tickets.filter(room=room)
    elif resident is not None:
        tickets = tickets.filter(resident=resident)
    else:
        return {}
    recent = list(tickets.order_by("-received_at")[:RECENT])
    people = (
        room.residencies.filter(is_active=True).select_related("resident")
        if room is not None
        else []
    )
    callbacks = Callback.objects.filter(ticket__in=tickets).select_related("ticket")
    return {
        "resident": resident,
        "room": room,
        "people": [
            {
                "name": r.resident.name,
                "relation": r.get_relation_display(),
                "phone": mask_phone(r.resident.phone),
                "stored_phone": r.resident.phone,
                "key": r.resident.is_key_customer,
                "notes": r.resident.notes,
                "id": r.resident_id,
            }
            for r in people
        ],
        "open": [
            t for t in recent if t.status not in (Status.CLOSED, Status.CANCELLED, Status.MERGED)
        ],
        "recent": recent,
        "callbacks": list(callbacks.order_by("-called_at")[:3]),
    }


@console_view
def household_panel(request: HttpRequest) -> HttpResponse:
    """htmx: who is calling — residents matching a phone or name, rooms matching a room search,
    or, once one is chosen, their household file."""
    user = request.user
    context: dict = {"matches": [], "rooms": []}
    try:
        if request.GET.get("resident") or request.GET.get("room"):
            resident = (
                get_resident(user, int(request.GET["resident"]))
                if request.GET.get("resident")
                else None
            )
            room = get_room(user, int(request.GET["room"])) if request.GET.get("room") else None
            if room is None and resident is not None:
                rooms = list(
                    Room.objects.filter(
                        residencies__resident=resident,
                        residencies__is_active=True,
                        project_id__in=user.project_ids,
                    ).select_related("building", "unit")[:2]
                )
                room = rooms[0] if len(rooms) == 1 else None
            context["file"] = _household(user, resident, room)
        elif request.GET.get("phone", "").strip():
            found = find_residents(user, phone=request.GET["phone"]).prefetch_related(
                "residencies__room__building", "residencies__room__unit"
            )
            context["matches"] = list(found[:10])
        elif request.GET.get("room_q", "").strip():
            context["rooms"] = list(find_rooms(user, q=request.GET["room_q"])[:10])
    except (InvalidInput, ValueError) as refused:
        context["error"] = getattr(refused, "message", str(refused))
    return render(request, "console/intake_household.html", context)


@console_view
def similar_panel(request: HttpRequest) -> HttpResponse:
    """htmx: open requests at the same place or saying nearly the same thing (hot issues),
    shown before saving so the agent can link instead of duplicating."""
    get = request.GET
    room = None
    if get.get("room_id"):
        room = Room.objects.filter(
            pk=get["room_id"], project_id__in=request.user.project_ids
        ).first()
    project = (
        room.project
        if room
        else Project.objects.filter(
            code=get.get("project") or "", pk__in=request.user.project_ids
        ).first()
    )
    if project is None:
        return HttpResponse("")
    category = Category.objects.filter(code=get.get("category") or "").first()
    by_place, by_text = similar_open_requests(
        request.user,
        project_id=project.pk,
        category_id=category.pk if category else None,
        building_id=room.building_id if room else None,
        place=get.get("place", ""),
        description=get.get("description", ""),
    )
    return render(
        request, "console/intake_similar.html", {"by_place": by_place, "by_text": by_text}
    )


def _aware(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidInput(_("时间格式不对"), field="received_at") from None


def _new_ticket(post) -> services.NewTicket:
    data = {name: (post.get(name) or "").strip() for name in TEXT_FIELDS}
    data["project"] = data["project"] or None
    return services.NewTicket(
        **data,
        resident_id=int(post["resident_id"]) if post.get("resident_id") else None,
        room_id=int(post["room_id"]) if post.get("room_id") else None,
        received_at=_aware(post.get("received_at", "")),
        agreed_reply_at=_aware(post.get("agreed_reply_at", "")),
        is_emergency=post.get("is_emergency") == "on",
        client_ref=(post.get("client_ref") or "").strip(),
    )


def _readback(user, data: services.NewTicket) -> dict:
    """The summary read back to the caller before saving, with names instead of codes."""
    category = Category.objects.filter(code=data.category).select_related("parent").first()
    room = get_room(user, data.room_id) if data.room_id else None
    resident = get_resident(user, data.resident_id) if data.resident_id else None
    if not data.description:
        raise InvalidInput(_("请填写诉求内容"), field="description")
    if category is None:
        raise InvalidInput(_("请选择分类"), field="category")
    if data.kind not in Kind.values:
        raise InvalidInput(_("请选择类型"), field="kind")
    return {
        "kind": Kind(data.kind).label,
        "channel": Channel(data.channel).label if data.channel in Channel.values else "",
        "category": category.full_name,
        "who": resident.name if resident else data.contact_name or _("匿名"),
        # What the agent typed, read back in full to the caller (the household's own phones
        # stay masked).
        "phone": phones.normalise(data.contact_phone),
        "where": " ".join(x for x in (room.label if room else "", data.place) if x),
        "description": data.description,
        "expectation": data.expectation,
        "received_at": data.received_at,
    }


@console_view
def intake_page(request: HttpRequest) -> HttpResponse:
    """GET: an empty form (a room or resident may be given). POST without ``confirmed``: the
    read-back. POST with it: register, attach the files, go to the new ticket."""
    source = request.POST if request.method == "POST" else request.GET
    # A room or resident chosen before (the household file's "register" button, or the form
    # posted back) is chosen again: digits only, it goes into a URL.
    prefill = {
        name: value if value.isdigit() else ""
        for name, value in (
            ("prefill_resident", source.get("resident_id") or source.get("resident") or ""),
            ("prefill_room", source.get("room_id") or source.get("room") or ""),
        )
    }
    context = {
        **prefill,
        "tree": _categories(),
        "kinds": Kind.choices,
        "channels": Channel.choices,
        "reporter_types": ReporterType.choices,
        "projects": Project.objects.filter(pk__in=request.user.project_ids).order_by("code"),
        "now": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        "posted": request.POST if request.method == "POST" else request.GET,
        # One id per form shown: pressing "confirm" twice (or a retried POST) registers once.
        "client_ref": request.POST.get("client_ref") or f"console-{uuid.uuid4()}",
    }
    if request.method != "POST":
        return render(request, "console/intake.html", context)
    try:
        data = _new_ticket(request.POST)
        if request.POST.get("confirmed") != "1":
            context["readback"] = _readback(request.user, data)
            return render(request, "console/intake.html", context)
        ticket, created = services.register_ticket(request.user, data)
    except DomainError as refused:
        context["error"] = {"field": refused.field or "", "message": refused.message}
        return render(request, "console/intake.html", context, status=400)
    if created:
        messages.success(request, _("已登记 %(n)s") % {"n": ticket.number})
    # The request is saved whatever happens to a file: a refused file is reported on the
    # ticket page, where it can be added again.
    for upload in request.FILES.getlist("files"):
        try:
            services.add_attachment(request.user, ticket, upload)
        except DomainError as refused:
            messages.error(request, f"{upload.name}:{refused.message}")
    return redirect("console:ticket", number=ticket.number)
