"""Resident and room lookup, the household file, and logged phone reveals."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Router, Schema

from propdesk.tickets.choices import Status
from propdesk.tickets.models import Ticket

from . import phones, services
from .choices import Relation
from .models import Residency, Resident, Room, mask_phone

router = Router(tags=["residents"])


class ResidencyOut(Schema):
    room_id: int
    room: str
    project: str
    relation: str
    relation_display: str
    is_active: bool


class ResidentOut(Schema):
    id: int
    name: str
    phone: str = Field(description="masked; POST …/reveal-phone shows it in full")
    phone2: str
    phone_warning: str = Field(
        "", description="not empty when the phone could not be validated and is kept as typed"
    )
    phone2_warning: str = ""
    preferred_contact: str
    contact_times: str
    notes: str
    is_key_customer: bool
    rooms: list[ResidencyOut]


class RoomOut(Schema):
    id: int
    label: str
    project: str
    building: str
    unit: str
    number: str
    is_occupied: bool


class HouseholdTicket(Schema):
    number: str
    kind: str
    status: str
    status_display: str
    category: str
    description: str
    received_at: datetime


# Not "HouseholdOut": the visit plans have one, and two schemas of one name were one component
# in the OpenAPI document (GET /rooms/{id} documented the visit plan's household).
class HouseholdFileOut(Schema):
    """The household file of one room: the room, its people and all its tickets."""

    room: RoomOut
    people: list[ResidentOut]
    tickets: list[HouseholdTicket]
    open_tickets: int


def _resident(resident: Resident) -> dict:
    return {
        "id": resident.pk,
        "name": resident.name,
        "phone": mask_phone(resident.phone),
        "phone2": mask_phone(resident.phone2),
        "phone_warning": phones.warning(resident.phone),
        "phone2_warning": phones.warning(resident.phone2),
        "preferred_contact": resident.preferred_contact,
        "contact_times": resident.contact_times,
        "notes": resident.notes,
        "is_key_customer": resident.is_key_customer,
        "rooms": [
            {
                "room_id": r.room_id,
                "room": r.room.label,
                "project": r.room.project.code,
                "relation": r.relation,
                "relation_display": str(Relation(r.relation).label),
                "is_active": r.is_active,
            }
            for r in resident.residencies.all()
        ],
    }


def _room(room: Room) -> dict:
    return {
        "id": room.pk,
        "label": room.label,
        "project": room.project.code,
        "building": room.building.name,
        "unit": room.unit.name,
        "number": room.number,
        "is_occupied": room.is_occupied,
    }


def _with_rooms(qs, user):
    """Each resident's homes, but only those inside the user's scope (SPEC §1): a resident who
    also owns a flat in another project must not reveal that flat to staff who cannot see it."""
    return qs.prefetch_related(
        Prefetch(
            "residencies",
            Residency.objects.filter(room__project_id__in=user.project_ids)
            .select_related("room__building", "room__unit", "room__project")
            .order_by("pk"),
        )
    )


@router.get(
    "/residents",
    response=list[ResidentOut],
    summary="Find residents by phone (full or last digits), name or room",
)
def find_residents(
    request: HttpRequest, phone: str = "", name: str = "", room_id: int | None = None
):
    qs = services.find_residents(request.user, phone=phone, name=name, room_id=room_id)
    return [_resident(r) for r in _with_rooms(qs, request.user)[:50]]


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request: HttpRequest, resident_id: int):
    resident = services.get_resident(request.user, resident_id)
    return _resident(_with_rooms(Resident.objects.filter(pk=resident.pk), request.user).get())


@router.post(
    "/residents/{resident_id}/reveal-phone",
    summary="Show a resident's phones in full (role-limited, logged)",
)
def reveal_phone(request: HttpRequest, resident_id: int):
    resident = services.get_resident(request.user, resident_id)
    services.record_phone_reveal(
        request.user,
        object_type="resident",
        object_id=resident.pk,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return {"id": resident.pk, "phone": resident.phone, "phone2": resident.phone2}


@router.get("/rooms", response=list[RoomOut], summary="Find rooms (e.g. q=1101)")
def find_rooms(
    request: HttpRequest, project: str | None = None, building_id: int | None = None, q: str = ""
):
    return [
        _room(r)
        for r in services.find_rooms(request.user, project=project, building_id=building_id, q=q)[
            :100
        ]
    ]


@router.get(
    "/rooms/{room_id}",
    response=HouseholdFileOut,
    summary="The household file: the room, its people and all its tickets",
)
def household_file(request: HttpRequest, room_id: int):
    room = services.get_room(request.user, room_id)
    people = _with_rooms(Resident.objects.filter(residencies__room=room).distinct(), request.user)
    tickets = (
        Ticket.objects.filter(room=room)
        .select_related("category", "category__parent")
        .order_by("-received_at")
    )
    open_statuses = set(Status.values) - {Status.CLOSED, Status.MERGED, Status.CANCELLED}
    return {
        "room": _room(room),
        "people": [_resident(p) for p in people],
        "tickets": [
            {
                "number": t.number,
                "kind": t.kind,
                "status": t.status,
                "status_display": t.get_status_display(),
                "category": t.category.full_name,
                "description": t.description,
                "received_at": t.received_at,
            }
            for t in tickets
        ],
        "open_tickets": sum(1 for t in tickets if t.status in open_statuses),
    }
