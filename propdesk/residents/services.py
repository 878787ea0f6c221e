"""Finding residents and rooms, and the household file (一户一档, SPEC §2)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from propdesk.core.errors import InvalidInput, NotFound, OutOfScope
from propdesk.org.models import User
from propdesk.org.services import check_project_scope

from .models import Resident, Room, phone_digits


def residents_for(user: User) -> QuerySet[Resident]:
    """Residents linked to a room in one of the user's projects."""
    return Resident.objects.filter(residencies__room__project_id__in=user.project_ids).distinct()


def find_residents(
    user: User, *, phone: str = "", name: str = "", room_id: int | None = None
) -> QuerySet[Resident]:
    name = (name or "").strip()  # a blank name would match everyone
    if not (phone or name or room_id):
        raise InvalidInput(_("请输入电话、姓名或房屋"), field="phone")
    qs = residents_for(user)
    if phone:
        digits = phone_digits(phone)
        if len(digits) < 4:
            raise InvalidInput(_("电话至少输入 4 位数字"), field="phone")
        if len(digits) >= 11:
            qs = qs.filter(Q(phone=digits) | Q(phone2=digits))
        else:
            # The last digits are what people remember: "尾号 5678".
            qs = qs.filter(Q(phone__endswith=digits) | Q(phone2__endswith=digits))
    if name:
        qs = qs.filter(name__contains=name)
    if room_id:
        qs = qs.filter(residencies__room_id=room_id)
    return qs


def get_resident(user: User, resident_id: int) -> Resident:
    resident = residents_for(user).filter(pk=resident_id).first()
    if resident is None:
        if Resident.objects.filter(pk=resident_id).exists():
            raise OutOfScope(_("该住户不在您的数据范围内"))
        raise NotFound(_("住户 %(id)s 不存在") % {"id": resident_id})
    return resident


def get_room(user: User, room_id: int) -> Room:
    room = Room.objects.select_related("project", "building", "unit").filter(pk=room_id).first()
    if room is None:
        raise NotFound(_("房屋 %(id)s 不存在") % {"id": room_id})
    check_project_scope(user, room.project_id)
    return room


def find_rooms(
    user: User, *, project: str | None = None, building_id: int | None = None, q: str = ""
) -> QuerySet[Room]:
    qs = Room.objects.filter(project_id__in=user.project_ids).select_related(
        "project", "building", "unit"
    )
    if project:
        qs = qs.filter(project__code=project)
    if building_id:
        qs = qs.filter(building_id=building_id)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(number__contains=q) | Q(building__name__contains=q) | Q(unit__name__contains=q)
        )
    return qs
