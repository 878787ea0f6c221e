"""Shared fixtures: a small company with two projects, staff for every role, rooms, residents.

Tests build on these and assert what a user would see. Time is explicit: ``now`` is a fixed
working-day morning so deadlines and day-based numbers are predictable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from propdesk.org.choices import DepartmentKind, Role, ScopeLevel
from propdesk.org.models import Company, Department, Project, Region, User
from propdesk.residents.models import Building, Residency, Resident, Room, Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: Browser fixtures (one Chromium for every app's browser tests), requested only by them.
pytest_plugins = ["propdesk.console.tests.browser.fixtures"]


@dataclass
class World:
    company: Company
    region: Region
    project: Project
    other_project: Project
    engineering: Department
    security: Department
    other_engineering: Department
    agent: User
    supervisor: User
    handler: User
    security_handler: User
    manager: User
    region_user: User
    hq: User
    quality: User
    admin: User
    outsider: User
    room: Room
    other_room: Room
    resident: Resident
    neighbour: Resident

    def user(self, role: str) -> User:
        return {
            Role.AGENT: self.agent,
            Role.SUPERVISOR: self.supervisor,
            Role.HANDLER: self.handler,
            Role.PROJECT_MANAGER: self.manager,
            Role.REGION: self.region_user,
            Role.HQ: self.hq,
            Role.QUALITY: self.quality,
            Role.ADMIN: self.admin,
        }[role]


def make_user(
    username: str,
    role: str,
    company: Company,
    *,
    projects=(),
    department=None,
    scope_level=ScopeLevel.PROJECTS,
    region=None,
) -> User:
    user = User.objects.create_user(
        username,
        password="pw-" + username,
        role=role,
        company=company,
        department=department,
        scope_level=scope_level,
        scope_region=region,
        display_name=username.title(),
    )
    if projects:
        user.scope_projects.set(projects)
    return user


def make_room(project: Project, building_code: str, unit_code: str, number: str) -> Room:
    building, _ = Building.objects.get_or_create(
        project=project, code=building_code, defaults={"name": f"{building_code}栋"}
    )
    unit, _ = Unit.objects.get_or_create(
        building=building, code=unit_code, defaults={"name": f"{unit_code}单元"}
    )
    return Room.objects.create(project=project, building=building, unit=unit, number=number)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """MD5 for test users: with the default PBKDF2, building ``world`` alone takes seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh-Hans): a request in English earlier in
    the same worker must not change the words a later test's services use."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Calendars, time-limit, grade and escalation rules and categories are cached per
    process; each test starts clean."""
    from propdesk.sla import escalation, grades, policies
    from propdesk.tickets.services.register import clear_category_cache
    from propdesk.worktime.services import clear_cache as clear_calendars

    clears = [
        clear_calendars, policies.clear_cache, grades.clear_cache, escalation.clear_cache,
        clear_category_cache,
    ]  # fmt: skip
    for clear in clears:
        clear()
    yield
    for clear in clears:
        clear()


@pytest.fixture
def now() -> datetime:
    """Wednesday 2026-09-09 10:00 in Shanghai: an ordinary working morning."""
    return datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def world(db) -> World:
    company = Company.objects.create(code="HY", name="华宇物业")
    region = Region.objects.create(company=company, code="SZ", name="深圳地区公司")
    other_region = Region.objects.create(company=company, code="GZ", name="广州地区公司")
    project = Project.objects.create(region=region, company=company, code="SZHY", name="华苑")
    other = Project.objects.create(region=other_region, company=company, code="GZLY", name="丽苑")
    engineering = Department.objects.create(
        company=company,
        project=project,
        code="SZHY-ENG",
        name="工程部",
        kind=DepartmentKind.ENGINEERING,
    )
    security = Department.objects.create(
        company=company,
        project=project,
        code="SZHY-SEC",
        name="保安部",
        kind=DepartmentKind.SECURITY,
    )
    other_eng = Department.objects.create(
        company=company,
        project=other,
        code="GZLY-ENG",
        name="工程部",
        kind=DepartmentKind.ENGINEERING,
    )
    room = make_room(project, "3", "2", "1101")
    other_room = make_room(other, "1", "1", "0201")
    resident = Resident.objects.create(company=company, name="张伟", phone="13812345678")
    Residency.objects.create(resident=resident, room=room, relation="owner")
    neighbour = Resident.objects.create(company=company, name="李娜", phone="13987654321")
    Residency.objects.create(resident=neighbour, room=other_room, relation="tenant")
    return World(
        company=company,
        region=region,
        project=project,
        other_project=other,
        engineering=engineering,
        security=security,
        other_engineering=other_eng,
        agent=make_user("agent", Role.AGENT, company, projects=[project]),
        supervisor=make_user("supervisor", Role.SUPERVISOR, company, projects=[project]),
        handler=make_user(
            "handler", Role.HANDLER, company, projects=[project], department=engineering
        ),
        security_handler=make_user(
            "guard", Role.HANDLER, company, projects=[project], department=security
        ),
        manager=make_user("manager", Role.PROJECT_MANAGER, company, projects=[project]),
        region_user=make_user(
            "region", Role.REGION, company, scope_level=ScopeLevel.REGION, region=region
        ),
        hq=make_user("hq", Role.HQ, company, scope_level=ScopeLevel.COMPANY),
        quality=make_user("quality", Role.QUALITY, company, projects=[project]),
        admin=make_user("admin", Role.ADMIN, company, scope_level=ScopeLevel.COMPANY),
        outsider=make_user("outsider", Role.SUPERVISOR, company, projects=[other]),
        room=room,
        other_room=other_room,
        resident=resident,
        neighbour=neighbour,
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres_only`` (row locks, real concurrency) skip on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run by `make test` when it is reachable)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)
