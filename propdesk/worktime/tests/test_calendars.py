"""Calendars in the database: the seeded system calendar, per-project hours, imports."""

import re
from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from propdesk.worktime.arithmetic import SHANGHAI, add_working_days
from propdesk.worktime.models import Calendar, CalendarDay, CalendarYear, ProjectSchedule
from propdesk.worktime.services import calendar_for_project, clear_cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def test_system_calendar_is_seeded_with_every_year_chinese_calendar_knows(db):
    calendar = Calendar.objects.get(code="CN")
    years = set(calendar.years.values_list("year", flat=True))
    assert {2004, 2026} <= years
    assert 2027 not in years
    national_day = CalendarDay.objects.get(calendar=calendar, date=date(2026, 10, 1))
    assert (national_day.is_workday, national_day.note) == (False, "国庆节")
    assert CalendarDay.objects.get(calendar=calendar, date=date(2026, 10, 10)).is_workday


def test_a_project_uses_its_own_hours_and_else_the_defaults(world):
    default = calendar_for_project(world.project)
    assert (default.work_start, default.work_end) == (time(8, 30), time(18, 0))
    assert date(2026, 10, 1) in default.holidays

    ProjectSchedule.objects.create(
        project=world.other_project, work_start=time(9, 0), work_end=time(17, 30)
    )
    own = calendar_for_project(world.other_project)
    start = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    assert add_working_days(own, start, days=1).at == datetime(2026, 10, 8, 17, 30, tzinfo=SHANGHAI)


def test_a_company_calendar_replaces_the_system_one(world):
    own = Calendar.objects.create(
        code="HY", name="华宇日历", company=world.company, is_company_default=True
    )
    CalendarYear.objects.create(calendar=own, year=2026, source="manual")
    assert calendar_for_project(world.project).holidays == frozenset()


def test_importing_a_year_from_csv_makes_it_known(db, tmp_path):
    csv_file = tmp_path / "2027.csv"
    csv_file.write_text(
        "date,type,note\n2027-01-01,holiday,元旦\n2027-02-06,上班,春节调休\n2027-02-08,休息,春节\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("calendar", "import", str(csv_file), stdout=out)

    assert "imported 2027" in out.getvalue()
    calendar = Calendar.objects.get(code="CN")
    assert calendar.years.filter(year=2027, source="2027.csv").exists()
    assert CalendarDay.objects.get(calendar=calendar, date=date(2027, 2, 6)).is_workday


def test_importing_json_replaces_the_whole_year(db, tmp_path):
    json_file = tmp_path / "2026.json"
    json_file.write_text(
        '{"holidays": [{"date": "2026-10-01", "note": "国庆节"}], "workdays": ["2026-10-10"]}',
        encoding="utf-8",
    )
    call_command("calendar", "import", str(json_file), stdout=StringIO())

    days = CalendarDay.objects.filter(calendar__code="CN", date__year=2026)
    assert sorted(days.values_list("date", flat=True)) == [date(2026, 10, 1), date(2026, 10, 10)]
    assert CalendarDay.objects.filter(calendar__code="CN", date__year=2025).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.csv", "2027-13-01,holiday\n", "第 1 行:日期“2027-13-01”格式不对"),
        ("bad.csv", "2027-01-01,maybe\n", "第 1 行:类型“maybe”无法识别"),
        ("bad.csv", "2027-01-01\n", "第 1 行:应有“日期,类型[,说明]”三列"),
        ("bad.csv", "2027-01-04,workday\n", "2027-01-04 是工作日(周一至周五)"),
        ("bad.csv", "2027-01-01,holiday\n2027-01-01,holiday\n", "出现了两次"),
        ("bad.json", "{not json", "JSON 格式错误(第 1 行)"),
        ("bad.json", "{}", "JSON 中没有 holidays 或 workdays"),
        ("bad.txt", "2027-01-01,holiday", "只支持 .csv 或 .json 文件"),
        ("empty.csv", "date,type\n", "文件中没有任何日期"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_error_and_changes_nothing(
    db, tmp_path, name, content, message
):
    before = CalendarDay.objects.count()
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("calendar", "import", str(path), stdout=StringIO())
    assert CalendarDay.objects.count() == before


def test_due_command_prints_the_deadline_in_local_time(world):
    out, err = StringIO(), StringIO()
    call_command(
        "worktime", "due", "--project", "SZHY", "--start", "2026-09-30 10:00",
        "--working-days", "5", stdout=out, stderr=err,
    )  # fmt: skip
    assert out.getvalue().strip() == "2026-10-13 18:00 (周二)"
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--same-day"], "2026-10-08 18:00 (周四)"),
        (["--hours", "24"], "2026-10-01 19:00 (周四)"),
        (["--minutes", "30"], "2026-09-30 19:30 (周三)"),
        (["--working-hours", "2"], "2026-10-08 10:30 (周四)"),
    ],
)
def test_due_command_knows_every_unit(world, args, expected):
    out = StringIO()
    call_command("worktime", "due", "--start", "2026-09-30 19:00", *args, stdout=out)
    assert out.getvalue().strip() == expected


def test_due_command_warns_about_an_unknown_year(db):
    out, err = StringIO(), StringIO()
    call_command(
        "worktime", "due", "--start", "2026-12-31 10:00", "--working-days", "1",
        stdout=out, stderr=err,
    )  # fmt: skip
    assert out.getvalue().strip() == "2027-01-01 18:00 (周五)"
    assert "没有 2027 年的节假日安排" in err.getvalue()
