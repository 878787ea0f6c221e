"""Registering a request (登记): the first move of every ticket (SPEC §3, §4)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Choices
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.cache import TtlCache
from propdesk.core.errors import DomainError, InvalidInput, NotFound
from propdesk.core.rows import insert_rows
from propdesk.org.access import check_project_scope
from propdesk.org.models import Project, User
from propdesk.residents import phones
from propdesk.residents.models import Building, Residency, Resident, Room

from ..choices import Channel, EventKind, HelpType, Kind, Nature, RepairScope, ReporterType
from ..models import Category, Ticket
from .guards import record_event, require_move_role, require_text
from .numbering import next_ticket_number
from .references import resolve_in_project, unknown

#: A received-at a little in the future is clock skew between devices, not a mistake.
RECEIVED_AT_SKEW = timedelta(minutes=5)
#: The longest description intake takes, in characters (the console counts them as they are
#: typed): a long letter is summarised, and the letter itself attached.
DESCRIPTION_MAX_LENGTH = 2000
CENTS = Decimal("0.01")
#: register_ticket leaves on the ticket it has just made the ``updated_at`` it wrote last:
#: serializers.detail() then answers from that object instead of reading the ticket back.
REGISTERED_IN_MEMORY = "_registered_in_memory"
_T = TypeVar("_T")


@dataclass
class NewTicket:
    """What intake records (四清楚): who, when, where, what, and what the resident expects."""

    kind: str
    channel: str
    category: str
    description: str
    project: str | None = None
    reporter_type: str = ReporterType.RESIDENT
    resident_id: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    room_id: int | None = None
    building_id: int | None = None
    place: str = ""
    expectation: str = ""
    received_at: datetime | None = None
    agreed_reply_at: datetime | None = None
    nature: str = Nature.PENDING
    repair_scope: str = ""
    is_paid_repair: bool = False
    help_type: str = ""
    is_emergency: bool = False
    on_site_finished_at: datetime | None = None
    client_ref: str = ""
    #: From the resident portal by a phone not on the household file: the queue shows it as
    #: "unverified, match to a room" until an agent sets its room (update_ticket).
    needs_room_match: bool = False
    #: What the grade rules read (SPEC §5), when known at intake: {"complainant_count": 12, …}.
    grade_facts: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def _choice(value: str, choices: type[Choices], field_name: str, label: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            _("%(label)s“%(value)s”无效,可选:%(options)s")
            % {"label": label, "value": value, "options": ", ".join(choices.values)},
            field=field_name,
        )
    return value


#: Active categories by code, with their parents: every registration names one, and only an
#: administrator changes them (saving one clears this process's copy: apps.py).
_categories: TtlCache[Category] = TtlCache(seconds=60)


def clear_category_cache() -> None:
    _categories.clear()


def _resolve_category(code: str) -> Category:
    def load() -> Category:
        # With its parent: the ticket's category is shown by its full name (大类 / 小类).
        found = (
            Category.objects.select_related("parent")
            .filter(code=code, is_active=True)
            .order_by()
            .first()
        )
        if found is None:  # not kept: a caller's typos must not fill the cache
            raise InvalidInput(
                _("分类编码“%(code)s”不存在或已停用") % {"code": code}, field="category"
            )
        return found

    return _categories.get(code, load)


def _resolve_place(
    data: NewTicket, actor: User
) -> tuple[Project, Room | None, Building | None, Resident | None]:
    """The project, room, building and resident a registration names, each inside the actor's
    scope and all of one project (references.resolve_in_project): the project is the one
    named, else the room's or the building's, else the resident's only home in the scope."""
    room = building = resident = None
    project = None
    if data.project:
        project = Project.objects.select_related("company").filter(code=data.project).first()
        if project is None:
            raise InvalidInput(
                _("项目编码“%(code)s”不存在") % {"code": data.project}, field="project"
            )
        check_project_scope(actor, project, field="project")
    if data.room_id is not None:
        # The project and its company come along: the ticket row, its receipt and scope read
        # them (two queries fewer per registration).
        # order_by() (in resolve_in_project): the model's default order (project, building,
        # unit codes) would join three more tables to sort one row, and plan at ~3 ms.
        room = resolve_in_project(
            actor, Room, data.room_id, project, field="room_id",
            queryset=Room.objects.select_related("building", "unit", "project__company"),
        )  # fmt: skip
        project = project or room.project
        building = room.building
    if data.building_id is not None and building is None:
        building = resolve_in_project(
            actor, Building, data.building_id, project, field="building_id",
            queryset=Building.objects.select_related("project__company"),
        )  # fmt: skip
        project = project or building.project
    if data.resident_id is not None and project is None and room is None and building is None:
        # A resident alone (the commonest complaint): who, and where they live, in one read.
        resident, homes = _resident_and_homes(actor, data.resident_id)
        if len(homes) == 1:
            project = homes[0].project
            if not data.place.strip():
                room = homes[0]
                building = room.building
    elif data.resident_id is not None:
        resident = resolve_in_project(actor, Resident, data.resident_id, project,
                                      field="resident_id")  # fmt: skip
        if room is None and building is None:
            # The resident's own home is the place when nothing else was said and only one
            # home (in the project, or in the actor's scope) is in question; it also tells the
            # project. Both conditions go in one filter() so they apply to the same residency:
            # chained, they would match a room through anyone's active residency.
            # (The project is known here: a resident alone is read by _resident_and_homes.)
            candidates = Room.objects.filter(
                residencies__resident=resident, residencies__is_active=True, project=project
            )
            # A person has a few homes: those outside the scope are dropped here, not by a
            # list of every project id of a company-wide user in the query.
            only = [
                home
                for home in candidates.select_related("building", "unit", "project__company")
                .order_by("pk")
                .distinct()[:20]
                if actor.in_scope(home.project_id)
            ][:2]
            if len(only) == 1:
                project = project or only[0].project
                if not data.place.strip():
                    room = only[0]
                    building = room.building
    if project is None:
        raise InvalidInput(_("请选择项目或房屋"), field="project")
    check_project_scope(actor, project, field="project")
    if room is None and building is None and not data.place.strip():
        raise InvalidInput(_("请填写地点:房屋、楼栋或具体位置"), field="place")
    return project, room, building, resident


def _resident_and_homes(actor: User, key: int) -> tuple[Resident, list[Room]]:
    """The resident with this id — refused as references.resolve_in_project refuses one, when
    none of their homes, past or present, is in the actor's scope — and the rooms they live
    in now within the scope, by id: one query for what took three."""
    residencies = list(
        Residency.objects.filter(resident_id=key)
        .select_related("resident", "room__building", "room__unit", "room__project__company")
        .order_by("room_id", "pk")
    )
    if not any(actor.in_scope(r.room.project_id) for r in residencies):
        raise unknown(Resident, key, "resident_id")
    homes: dict[int, Room] = {}
    for residency in residencies:
        if residency.is_active and actor.in_scope(residency.room.project_id):
            homes.setdefault(residency.room_id, residency.room)
    return residencies[0].resident, list(homes.values())


def _grade_facts(given: dict, project: Project) -> dict:
    """Checked grade facts, each refused by its own name when wrong."""
    from .grading import GRADE_FACT_FIELDS, clean_fact

    if not isinstance(given, dict):
        raise InvalidInput(_("定级事实须为对象"), field="grade_facts")
    if not given:
        return {}  # most registrations: no blank ticket made to check nothing against
    unknown = sorted(set(given) - GRADE_FACT_FIELDS)
    if unknown:
        raise InvalidInput(_("未知的定级事实:%(f)s") % {"f": ", ".join(unknown)}, field=unknown[0])
    blank = Ticket(project=project)
    facts = {name: clean_fact(blank, name, value) for name, value in given.items()}
    if facts.get("claimed_amount") is not None:
        # As the database gives it back (5000 → 5000.00): the answer to the registration is
        # built from this object and must read as a later GET does.
        facts["claimed_amount"] = facts["claimed_amount"].quantize(CENTS)
    return facts


def register_ticket(
    actor: User, data: NewTicket, *, now: datetime | None = None
) -> tuple[Ticket, bool]:
    """Record a new request and put it in the service centre's queue.

    Returns ``(ticket, created)``. With a ``client_ref`` the call is idempotent: a retry of the
    same registration returns the ticket the first call made, ``created`` False.
    """
    require_move_role(actor, "register")
    client_ref = (data.client_ref or "").strip()
    try:
        return _register(actor, data, client_ref, clock.resolve(now)), True
    except _Clash as clash:
        # A concurrent retry with the same client_ref won the race: its ticket.
        existing = _registered_before(clash.company_id, client_ref)
        if existing is None:
            raise clash.error from None
    except InvalidInput:
        # A retry of a registration already made gets that ticket even if the retry itself
        # would now be refused (a category switched off since). Looked for only now, not
        # first: that would cost every registration a query.
        existing = _registered_before(actor.company_id, client_ref)
        if existing is None:
            raise
    check_project_scope(actor, existing.project_id)
    return existing, False


class _Clash(Exception):
    """The insert broke a unique rule, in this company (client_refs are unique per company)."""

    def __init__(self, company_id: int, error: IntegrityError) -> None:
        super().__init__(str(error))
        self.company_id, self.error = company_id, error


def _registered_before(company_id: int | None, client_ref: str) -> Ticket | None:
    if not client_ref or company_id is None:
        return None
    return Ticket.objects.filter(company=company_id, client_ref=client_ref).first()


def validate_ticket(
    actor: User, data: NewTicket, *, now: datetime | None = None
) -> list[DomainError]:
    """Every refusal registering ``data`` now would meet, each naming its field, without
    writing anything: what the console shows beside the fields before the read-back."""
    require_move_role(actor, "register")
    checks = _Checks()
    with suppress(DomainError):  # each refusal is kept in checks.errors
        _check(actor, data, clock.resolve(now), checks)
    return checks.errors


class _Checks:
    """Runs a registration's checks one after another and keeps every refusal, so that all the
    fields to correct are named at once, not one per try."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def run(self, check: Callable[..., _T], *args: Any) -> _T | None:
        try:
            return check(*args)
        except DomainError as refused:
            self.errors.extend(refused.errors)
        return None

    def raise_any(self) -> None:
        """The first refusal (its status and field, as before), carrying all of them."""
        if self.errors:
            first = self.errors[0]
            first.errors = list(self.errors)
            raise first


class _Checked(NamedTuple):
    """What the checks of a registration found: the values the ticket is written with."""

    description: str
    category: Category
    received_at: datetime
    on_site_finished_at: datetime | None
    project: Project
    room: Room | None
    building: Building | None
    resident: Resident | None
    facts: dict
    contact_name: str
    contact_phone: str


def _description(text: str) -> str:
    description = require_text(text, "description", _("诉求内容"))
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(
            _("诉求内容最多 %(max)s 字,现在 %(n)s 字;原件可作为附件上传")
            % {"max": DESCRIPTION_MAX_LENGTH, "n": len(description)},
            field="description",
        )
    return description


def _kind_details(data: NewTicket) -> None:
    if data.kind != Kind.REPAIR and (data.repair_scope or data.is_paid_repair):
        raise InvalidInput(_("只有报修才有维修范围和有偿维修"), field="repair_scope")
    if data.kind != Kind.HELP and data.help_type:
        raise InvalidInput(_("只有求助才有求助类型"), field="help_type")


def _received_at(data: NewTicket, at: datetime) -> datetime:
    received_at = clock.resolve(data.received_at) if data.received_at else at
    if received_at > at + RECEIVED_AT_SKEW:
        raise InvalidInput(_("接报时间不能晚于现在"), field="received_at")
    return received_at


def _agreed_reply_at(data: NewTicket, received_at: datetime) -> None:
    if data.agreed_reply_at and clock.resolve(data.agreed_reply_at) < received_at:
        raise InvalidInput(_("约定反馈时间不能早于接报时间"), field="agreed_reply_at")


def _on_site_finished_at(
    data: NewTicket, received_at: datetime | None, at: datetime
) -> datetime | None:
    if data.on_site_finished_at is None:
        return None
    if not data.is_emergency:
        raise InvalidInput(_("只有紧急事件才有现场处置完成时间"), field="on_site_finished_at")
    finished = clock.resolve(data.on_site_finished_at)
    if received_at is not None and not received_at <= finished <= at + RECEIVED_AT_SKEW:
        raise InvalidInput(_("现场处置完成时间须在接报之后、现在之前"), field="on_site_finished_at")
    return finished


def _contact(
    data: NewTicket, resident: Resident | None, contact_phone: str, place_known: bool
) -> tuple[str, str]:
    contact_name = data.contact_name.strip()
    if data.reporter_type == ReporterType.RESIDENT:
        if resident is None:
            if place_known or data.resident_id is None:
                raise InvalidInput(_("反映人为住户时须选择住户"), field="resident_id")
            return contact_name, contact_phone  # the resident itself was refused already
        return contact_name or resident.name, contact_phone or resident.phone
    if data.reporter_type == ReporterType.CONTACT:
        if not contact_name and not contact_phone:
            raise InvalidInput(_("请填写联系人姓名或电话"), field="contact_name")
    elif resident is not None or contact_name or contact_phone:
        raise InvalidInput(_("匿名诉求不能带住户或联系方式"), field="reporter_type")
    return contact_name, contact_phone


def _check(actor: User, data: NewTicket, at: datetime, checks: _Checks | None = None) -> _Checked:
    """Every check of a registration, all of them run: the refusals are raised together."""
    checks = checks or _Checks()
    run = checks.run
    run(_choice, data.kind, Kind, "kind", _("类型"))
    run(_choice, data.channel, Channel, "channel", _("来源"))
    reporter_type = run(_choice, data.reporter_type, ReporterType, "reporter_type", _("反映人类型"))
    run(_choice, data.nature, Nature, "nature", _("性质"))
    if data.repair_scope:
        run(_choice, data.repair_scope, RepairScope, "repair_scope", _("维修范围"))
    if data.help_type:
        run(_choice, data.help_type, HelpType, "help_type", _("求助类型"))
    run(_kind_details, data)
    description = run(_description, data.description)
    category = run(_resolve_category, data.category)
    received_at = run(_received_at, data, at)
    if received_at is not None:
        run(_agreed_reply_at, data, received_at)
    on_site_finished_at = run(_on_site_finished_at, data, received_at, at)
    place = run(_resolve_place, data, actor)
    project, room, building, resident = place or (None, None, None, None)
    facts = run(_grade_facts, data.grade_facts, project) if project is not None else {}
    # Kept as typed, with a warning where it is shown, when it cannot be validated (phones.py).
    phone = run(phones.clean, data.contact_phone, "contact_phone", _("联系电话"))
    contact = None
    if reporter_type is not None:  # who to contact depends on it: not asked when it is wrong
        contact = run(_contact, data, resident, phone.canonical if phone else "", place is not None)
    checks.raise_any()
    # No refusal: every check returned its value, so none of these is None (only a refused
    # check leaves one unset).
    assert description is not None and category is not None and received_at is not None
    assert project is not None and facts is not None and contact is not None
    return _Checked(
        description, category, received_at, on_site_finished_at, project, room, building,
        resident, facts, *contact,
    )  # fmt: skip


def _register(actor: User, data: NewTicket, client_ref: str, at: datetime) -> Ticket:
    (
        description, category, received_at, on_site_finished_at, project, room, building,
        resident, facts, contact_name, contact_phone,
    ) = _check(actor, data, at)  # fmt: skip
    try:
        with transaction.atomic():
            # Through core.rows: create() compiles its 68 columns anew every time.
            ticket = Ticket(
                number=next_ticket_number(project, at),
                company=project.company,
                project=project,
                client_ref=client_ref,
                kind=data.kind,
                channel=data.channel,
                category=category,
                nature=data.nature,
                repair_scope=data.repair_scope,
                is_paid_repair=data.is_paid_repair,
                help_type=data.help_type,
                is_emergency=data.is_emergency,
                on_site_finished_at=on_site_finished_at,
                reporter_type=data.reporter_type,
                resident=resident,
                contact_name=contact_name,
                contact_phone=contact_phone,
                room=room,
                building=building,
                place=data.place.strip(),
                needs_room_match=bool(data.needs_room_match) and room is None,
                description=description,
                expectation=data.expectation.strip(),
                agreed_reply_at=data.agreed_reply_at,
                received_at=received_at,
                registered_at=at,
                registered_by=actor,
                **facts,
            )
            insert_rows([ticket])
            record_event(
                ticket,
                EventKind.REGISTERED,
                actor,
                at,
                to_status=ticket.status,
                data={"channel": ticket.channel, "kind": ticket.kind},
            )
    except IntegrityError as error:
        raise _Clash(project.company_id, error) from error
    setattr(ticket, REGISTERED_IN_MEMORY, ticket.updated_at)
    return ticket


def get_ticket(actor: User, number: str) -> Ticket:
    """The ticket with this number, if it is within the user's scope."""
    ticket = (
        Ticket.objects.select_related("project", "category", "category__parent")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise NotFound(_("诉求 %(number)s 不存在") % {"number": number})
    check_project_scope(actor, ticket.project_id)
    return ticket
