"""The demo company: 华宇物业, two region companies, four projects with their buildings, units
and rooms, departments at project, region and HQ level, and the paid-repair price list."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from propdesk.org.choices import DepartmentKind
from propdesk.org.models import Company, Department, Project, Region
from propdesk.residents.models import Building, Room, Unit
from propdesk.tickets.models import FeeStandard

COMPANY_CODE = "HYWY"
COMPANY_NAME = "华宇物业"

#: code → (name, city, car-plate prefix of the city)
REGIONS: dict[str, tuple[str, str, str]] = {
    "SZ": ("深圳地区公司", "深圳", "粤B"),
    "GZ": ("广州地区公司", "广州", "粤A"),
}


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    region: str
    address: str
    buildings: int
    units: int
    floors: range
    rooms_per_floor: int
    has_elevator: bool
    areas: tuple[int, ...]  # typical flat sizes in m², one per position on a floor
    gates: tuple[str, ...]  # names of the estate's gates, used in ticket texts


PROJECTS: dict[str, ProjectSpec] = {
    "SZHY": ProjectSpec(
        "华苑",
        "SZ",
        "深圳市福田区景田北路18号",
        3,
        2,
        range(2, 14),
        2,
        True,
        (89, 118),
        ("北门", "东门"),
    ),
    # An older walk-up estate: no elevators, so no elevator tickets are written for it.
    "SZJH": ProjectSpec(
        "锦华园",
        "SZ",
        "深圳市南山区南新路2063号",
        4,
        2,
        range(1, 8),
        2,
        False,
        (76, 92),
        ("南门", "西门"),
    ),
    "GZLY": ProjectSpec(
        "丽苑",
        "GZ",
        "广州市海珠区江南大道中236号",
        2,
        1,
        range(3, 27),
        2,
        True,
        (103, 128),
        ("正门", "侧门"),
    ),
    "GZTH": ProjectSpec(
        "天河花园",
        "GZ",
        "广州市天河区天河北路601号",
        3,
        2,
        range(2, 12),
        2,
        True,
        (95, 136),
        ("东门", "北门"),
    ),
}

#: Project departments: suffix, name, kind.
PROJECT_DEPARTMENTS = (
    ("CS", "客服中心", DepartmentKind.CUSTOMER_SERVICE),
    ("ENG", "工程部", DepartmentKind.ENGINEERING),
    ("SEC", "保安部", DepartmentKind.SECURITY),
    ("ENV", "环境部", DepartmentKind.ENVIRONMENT),
)
REGION_DEPARTMENTS = (
    ("CS", "客服管理部", DepartmentKind.CUSTOMER_SERVICE),
    ("ENG", "工程技术部", DepartmentKind.ENGINEERING),
)
HQ_DEPARTMENTS = (
    ("HQ-CS", "总部客服管理部", DepartmentKind.CUSTOMER_SERVICE),
    ("HQ-QA", "品质部", DepartmentKind.QUALITY),
    ("HQ-LEGAL", "法务部", DepartmentKind.LEGAL),
    ("HQ-HR", "行政人事部", DepartmentKind.ADMIN_HR),
    ("HQ-DEV", "地产客服对接组", DepartmentKind.DEVELOPER),
    ("HQ-FIN", "财务部", DepartmentKind.FINANCE),
)

#: 有偿服务收费标准: code, item, unit, price (labour only unless the name says otherwise).
FEE_STANDARDS = (
    ("R-TAP", "更换水龙头(人工)", "个", "30.00"),
    ("R-DRAIN", "疏通下水道", "次", "80.00"),
    ("R-TOILET", "疏通马桶", "次", "60.00"),
    ("R-ANGLE", "更换角阀(人工)", "个", "25.00"),
    ("R-HOSE", "更换进水软管(人工)", "根", "15.00"),
    ("R-SHOWER", "更换花洒(人工)", "套", "35.00"),
    ("R-LAMP", "更换灯具(人工)", "盏", "20.00"),
    ("R-SOCKET", "更换开关插座(人工)", "个", "15.00"),
    ("R-BREAKER", "更换空气开关(人工)", "个", "30.00"),
    ("R-LOCK", "更换门锁锁芯(人工)", "把", "50.00"),
    ("R-WINDOW", "维修推拉窗滑轮", "扇", "40.00"),
    ("R-DOOR", "调整室内门合页", "樘", "30.00"),
    ("R-SCREEN", "更换纱窗纱网", "扇", "45.00"),
    ("R-AC", "空调清洗(挂机)", "台", "80.00"),
    ("C-HOME", "室内深度保洁", "平方米", "6.00"),
)


@dataclass
class ProjectData:
    code: str
    spec: ProjectSpec
    project: Project
    departments: dict[str, Department]  # by suffix: CS, ENG, SEC, ENV
    buildings: list[Building] = field(default_factory=list)
    rooms: list[Room] = field(default_factory=list)


@dataclass
class OrgData:
    company: Company
    regions: dict[str, Region]
    projects: dict[str, ProjectData]
    hq_departments: dict[str, Department]


def _room_area(spec: ProjectSpec, position: int, rng: random.Random) -> Decimal:
    base = spec.areas[(position - 1) % len(spec.areas)]
    return Decimal(base) + Decimal(rng.randint(0, 99)) / 100


def create_org(rng: random.Random) -> OrgData:
    """Company, regions, projects, departments, buildings, units, rooms and the price list."""
    company = Company.objects.create(code=COMPANY_CODE, name=COMPANY_NAME)
    regions = {
        code: Region.objects.create(company=company, code=code, name=name)
        for code, (name, _city, _plate) in REGIONS.items()
    }
    hq = {
        code: Department(company=company, code=code, name=name, kind=kind)
        for code, name, kind in HQ_DEPARTMENTS
    }
    region_departments = [
        Department(company=company, region=region, code=f"{code}-{suffix}", name=name, kind=kind)
        for code, region in regions.items()
        for suffix, name, kind in REGION_DEPARTMENTS
    ]
    projects: dict[str, ProjectData] = {}
    for code, spec in PROJECTS.items():
        project = Project(
            region=regions[spec.region],
            company=company,
            code=code,
            name=spec.name,
            address=spec.address,
        )
        project.full_clean()
        project.save()
        departments = {
            suffix: Department(
                company=company, project=project, code=f"{code}-{suffix}", name=name, kind=kind
            )
            for suffix, name, kind in PROJECT_DEPARTMENTS
        }
        projects[code] = ProjectData(code, spec, project, departments)
    Department.objects.bulk_create(
        [
            *hq.values(),
            *region_departments,
            *(d for p in projects.values() for d in p.departments.values()),
        ]
    )
    FeeStandard.objects.bulk_create(
        FeeStandard(company=company, code=code, name=name, unit=unit, price=Decimal(price))
        for code, name, unit, price in FEE_STANDARDS
    )
    for data in projects.values():
        _create_rooms(data, rng)
    return OrgData(company, regions, projects, hq)


def _create_rooms(data: ProjectData, rng: random.Random) -> None:
    spec = data.spec
    data.buildings = Building.objects.bulk_create(
        Building(project=data.project, code=str(b), name=f"{b}栋")
        for b in range(1, spec.buildings + 1)
    )
    units = Unit.objects.bulk_create(
        Unit(building=building, code=str(u), name=f"{u}单元")
        for building in data.buildings
        for u in range(1, spec.units + 1)
    )
    rooms = []
    for unit in units:
        for floor in spec.floors:
            for position in range(1, spec.rooms_per_floor + 1):
                rooms.append(
                    Room(
                        project=data.project,
                        building=unit.building,
                        unit=unit,
                        number=f"{floor}{position:02d}",
                        floor=floor,
                        area=_room_area(spec, position, rng),
                        # About one flat in twelve is still empty (空置房): bought, not lived in.
                        is_occupied=rng.random() > 0.08,
                    )
                )
    data.rooms = Room.objects.bulk_create(rooms)
