"""Finding residents and rooms, and the household file (一户一档, SPEC §2)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from propdesk.core.audit import audit
from propdesk.core.errors import InvalidInput, NotFound, OutOfScope, PermissionDenied
from propdesk.core.models import AuditAction
from propdesk.org.access import check_project_scope
from propdesk.org.choices import Role
from propdesk.org.models import User

from . import phones
from .models import Resident, Room


def residents_for(user: User) -> QuerySet[Resident]:
    """Residents linked to a room in one of the user's projects."""
    return Resident.objects.for_user(user)


def find_residents(
    user: User, *, phone: str = "", name: str = "", room_id: int | None = None
) -> QuerySet[Resident]:
    name = (name or "").strip()  # a blank name would match everyone
    if not (phone or name or room_id):
        raise InvalidInput(_("请输入电话、姓名或房屋"), field="phone")
    qs = residents_for(user)
    if phone:
        qs = qs.filter(phone_lookup(phone))
    if name:
        qs = qs.filter(name__contains=name)
    if room_id:
        qs = qs.filter(residencies__room_id=room_id)
    return qs


def phone_lookup(typed: str, fields: tuple[str, ...] = ("phone", "phone2")) -> Q:
    """Who has this phone, however it is typed: a whole number in any of its forms
    (+86 755 1234 5678, 0755-12345678) is compared in its stored form, and also finds the same
    line with an extension; anything else by the last digits people remember ("尾号 5678")."""
    typed = typed or ""
    number = phones.normalise(typed)
    found = Q()
    if number.valid:
        for name in fields:
            found |= Q(**{name: number.canonical})
            if not number.extension:
                found |= Q(**{f"{name}__startswith": number.canonical + phones.EXTENSION_SEPARATOR})
        return found
    digits = phones.digits(typed)
    if len(digits) < 4:
        raise InvalidInput(_("电话至少输入 4 位数字"), field="phone")
    for name in fields:
        found |= Q(**{f"{name}__endswith": digits})
        # … or the line before an extension (075512345678-801).
        found |= Q(**{f"{name}__contains": digits + phones.EXTENSION_SEPARATOR})
    return found


def get_resident(user: User, resident_id: int) -> Resident:
    resident = residents_for(user).filter(pk=resident_id).first()
    if resident is None:
        if Resident.objects.filter(pk=resident_id).exists():
            raise OutOfScope(_("该住户不在您的数据范围内"))
        raise NotFound(_("住户 %(id)s 不存在") % {"id": resident_id})
    return resident


def get_room(user: User, room_id: int) -> Room:
    room = (
        Room.objects.select_related("project", "building", "unit")
        .filter(pk=room_id)
        .order_by()
        .first()
    )
    if room is None:
        raise NotFound(_("房屋 %(id)s 不存在") % {"id": room_id})
    check_project_scope(user, room.project_id)
    return room


def find_rooms(
    user: User, *, project: str | None = None, building_id: int | None = None, q: str = ""
) -> QuerySet[Room]:
    qs = Room.objects.for_user(user).select_related("project", "building", "unit")
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


#: Roles that may see a phone number in full (SPEC §2); every reveal is audited.
PHONE_REVEAL_ROLES = frozenset(
    {Role.AGENT, Role.SUPERVISOR, Role.HANDLER, Role.PROJECT_MANAGER, Role.ADMIN}
)


def record_phone_reveal(
    actor: User, *, object_type: str, object_id: str | int, ip: str | None = None
) -> None:
    """Allow a full phone number to be shown to ``actor`` and write it to the audit log, or
    refuse: the one place that decides who may see phones."""
    if actor.role not in PHONE_REVEAL_ROLES and not actor.is_superuser:
        raise PermissionDenied(_("您的角色不能查看完整电话"))
    audit(actor, AuditAction.PHONE_REVEAL, object_type=object_type, object_id=object_id, ip=ip)


def set_accepts_messages(residents: list[Resident], allowed: bool) -> None:
    """The resident's own choice, made on the portal: whether we send them notices (receipts,
    progress, callback and survey links) at all (SPEC §12 "where the resident allows it")."""
    Resident.objects.filter(pk__in=[r.pk for r in residents]).update(accepts_messages=allowed)
    for resident in residents:
        resident.accepts_messages = allowed
