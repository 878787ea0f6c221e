"""Importing a company file: the dry run says everything at once, the apply writes it all or
nothing, and the same file again changes nothing (SPEC §2, onboarding a company)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from propdesk.org.choices import Role, ScopeLevel
from propdesk.org.models import Company, Department, Project, Region, User
from propdesk.residents.models import Building, Residency, Resident, Room, Unit
from propdesk.residents.onboarding import services as onboarding

from .files import company, xlsx

MODELS = [Region, Project, Department, User, User.scope_projects.through, Building, Unit, Room,
          Resident, Residency]  # fmt: skip


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table the import writes."""
    return {m.__name__: list(m.objects.order_by("pk").values_list()) for m in MODELS}


@pytest.fixture
def fresh(db) -> Company:
    return Company.objects.create(code="NEW", name="新物业")


def counts(plan, sheet: str) -> dict[str, tuple[int, int, int]]:
    return {
        kind: (c.created, c.updated, c.unchanged) for kind, c in plan.sheet(sheet).counts.items()
    }


def test_a_dry_run_says_what_would_be_created_and_writes_nothing(fresh):
    before = snapshot()

    plan = onboarding.dry_run(fresh, xlsx(company()), name="company.xlsx")

    assert plan.ok, plan.problems
    assert counts(plan, "places") == {"地区": (2, 0, 0), "项目": (3, 0, 0)}
    assert counts(plan, "departments") == {"部门": (3, 0, 0)}
    assert counts(plan, "staff") == {"员工": (4, 0, 0)}
    assert counts(plan, "rooms") == {"楼栋": (3, 0, 0), "单元": (3, 0, 0), "房屋": (4, 0, 0)}
    assert counts(plan, "residents") == {"住户": (3, 0, 0), "住户关系": (4, 0, 0)}
    assert snapshot() == before


def test_apply_creates_the_company_as_the_file_says(fresh):
    onboarding.apply(fresh, xlsx(company()), name="company.xlsx")

    project = Project.objects.get(code="NSZA")
    assert (project.company, project.region.code, project.name) == (fresh, "NSZ", "南山花园")
    assert Project.objects.get(code="NGZA").is_active is False
    assert Department.objects.get(code="NSZ-PZ").region.code == "NSZ"
    assert Department.objects.get(code="NSZA-ENG").project == project
    room = Room.objects.get(project__code="NSZB", number="S01")
    assert (room.building.name, room.unit.code, room.area, room.use) == (
        "A座", "", Decimal("45.25"), "shop",
    )  # fmt: skip
    assert Room.objects.get(project=project, number="1201").label == "2栋1单元1201"
    zhang = Resident.objects.get(phone="13912345678")
    assert (zhang.company, zhang.is_key_customer, zhang.notes) == (fresh, True, "独居老人")
    assert sorted(zhang.residencies.values_list("room__number", flat=True)) == ["101", "1201"]
    assert zhang.residencies.get(room__number="101").since.isoformat() == "2020-05-01"
    liu = Resident.objects.get(phone="13700001111")
    assert (liu.phone2, liu.preferred_contact) == ("075512345678", "wechat")


def test_imported_staff_have_no_usable_password_and_the_scope_of_the_file(fresh):
    onboarding.apply(fresh, xlsx(company()))

    wang, li, zhao, chen = (
        User.objects.get(username=n) for n in ("wang.kf", "li.eng", "zhao.pz", "chen.hq")
    )
    assert not any(u.has_usable_password() for u in (wang, li, zhao, chen))
    assert (wang.role, wang.scope_level, wang.phone) == (
        Role.AGENT,
        ScopeLevel.PROJECTS,
        "13800138000",
    )
    assert sorted(wang.scope_projects.values_list("code", flat=True)) == ["NSZA", "NSZB"]
    assert li.department.code == "NSZA-ENG"
    assert (zhao.scope_level, zhao.scope_region.code) == (ScopeLevel.REGION, "NSZ")
    assert sorted(
        Project.objects.filter(pk__in=zhao.project_ids).values_list("code", flat=True)
    ) == ["NSZA", "NSZB"]
    assert chen.scope_level == ScopeLevel.COMPANY
    assert len(chen.project_ids) == 3
    assert all(u.company == fresh for u in (wang, li, zhao, chen))


def test_the_same_file_again_changes_nothing(fresh):
    workbook = xlsx(company())
    onboarding.apply(fresh, workbook)
    after_first = snapshot()

    plan = onboarding.apply(fresh, workbook)

    assert snapshot() == after_first
    assert plan.changes == 0
    assert all(c.unchanged == c.total for s in plan.sheets for c in s.counts.values())


def test_a_problem_in_the_last_row_leaves_every_table_as_it_was(world):
    before = snapshot()
    last = len(company()["住户"]) - 1
    workbook = xlsx(company(住户={last: {"手机": "1390000"}}))

    with pytest.raises(onboarding.ImportHasProblems) as refused:
        onboarding.apply(world.company, workbook)

    assert snapshot() == before
    assert [(p.sheet, p.row, p.column) for p in refused.value.plan.problems] == [
        ("住户", last + 1, "手机")
    ]
    assert "未导入任何数据" in refused.value.message


def test_a_changed_cell_is_an_update_and_a_blank_one_keeps_what_is_stored(fresh):
    onboarding.apply(fresh, xlsx(company()))

    plan = onboarding.apply(
        fresh, xlsx(company(房屋={1: {"建筑面积(㎡)": "90", "用途": ""}, 2: {"楼层": ""}}))
    )

    assert counts(plan, "rooms")["房屋"] == (0, 1, 3)
    room = Room.objects.get(project__code="NSZA", number="101")
    assert (room.area, room.use, room.floor) == (Decimal("90.00"), "residential", 1)
    assert Room.objects.get(project__code="NSZA", number="102").floor == 1


def test_rows_the_file_does_not_have_are_listed_and_never_deleted(world):
    before = snapshot()
    plan = onboarding.dry_run(world.company, xlsx(company()))
    onboarding.apply(world.company, xlsx(company()))

    rooms = plan.sheet("rooms").missing["房屋"]
    assert (rooms.count, rooms.listed) == (2, ["SZHY 3栋2单元1101", "GZLY 1栋1单元0201"])
    residencies = plan.sheet("residents").missing["住户关系"]
    assert residencies.listed == [
        "张伟(138****5678) SZHY 3栋2单元1101",
        "李娜(139****4321) GZLY 1栋1单元0201",
    ]
    assert plan.sheet("places").missing["项目"].listed == ["SZHY 华苑", "GZLY 丽苑"]
    assert plan.sheet("staff").missing["员工"].count == 10
    after = snapshot()
    for name, rows in before.items():
        assert {row[0] for row in rows} <= {row[0] for row in after[name]}, name
    assert Room.objects.filter(pk=world.room.pk).exists()
    assert Residency.objects.filter(resident=world.resident, is_active=True).exists()


def test_a_sheet_left_out_of_the_file_is_left_alone(fresh):
    onboarding.apply(fresh, xlsx(company()))

    plan = onboarding.dry_run(fresh, xlsx(company(员工=None, 住户=None)))

    assert plan.ok
    assert not plan.sheet("staff").in_file
    assert plan.sheet("staff").missing == {}
    assert "员工】文件中没有这张表" in "\n".join(onboarding.describe(plan))


def test_progress_is_reported_up_to_every_row(fresh):
    seen = []

    onboarding.dry_run(
        fresh, xlsx(company()), progress=lambda done, total: seen.append((done, total))
    )

    rows = sum(len(rows) - 1 for rows in company().values())
    assert seen[-1] == (rows, rows)


def test_the_template_imports_as_it_is(fresh):
    plan = onboarding.apply(fresh, onboarding.company_template(), name="template.xlsx")

    assert plan.ok
    # One region, project, department, member of staff, building, unit, room, resident, residency.
    assert plan.changes == 9
    assert User.objects.get(username="zhangsan").company == fresh
