"""The group benchmarks/generate.py builds: one company, regions of 20 projects, each project
with its departments, staff and households (buildings, units, rooms, owners and family)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from gen_sink import Sink, Table

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌宇浩然欣怡子轩"
CITIES = ["深圳", "广州", "东莞", "惠州", "佛山", "长沙", "武汉", "成都", "重庆", "西安"]
ESTATES = ["华苑", "丽景", "锦绣", "碧云", "天和", "星河", "名郡", "海辰", "御林", "清水",
           "翠湖", "金域", "尚城", "香山", "滨江"]  # fmt: skip
SUFFIXES = ["花园", "苑", "府", "湾", "公馆", "城", "家园", "雅居"]
DEPARTMENTS = [
    ("CS", "客服中心", "customer_service"),
    ("ENG", "工程部", "engineering"),
    ("SEC", "保安部", "security"),
    ("ENV", "环境部", "environment"),
]
PROJECTS_PER_REGION = 20
UNITS, FLOORS, PER_FLOOR = 2, 18, 4


@dataclass
class ProjectStaff:
    id: int
    code: str
    agents: list[int] = field(default_factory=list)
    supervisor: int = 0
    manager: int = 0
    handlers: dict[str, int] = field(default_factory=dict)  # department kind → user id
    departments: dict[str, int] = field(default_factory=dict)  # kind → department id
    #: (room id, building id, resident id, label, name, phone) of each household
    rooms: list[tuple] = field(default_factory=list)


@dataclass
class Org:
    company: int
    projects: list[ProjectStaff]
    weights: list[float]  # tickets per project vary with size and how demanding its residents are


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def build_org(sink: Sink, *, projects: int, households: int, seed: int) -> None:
    from propdesk.org.models import Company, Department, Project, Region, User
    from propdesk.residents.models import Building, Residency, Resident, Room, Unit

    rng = random.Random(seed)
    now = datetime.now(UTC)
    company = Company.objects.create(code="BG", name="华宇物业集团")
    regions = Region.objects.bulk_create(
        [
            Region(company=company, code=f"R{r + 1:02d}", name=f"{CITIES[r % 10]}地区公司")
            for r in range(math.ceil(projects / PROJECTS_PER_REGION))
        ]
    )
    made = Project.objects.bulk_create(
        [
            Project(
                region=regions[i // PROJECTS_PER_REGION],
                company=company,
                code=f"P{i + 1:03d}",
                name=f"{rng.choice(ESTATES)}{rng.choice(SUFFIXES)}{i + 1}期",
                address=f"{CITIES[i // PROJECTS_PER_REGION % 10]}市{rng.choice(ESTATES)}路{i}号",
            )
            for i in range(projects)
        ]
    )
    departments = Department.objects.bulk_create(
        [
            Department(company=company, project=p, code=f"{p.code}-{c}", name=n, kind=k)
            for p in made
            for c, n, k in DEPARTMENTS
        ]
    )
    by_project = {(d.project_id, d.kind): d for d in departments}
    users, scopes = [], []

    def staff(username, role, *, project=None, department=None, level="projects", region=None):
        user = User(
            username=username,
            role=role,
            company=company,
            department=department,
            scope_level=level,
            scope_region=region,
            display_name=_name(rng),
            phone=f"136{len(users):08d}",
        )
        user.set_unusable_password()
        users.append(user)
        if project is not None:
            scopes.append((user, project))

    for p in made:
        n = p.code.lower()
        cs = by_project[(p.pk, "customer_service")]
        staff(f"{n}-agent1", "agent", project=p, department=cs)
        staff(f"{n}-agent2", "agent", project=p, department=cs)
        staff(f"{n}-supervisor", "supervisor", project=p, department=cs)
        staff(f"{n}-manager", "project_manager", project=p)
        for kind in ("engineering", "security", "environment"):
            staff(f"{n}-{kind[:3]}", "handler", project=p, department=by_project[(p.pk, kind)])
    for r in regions:
        staff(f"{r.code.lower()}-region", "region", level="region", region=r)
    staff("hq", "hq", level="company")
    staff("quality", "quality", level="company")
    User.objects.bulk_create(users)
    through = User.scope_projects.through
    through.objects.bulk_create([through(user_id=u.pk, project_id=p.pk) for u, p in scopes])

    per = [
        households // projects + (1 if i < households % projects else 0) for i in range(projects)
    ]
    per_building = UNITS * FLOORS * PER_FLOOR
    buildings = Building.objects.bulk_create(
        [
            Building(project=p, code=str(b + 1), name=f"{b + 1}栋")
            for p, n in zip(made, per, strict=True)
            for b in range(math.ceil(n / per_building))
        ]
    )
    units = Unit.objects.bulk_create(
        [
            Unit(building=b, code=str(u + 1), name=f"{u + 1}单元")
            for b in buildings
            for u in range(UNITS)
        ]
    )
    unit_of = {(u.building_id, u.code): u.pk for u in units}
    building_ids: dict[int, list[int]] = {}
    for b in buildings:
        building_ids.setdefault(b.project_id, []).append(b.pk)

    room_table = Table(
        Room,
        ["id", "project_id", "building_id", "unit_id", "number", "floor", "area", "is_occupied"],
    )
    resident_table = Table(
        Resident, ["id", "company_id", "name", "phone", "is_key_customer", "created_at"]
    )
    residency_table = Table(
        Residency, ["id", "resident_id", "room_id", "relation", "is_active", "since"]
    )
    rooms, residents, residencies = [], [], []
    room_id, resident_id, residency_id = (
        sink.max_id(Room),
        sink.max_id(Resident),
        sink.max_id(Residency),
    )
    for p, n in zip(made, per, strict=True):
        for k in range(n):
            b, rest = divmod(k, per_building)
            u, rest = divmod(rest, FLOORS * PER_FLOOR)
            floor, r = divmod(rest, PER_FLOOR)
            building = building_ids[p.pk][b]
            occupied = rng.random() < 0.95
            room_id += 1
            rooms.append(
                (room_id, p.pk, building, unit_of[(building, str(u + 1))],
                 f"{floor + 1:02d}{r + 1:02d}", floor + 1, round(rng.uniform(60, 160), 2), occupied)
            )  # fmt: skip
            if not occupied:
                continue
            for relation in ("owner", "family") if rng.random() < 0.25 else ("owner",):
                resident_id += 1
                residency_id += 1
                residents.append(
                    (resident_id, company.pk, _name(rng), f"13{resident_id * 7919 % 10**9:09d}",
                     relation == "owner" and rng.random() < 0.02, now)
                )  # fmt: skip
                residencies.append((residency_id, resident_id, room_id, relation, True, None))
    sink.write(room_table, rooms)
    sink.write(resident_table, residents)
    sink.write(residency_table, residencies)
    sink.reset_sequences([Room, Resident, Residency])


def load_org(seed: int) -> Org:
    """The generated group read back from the database (a restarted run has no other copy)."""
    from django.db import connection

    from propdesk.org.models import Company, Department, Project, User

    company = Company.objects.get(code="BG")
    projects = {
        p.pk: ProjectStaff(id=p.pk, code=p.code)
        for p in Project.objects.filter(company=company).order_by("code")
    }
    for d in Department.objects.filter(project__in=projects).values("project_id", "kind", "id"):
        projects[d["project_id"]].departments[d["kind"]] = d["id"]
    users = User.objects.filter(company=company, scope_level="projects").values(
        "id", "role", "department__kind", "scope_projects"
    )
    for u in users.order_by("id"):
        p = projects[u["scope_projects"]]
        if u["role"] == "agent":
            p.agents.append(u["id"])
        elif u["role"] == "supervisor":
            p.supervisor = u["id"]
        elif u["role"] == "project_manager":
            p.manager = u["id"]
        elif u["role"] == "handler":
            p.handlers[u["department__kind"]] = u["id"]
    with connection.cursor() as c:
        c.execute(
            """
            SELECT r.project_id, r.id, r.building_id, h.resident_id,
                   b.name || u.name || r.number, s.name, s.phone
            FROM residents_room r
            JOIN residents_building b ON b.id = r.building_id
            JOIN residents_unit u ON u.id = r.unit_id
            JOIN residents_residency h ON h.room_id = r.id AND h.relation = 'owner'
            JOIN residents_resident s ON s.id = h.resident_id
            ORDER BY r.id
            """
        )
        for project_id, *room in c.fetchall():
            projects[project_id].rooms.append(tuple(room))
    rng = random.Random(seed + 1)
    ordered = list(projects.values())
    weights = [len(p.rooms) * rng.uniform(0.5, 1.5) for p in ordered]
    return Org(company=company.pk, projects=ordered, weights=weights)
