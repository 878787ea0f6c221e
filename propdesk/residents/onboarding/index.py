"""What the company already has, as dicts of natural keys → ids and the few fields compared.

Sized for a group of 300,000 rooms and 500,000 residents: plain tuples of values read with
``values_list(...).iterator()``, never model instances; each dict is read only when its sheet
is reached. A resident's own fields (name, notes …) are not held here: they are read in batches
as the file's rows name them (place_sheets).

Rows the file creates get a negative placeholder id (``Ids.new``) until they are written, so a
later sheet can refer to them in a dry run too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from propdesk.org.models import Company, Department, Project, Region, User

from ..models import Building, Residency, Resident, Room, Unit

CHUNK = 5000


class RegionRow(NamedTuple):
    id: int
    name: str


class ProjectRow(NamedTuple):
    id: int
    region_id: int
    name: str
    address: str
    is_active: bool


class DepartmentRow(NamedTuple):
    id: int
    name: str
    kind: str
    project_id: int | None
    region_id: int | None
    is_active: bool


class StaffRow(NamedTuple):
    id: int
    display_name: str
    phone: str
    email: str
    role: str
    department_id: int | None
    scope_level: str
    scope_region_id: int | None
    is_active: bool
    scope_projects: frozenset[int]


class NamedRow(NamedTuple):
    id: int
    name: str


class RoomRow(NamedTuple):
    id: int
    floor: int | None
    area: Decimal | None
    use: str
    is_occupied: bool


class ResidencyRow(NamedTuple):
    id: int
    relation: str
    since: date | None
    is_active: bool


class Ids:
    """Placeholder ids for rows not written yet, and the real ids they became."""

    def __init__(self) -> None:
        self._last = 0
        self.real: dict[int, int] = {}

    def new(self) -> int:
        self._last -= 1
        return self._last

    def resolve(self, ref: int) -> int:
        return self.real.get(ref, ref) if ref < 0 else ref


@dataclass
class Index:
    company: Company
    regions: dict[str, RegionRow] = field(default_factory=dict)
    other_region_codes: set[str] = field(default_factory=set)
    projects: dict[str, ProjectRow] = field(default_factory=dict)
    other_project_codes: set[str] = field(default_factory=set)
    departments: dict[str, DepartmentRow] = field(default_factory=dict)
    staff: dict[str, StaffRow] = field(default_factory=dict)
    other_usernames: set[str] = field(default_factory=set)
    #: (project id, building code) → building; (building id, unit code) → unit;
    #: (unit id, room number) → room.
    buildings: dict[tuple[int, str], NamedRow] = field(default_factory=dict)
    units: dict[tuple[int, str], NamedRow] = field(default_factory=dict)
    rooms: dict[tuple[int, str], RoomRow] = field(default_factory=dict)
    #: Canonical phone → resident id; phones shared by several of the company's residents.
    residents: dict[str, int] = field(default_factory=dict)
    shared_phones: set[str] = field(default_factory=set)
    residencies: dict[tuple[int, int], ResidencyRow] = field(default_factory=dict)

    def load_org(self) -> None:
        company = self.company
        for region in Region.objects.values_list("pk", "code", "name", "company_id"):
            if region[3] == company.pk:
                self.regions[region[1]] = RegionRow(region[0], region[2])
            else:
                self.other_region_codes.add(region[1])
        projects = Project.objects.values_list(
            "pk", "code", "region_id", "name", "address", "is_active", "company_id"
        )
        for pk, code, region_id, name, address, active, company_id in projects:
            if company_id == company.pk:
                self.projects[code] = ProjectRow(pk, region_id, name, address, active)
            else:
                self.other_project_codes.add(code)

    def load_departments(self) -> None:
        rows = Department.objects.filter(company=self.company).values_list(
            "pk", "code", "name", "kind", "project_id", "region_id", "is_active"
        )
        for pk, code, name, kind, project_id, region_id, active in rows:
            self.departments[code] = DepartmentRow(pk, name, kind, project_id, region_id, active)

    def load_staff(self) -> None:
        scopes: dict[int, set[int]] = {}
        through = User.scope_projects.through.objects.filter(user__company=self.company)
        for user_id, project_id in through.values_list("user_id", "project_id"):
            scopes.setdefault(user_id, set()).add(project_id)
        users = User.objects.values_list(
            "pk", "username", "display_name", "phone", "email", "role", "department_id",
            "scope_level", "scope_region_id", "is_active", "company_id",
        )  # fmt: skip
        for pk, username, *rest, company_id in users.iterator(chunk_size=CHUNK):
            if company_id == self.company.pk:
                fields = (pk, *rest, frozenset(scopes.get(pk, ())))
                self.staff[username] = StaffRow._make(fields)
            else:
                self.other_usernames.add(username)

    def load_places(self) -> None:
        projects = Project.objects.filter(company=self.company)
        buildings = Building.objects.filter(project__in=projects)
        for pk, project_id, code, name in buildings.values_list("pk", "project_id", "code", "name"):
            self.buildings[(project_id, code)] = NamedRow(pk, name)
        units = Unit.objects.filter(building__project__in=projects)
        for pk, building_id, code, name in units.values_list("pk", "building_id", "code", "name"):
            self.units[(building_id, code)] = NamedRow(pk, name)
        rooms = Room.objects.filter(project__in=projects).values_list(
            "pk", "unit_id", "number", "floor", "area", "use", "is_occupied"
        )
        for pk, unit_id, number, floor, area, use, occupied in rooms.iterator(chunk_size=CHUNK):
            self.rooms[(unit_id, number)] = RoomRow(pk, floor, area, use, occupied)

    def load_residents(self) -> None:
        residents = Resident.objects.filter(company=self.company).exclude(phone="")
        for pk, phone in residents.values_list("pk", "phone").iterator(chunk_size=CHUNK):
            if phone in self.residents:
                self.shared_phones.add(phone)
            self.residents[phone] = pk
        residencies = Residency.objects.filter(resident__company=self.company).values_list(
            "pk", "resident_id", "room_id", "relation", "since", "is_active"
        )
        rows = residencies.iterator(chunk_size=CHUNK)
        for pk, resident_id, room_id, relation, since, active in rows:
            self.residencies[(resident_id, room_id)] = ResidencyRow(pk, relation, since, active)


def chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
