"""Intake, the phone agent's screen (issue 5 §2): find the caller by phone or room and see the
household file, fill in the request (四清楚: who, where, what, what they expect), read it back
before saving, see what is already open at the same place, then register."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core import clock
from propdesk.core.errors import DomainError, InvalidInput
from propdesk.core.web import console_view
from propdesk.org.models import Project
from propdesk.residents import phones
from propdesk.residents.models import Resident, Room, mask_phone
from propdesk.residents.services import find_residents, find_rooms, get_resident, get_room

from .. import services
from ..choices import Channel, Kind, Nature, ReporterType, Status
from ..extensions import intake_registered, page_parts, similar_open_requests
from ..models import Category, Ticket
from ..moves import grade_fact_fields

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
    requests, and what other apps add (the last callbacks: tickets.extensions page parts)."""
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
        "parts": page_parts("intake_household", tickets),
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
                    Room.objects.for_user(user)
                    .filter(residencies__resident=resident, residencies__is_active=True)
                    .select_related("building", "unit")[:2]
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
    return render(request, "tickets/intake_household.html", context)


@console_view
def similar_panel(request: HttpRequest) -> HttpResponse:
    """htmx: open requests at the same place or saying nearly the same thing (hot issues),
    shown before saving so the agent can link instead of duplicating."""
    get = request.GET
    room = None
    if get.get("room_id"):
        room = Room.objects.for_user(request.user).filter(pk=get["room_id"]).first()
    project = (
        room.project
        if room
        else Project.objects.for_user(request.user).filter(code=get.get("project") or "").first()
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
        request, "tickets/intake_similar.html", {"by_place": by_place, "by_text": by_text}
    )


class _FormErrors(list):
    """The refusals of one intake form, each naming its field: (field, message) pairs."""

    def add(self, refused: DomainError) -> None:
        self.append((refused.field or "", refused.message))

    def by_field(self) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        for name, message in self:
            fields.setdefault(name, []).append(message)
        return fields


def _aware(value: str, name: str, errors: _FormErrors) -> datetime | None:
    if not value:
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(value))
    except ValueError:
        errors.add(InvalidInput(_("时间格式不对,如 2026-09-09 10:00"), field=name))
        return None


def _chosen(post, name: str, errors: _FormErrors) -> int | None:
    value = (post.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        errors.add(InvalidInput(_("所选的住户或房屋无效,请重新选择"), field=name))
        return None
    return int(value)


def _grade_facts(post, errors: _FormErrors) -> dict:
    """The grade facts the agent recorded at intake (the fieldset 性质与定级事实): only what
    differs from a new request's defaults, so an untouched fieldset records nothing."""
    from propdesk.tickets.services.grading import BOOLEAN_FACTS

    facts: dict = {name: True for name in BOOLEAN_FACTS if post.get(name) == "on"}
    count = (post.get("complainant_count") or "").strip()
    if count and count != "1":
        if count.isdigit() and len(count) < 7:
            facts["complainant_count"] = int(count)
        else:
            errors.add(InvalidInput(_("投诉人数须为正整数"), field="complainant_count"))
    for name in ("claimed_amount", "repeat_of"):
        if value := (post.get(name) or "").strip():
            facts[name] = value
    for name in ("media_exposure", "litigation"):
        if (value := post.get(name) or "none") != "none":
            facts[name] = value
    return facts


def _new_ticket(post, errors: _FormErrors) -> services.NewTicket:
    """The request as the form gives it; what cannot even be read (a malformed time, a
    tampered id) goes into ``errors`` naming its field, and the rest is still checked."""
    data = {name: (post.get(name) or "").strip() for name in TEXT_FIELDS}
    data["project"] = data["project"] or None
    return services.NewTicket(
        **data,
        resident_id=_chosen(post, "resident_id", errors),
        room_id=_chosen(post, "room_id", errors),
        received_at=_aware(post.get("received_at", ""), "received_at", errors),
        agreed_reply_at=_aware(post.get("agreed_reply_at", ""), "agreed_reply_at", errors),
        is_emergency=post.get("is_emergency") == "on",
        client_ref=(post.get("client_ref") or "").strip(),
        nature=(post.get("nature") or "").strip() or Nature.PENDING,
        grade_facts=_grade_facts(post, errors),
    )


def _checked(request: HttpRequest) -> tuple[services.NewTicket, _FormErrors]:
    """The form read and checked by registration's own checks (services.validate_ticket), all
    refusals at once, nothing written."""
    errors = _FormErrors()
    data = _new_ticket(request.POST, errors)
    for refused in services.validate_ticket(request.user, data):
        errors.add(refused)
    return data, errors


def _warnings(data: services.NewTicket) -> list[tuple[str, str]]:
    """What is accepted but worth a second look before saving, by field."""
    said = phones.warning(data.contact_phone)
    return [("contact_phone", said)] if said else []


class _Undo(Exception):
    """Raised inside the registration's transaction to undo it (a file refused, a dry run)."""


def _register_with_files(
    request: HttpRequest, data: services.NewTicket, *, keep: bool
) -> tuple[Ticket | None, bool, _FormErrors]:
    """Register and attach the files in one transaction, with the services' own checks: a
    refused file undoes the whole registration (nothing half-written) and is reported at the
    file field. ``keep=False`` is a dry run: everything is undone, the refusals are known."""
    errors = _FormErrors()
    stored: list[str] = []
    uploads = request.FILES.getlist("files")
    try:
        with transaction.atomic():
            ticket, created = services.register_ticket(request.user, data)
            if created and keep:
                # What other apps' parts of the page added to the form (suggest: what it
                # suggested and whether the agent took it).
                intake_registered(request.user, ticket, request.POST)
            for upload in uploads if created else ():
                try:
                    stored.append(services.add_attachment(request.user, ticket, upload).file.name)
                except DomainError as refused:
                    errors.add(InvalidInput(f"{upload.name}:{refused.message}", field="files"))
            if errors or not keep:
                raise _Undo
    except _Undo:
        for name in stored:  # the rows are rolled back; the stored copies go too
            default_storage.delete(name)
        return None, False, errors
    except DomainError as refused:
        errors.add(refused)
        return None, False, errors
    return ticket, created, errors


def _readback(user, data: services.NewTicket) -> dict:
    """The summary read back to the caller before saving, with names instead of codes (the
    data has passed registration's checks)."""
    category = Category.objects.filter(code=data.category).select_related("parent").first()
    room = get_room(user, data.room_id) if data.room_id else None
    resident = get_resident(user, data.resident_id) if data.resident_id else None
    return {
        "kind": Kind(data.kind).label if data.kind in Kind.values else "",
        "channel": Channel(data.channel).label if data.channel in Channel.values else "",
        "category": category.full_name if category else "",
        "who": resident.name if resident else data.contact_name or _("匿名"),
        # What the agent typed, read back in full to the caller (the household's own phones
        # stay masked).
        "phone": phones.normalise(data.contact_phone),
        "where": " ".join(x for x in (room.label if room else "", data.place) if x),
        "description": data.description,
        "expectation": data.expectation,
        "received_at": data.received_at,
        "facts": _facts_said(data),
    }


def _facts_said(data: services.NewTicket) -> list[str]:
    """The nature and grade facts recorded at intake, in words, for the read-back."""
    said = []
    if data.nature != Nature.PENDING and data.nature in Nature.values:
        said.append(f"{_('性质')}:{Nature(data.nature).label}")
    fields = {f.name: f for f in grade_fact_fields()}
    for name, value in data.grade_facts.items():
        field = fields.get(name)
        if field is None:
            continue
        if field.widget == "checkbox":
            said.append(str(field.label))
        elif field.widget == "select":
            said.append(f"{field.label}:{dict(field.choices).get(value, value)}")
        else:
            said.append(f"{field.label}:{value}")
    return said


@console_view
@require_POST
def check_intake(request: HttpRequest) -> JsonResponse:
    """fetch from the intake form's 核对 button: every refusal at once beside its field, and
    warnings, before the read-back; or, when nothing is refused, the read-back itself. Fields
    by registration's own checks; attached files by a registration that is undone."""
    try:
        data, errors = _checked(request)
        if not errors and request.FILES:
            errors = _register_with_files(request, data, keep=False)[2]
        readback = (
            ""
            if errors
            else render_to_string(
                "tickets/intake_readback.html",
                {"readback": _readback(request.user, data)},
                request=request,
            )
        )
    except DomainError as refused:  # a 403 of the scope, say: shown like the others
        errors, readback, data = _FormErrors([(refused.field or "", refused.message)]), "", None
    return JsonResponse(
        {
            "errors": [{"field": f, "message": m} for f, m in errors],
            "warnings": [{"field": f, "message": m} for f, m in _warnings(data)] if data else [],
            "readback": readback,
        },
        status=400 if errors else 200,
    )


@console_view
def intake_page(request: HttpRequest) -> HttpResponse:
    """GET: an empty form (a room or resident may be given). POST without ``confirmed``: every
    refusal beside its field, or the read-back (what check_intake answers to the page's script,
    for a browser without it). POST with it: register and attach the files in one go, then go
    to the new ticket; a refused file is shown at the file field and nothing is saved."""
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
        "projects": Project.objects.for_user(request.user).order_by("code"),
        "now": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        "posted": request.POST if request.method == "POST" else request.GET,
        # One id per form shown: pressing "confirm" twice (or a retried POST) registers once.
        "client_ref": request.POST.get("client_ref") or f"console-{uuid.uuid4()}",
        "description_max": services.DESCRIPTION_MAX_LENGTH,
        "grade_fields": grade_fact_fields(),
        "assist": page_parts("intake_assist", request.user),
        "errors": {},
    }
    if request.method != "POST" or request.POST.get("confirmed") == "0":  # 返回修改
        return render(request, "tickets/intake.html", context)
    data, errors = _checked(request)
    context["warnings"] = dict(_warnings(data))
    if not errors:
        if request.POST.get("confirmed") != "1":
            context["readback"] = _readback(request.user, data)
            return render(request, "tickets/intake.html", context)
        ticket, created, errors = _register_with_files(request, data, keep=True)
        if ticket is not None:
            if created:
                messages.success(request, _("已登记 %(n)s") % {"n": ticket.number})
            return redirect("tickets:ticket", number=ticket.number)
        if all(field == "files" for field, _message in errors):
            # Only files refused: the request itself is fine, read back again to confirm.
            context["readback"] = _readback(request.user, data)
    context["errors"] = errors.by_field()
    context["error_list"] = errors
    return render(request, "tickets/intake.html", context, status=400)
