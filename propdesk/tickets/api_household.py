"""``GET /api/v1/rooms/{room_id}``: the household file — the room, its people and all its
tickets. The people and the room are read as ``residents.api`` shows them; the tickets are
ours, so the file lives here."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from propdesk.residents import services
from propdesk.residents.api import ResidentOut, RoomOut, resident_data, room_data, with_rooms
from propdesk.residents.models import Resident

from .choices import Status
from .models import Ticket

router = Router(tags=["residents"])


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


@router.get(
    "/rooms/{room_id}",
    response=HouseholdFileOut,
    summary="The household file: the room, its people and all its tickets",
)
def household_file(request: HttpRequest, room_id: int):
    room = services.get_room(request.user, room_id)
    people = with_rooms(Resident.objects.filter(residencies__room=room).distinct(), request.user)
    tickets = (
        Ticket.objects.filter(room=room)
        .select_related("category", "category__parent")
        .order_by("-received_at")
    )
    open_statuses = set(Status.values) - {Status.CLOSED, Status.MERGED, Status.CANCELLED}
    return {
        "room": room_data(room),
        "people": [resident_data(p) for p in people],
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
