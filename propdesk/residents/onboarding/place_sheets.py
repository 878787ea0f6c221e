"""The sheets of places and people: 房屋 (with its buildings and units) and 住户.

Natural keys: a building by its code within the project, a unit by its code within the
building, a room by its number within the unit; a resident by the phone within the company,
and a residency by the resident's phone and the room.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from .. import phones
from ..choices import ContactChannel, RoomUse
from ..models import Building, Residency, Resident, Room, Unit
from .engine import Checker, Context, Row, changed, duplicate, merged
from .index import NamedRow, ResidencyRow, RoomRow
from .reading import Table
from .report import SheetReport
from .writing import BATCH, Batch


def default_name(code: str, suffix: str) -> str:
    """3 → 3栋, 2 → 2单元; A座 stays A座."""
    return f"{code}{suffix}" if code.isdigit() else code


class RoomsChecker(Checker):
    def __init__(self, ctx: Context, report: SheetReport, table: Table) -> None:
        super().__init__(ctx, report, table)
        self.seen_buildings: dict[tuple[int, str], tuple[int, str | None]] = {}
        self.seen_units: dict[tuple[int, str], tuple[int, str | None]] = {}
        self.seen_rooms: dict[tuple[int, str], int] = {}
        self.buildings = Batch(ctx, Building, update_fields=["name"], refs=["project_id"])
        self.units = Batch(ctx, Unit, update_fields=["name"], refs=["building_id"])
        self.rooms = Batch(
            ctx,
            Room,
            update_fields=["floor", "area", "use", "is_occupied"],
            refs=["project_id", "building_id", "unit_id"],
        )
        self.units.before = [self.buildings]
        self.rooms.before = [self.units]
        self.counts = {
            "building": report.count(_("楼栋")),
            "unit": report.count(_("单元")),
            "room": report.count(_("房屋")),
        }

    def row(self, row: Row) -> None:
        keys = ("project_code", "building", "unit", "number")
        if any(key in row.bad for key in keys) or not row["project_code"] or not row["number"]:
            return
        project = self.index.projects.get(row["project_code"])
        if project is None:
            row.problem("project_code", _("项目编码不存在(地区与项目表中和系统中都没有)"))
            return
        building = self._named(
            row,
            "building",
            self.index.buildings,
            self.seen_buildings,
            (project.id, row["building"]),
        )
        unit = self._named(
            row, "unit", self.index.units, self.seen_units, (building, row["unit"] or "")
        )
        key = (unit, row["number"])
        if duplicate(row, "number", self.seen_rooms, key):
            return
        wanted = {
            "floor": row["floor"],
            "area": row["area"],
            "use": row["use"],
            "is_occupied": row["is_occupied"],
        }
        current = self.index.rooms.get(key)
        if current is None:
            ref = self.ctx.ids.new()
            values = {"floor": None, "area": None, "use": RoomUse.RESIDENTIAL, "is_occupied": True}
            values |= {k: v for k, v in wanted.items() if v is not None}
            self.index.rooms[key] = RoomRow._make((ref, *(values[f] for f in RoomRow._fields[1:])))
            if not row.ok:
                return
            self.counts["room"].created += 1
            number, project_id = row["number"], project.id
            self.rooms.create(
                ref,
                lambda: Room(
                    project_id=project_id,
                    building_id=building,
                    unit_id=unit,
                    number=number,
                    **values,
                ),
            )
        elif not row.ok:
            return
        elif changed(current, wanted):
            new = merged(current, wanted)
            self.counts["room"].updated += 1
            self.rooms.update(lambda: Room(**new))
        else:
            self.counts["room"].unchanged += 1

    def _named(
        self,
        row: Row,
        kind: str,
        known: dict[tuple[int, str], NamedRow],
        seen: dict[tuple[int, str], tuple[int, str | None]],
        key: tuple[int, str],
    ) -> int:
        """The id (or placeholder) of the building or unit ``key``, created or renamed."""
        name = row[f"{kind}_name"]
        first = seen.get(key)
        if first is not None:
            if name and first[1] and name != first[1]:
                row.problem(
                    f"{kind}_name",
                    _("与第 %(row)s 行的名称(%(name)s)不一致")
                    % {"row": first[0], "name": first[1]},
                )
            return known[key].id
        seen[key] = (row.number, name)
        current = known.get(key)
        counts = self.counts[kind]
        parent, code = key
        if current is None:
            ref = self.ctx.ids.new()
            # Names are the company's data, in Chinese whatever the language of the page.
            name = name or default_name(code, "栋" if kind == "building" else "单元")
            known[key] = NamedRow(ref, name)
            counts.created += 1
            if kind == "building":
                self.buildings.create(
                    ref, lambda: Building(project_id=parent, code=code, name=name)
                )
            else:
                self.units.create(ref, lambda: Unit(building_id=parent, code=code, name=name))
            return ref
        if name and name != current.name:
            known[key] = NamedRow(current.id, name)
            counts.updated += 1
            if kind == "building":
                self.buildings.update(lambda: Building(pk=current.id, name=name))
            else:
                self.units.update(lambda: Unit(pk=current.id, name=name))
        else:
            counts.unchanged += 1
        return current.id

    def finish(self) -> None:
        self.rooms.flush()
        gone = [
            r.id for key, r in self.index.rooms.items() if r.id > 0 and key not in self.seen_rooms
        ]
        self.missing(str(_("房屋")), gone, room_labels)


def room_labels(ids: list[int]) -> list[str]:
    rooms = Room.objects.filter(pk__in=ids).select_related("project", "building", "unit")
    return [f"{room.project.code} {room.label}" for room in rooms.order_by("pk")]


PERSON = (
    "name",
    "phone2",
    "email",
    "is_key_customer",
    "preferred_contact",
    "contact_times",
    "notes",
)


class ResidentsChecker(Checker):
    def __init__(self, ctx: Context, report: SheetReport, table: Table) -> None:
        super().__init__(ctx, report, table)
        self.people: dict[str, tuple[int, int]] = {}  # phone → (first row, its person fields)
        self.handled: set[str] = set()
        self.seen: dict[tuple[str, int], int] = {}  # (phone, room) → row
        self.seen_residencies: set[int] = set()
        self.to_compare: list[tuple[int, dict[str, Any]]] = []
        self.residents = Batch(ctx, Resident, update_fields=PERSON)
        self.residencies = Batch(
            ctx,
            Residency,
            update_fields=["relation", "since", "is_active"],
            refs=["resident_id", "room_id"],
        )
        self.residencies.before = [self.residents]
        self.people_counts = report.count(_("住户"))
        self.residency_counts = report.count(_("住户关系"))

    def row(self, row: Row) -> None:
        room = self._room(row)
        phone = row["phone"]
        if phone is None or "phone" in row.bad:
            return
        if phone in self.index.shared_phones:
            row.problem("phone", _("系统中有多位住户使用这个手机号,无法确定是哪一位"))
            return
        person = {
            "name": row["name"],
            "phone2": row["phone2"],
            "email": row["email"],
            "is_key_customer": row["key_customer"],
            "preferred_contact": row["preferred_contact"],
            "contact_times": row["contact_times"],
            "notes": row["notes"],
        }
        digest = hash(tuple(person.values()))
        first = self.people.setdefault(phone, (row.number, digest))
        if first[1] != digest:
            row.problem(
                "phone",
                _("同一手机号在第 %(row)s 行的住户信息(姓名、备用电话、重点客户等)与本行不同")
                % {"row": first[0]},
            )
        if room is None or not row.ok or duplicate(row, "number", self.seen, (phone, room)):
            return
        resident = self._resident(phone, person)
        self._residency(resident, room, row)

    def _room(self, row: Row) -> int | None:
        keys = ("project_code", "building", "unit", "number")
        if any(key in row.bad for key in keys) or not row["project_code"] or not row["number"]:
            return None
        index = self.index
        project = index.projects.get(row["project_code"])
        if project is None:
            row.problem("project_code", _("项目编码不存在(地区与项目表中和系统中都没有)"))
            return None
        building = index.buildings.get((project.id, row["building"]))
        unit = index.units.get((building.id, row["unit"] or "")) if building else None
        room = index.rooms.get((unit.id, row["number"])) if unit else None
        if room is None:
            row.problem("number", _("房屋不存在(房屋表中和系统中都没有)"))
            return None
        return room.id

    def _resident(self, phone: str, person: dict[str, Any]) -> int:
        if phone in self.handled:
            return self.index.residents[phone]
        self.handled.add(phone)
        current = self.index.residents.get(phone)
        if current is not None:
            self.to_compare.append((current, person))
            if len(self.to_compare) >= BATCH:
                self._compare()
            return current
        ref = self.ctx.ids.new()
        self.index.residents[phone] = ref
        self.people_counts.created += 1
        values = {
            "phone2": "",
            "email": "",
            "is_key_customer": False,
            "contact_times": "",
            "notes": "",
        }
        values |= {"preferred_contact": ContactChannel.PHONE}
        values |= {k: v for k, v in person.items() if v is not None}
        company = self.ctx.company
        self.residents.create(ref, lambda: Resident(company=company, phone=phone, **values))
        return ref

    def _compare(self) -> None:
        """Which of the residents named so far change: their fields read in one query."""
        wanted = dict(self.to_compare)
        self.to_compare.clear()
        stored = Resident.objects.filter(pk__in=list(wanted)).values("pk", *PERSON)
        for current in stored.order_by():
            pk = current.pop("pk")
            given = {k: v for k, v in wanted[pk].items() if v is not None}
            if any(current[k] != v for k, v in given.items()):
                self.people_counts.updated += 1
                self.residents.update(partial(Resident, pk=pk, **(current | given)))
            else:
                self.people_counts.unchanged += 1

    def _residency(self, resident: int, room: int, row: Row) -> None:
        wanted = {"relation": row["relation"], "since": row["since"], "is_active": True}
        current = (
            self.index.residencies.get((resident, room)) if resident > 0 and room > 0 else None
        )
        if current is None:
            self.residency_counts.created += 1
            values = {k: v for k, v in wanted.items() if v is not None}
            self.residencies.create(
                None, lambda: Residency(resident_id=resident, room_id=room, **values)
            )
            return
        self.seen_residencies.add(current.id)
        if changed(current, wanted):
            new = merged(current, wanted)
            self.residency_counts.updated += 1
            self.residencies.update(lambda: Residency(**new))
            self.index.residencies[(resident, room)] = ResidencyRow(**new)
        else:
            self.residency_counts.unchanged += 1

    def finish(self) -> None:
        if self.to_compare:
            self._compare()
        self.residencies.flush()
        gone = [
            r.id
            for r in self.index.residencies.values()
            if r.is_active and r.id not in self.seen_residencies
        ]
        self.missing(str(_("住户关系")), gone, residency_labels)


def residency_labels(ids: list[int]) -> list[str]:
    rows = Residency.objects.filter(pk__in=ids).select_related(
        "resident", "room__project", "room__building", "room__unit"
    )
    return [
        f"{r.resident.name}({phones.mask(r.resident.phone)}) {r.room.project.code} {r.room.label}"
        for r in rows.order_by("pk")
    ]
