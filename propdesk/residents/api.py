"""Resident, room and building lookup, and logged phone reveals (the household file, which
lists the room's tickets, is ``tickets.api_household``)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from propdesk.core.errors import NotFound
from propdesk.org.access import check_project_scope
from propdesk.org.models import Project

from . import phones, services
from .choices import Relation
from .models import Building, Residency, Resident, Room, mask_phone

router = Router(tags=["residents"])


class BuildingOut(Schema):
    id: int
    code: str
    name: str


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


def resident_data(resident: Resident) -> dict:
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


def room_data(room: Room) -> dict:
    return {
        "id": room.pk,
        "label": room.label,
        "project": room.project.code,
        "building": room.building.name,
        "unit": room.unit.name,
        "number": room.number,
        "is_occupied": room.is_occupied,
    }


def with_rooms(qs, user):
    """Each resident's homes, but only those inside the user's scope (SPEC §1): a resident who
    also owns a flat in another project must not reveal that flat to staff who cannot see it."""
    return qs.prefetch_related(
        Prefetch(
            "residencies",
            Residency.objects.for_user(user)
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
    return [resident_data(r) for r in with_rooms(qs, request.user)[:50]]


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request: HttpRequest, resident_id: int):
    resident = services.get_resident(request.user, resident_id)
    return resident_data(with_rooms(Resident.objects.filter(pk=resident.pk), request.user).get())


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
        room_data(r)
        for r in services.find_rooms(request.user, project=project, building_id=building_id, q=q)[
            :100
        ]
    ]


@router.get("/projects/{code}/buildings", response=list[BuildingOut])
def buildings(request: HttpRequest, code: str):
    # A project named in the address is a resource: unknown is 404, outside the scope 403
    # (an empty list would read as "this project has no buildings").
    project = Project.objects.filter(code=code).first()
    if project is None:
        raise NotFound(_("项目编码“%(code)s”不存在") % {"code": code})
    check_project_scope(request.user, project)
    qs = Building.objects.filter(project=project)
    return [{"id": b.pk, "code": b.code, "name": b.name} for b in qs]
