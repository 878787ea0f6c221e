"""Changes to calendars and working hours are written to the audit log with before and after
(SPEC §11): a day corrected or removed in the admin, a project's hours, a year imported."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.management import call_command

from propdesk.core.models import AuditAction, AuditLog
from propdesk.core.tests.admin_forms import admin_client, post_change
from propdesk.worktime.models import Calendar, CalendarDay, ProjectSchedule
from propdesk.worktime.services import clear_cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def _rows(object_type: str, pk: int) -> list[AuditLog]:
    return list(
        AuditLog.objects.filter(
            action=AuditAction.CONFIG_CHANGE, object_type=object_type, object_id=str(pk)
        ).order_by("pk")
    )


def test_a_calendar_day_changed_and_removed_in_the_admin_is_audited(world):
    client, root = admin_client(world.company)
    day = CalendarDay.objects.get(calendar__code="CN", date=date(2026, 10, 7))
    assert day.is_workday is False

    changed = post_change(
        client, f"/admin/worktime/calendarday/{day.pk}/change/", is_workday=True, note="改为上班"
    )
    client.post(f"/admin/worktime/calendarday/{day.pk}/delete/", {"post": "yes"})

    assert changed.status_code == 302, changed.content[:800]
    change, removal = _rows("worktime.calendarday", day.pk)
    assert change.user == root
    assert change.detail["changed"] == ["is_workday", "note"]
    assert change.detail["before"] == {
        "calendar": {"id": day.calendar_id, "name": str(day.calendar)},
        "date": "2026-10-07",
        "is_workday": False,
        "note": day.note,
    }
    assert change.detail["after"]["is_workday"] is True
    assert change.detail["after"]["note"] == "改为上班"
    assert removal.detail["operation"] == "delete" and removal.detail["after"] is None
    assert removal.detail["before"]["date"] == "2026-10-07"


def test_a_project_s_working_hours_are_audited(world):
    client, _root = admin_client(world.company)
    schedule = ProjectSchedule.objects.create(project=world.project)

    post_change(
        client,
        f"/admin/worktime/projectschedule/{schedule.pk}/change/",
        work_start="09:00",
        work_end="17:30",
    )

    (row,) = _rows("worktime.projectschedule", schedule.pk)
    assert row.detail["changed"] == ["work_end", "work_start"]
    assert (row.detail["before"]["work_start"], row.detail["before"]["work_end"]) == (
        time(8, 30).isoformat(),
        time(18, 0).isoformat(),
    )
    assert (row.detail["after"]["work_start"], row.detail["after"]["work_end"]) == (
        "09:00:00",
        "17:30:00",
    )


def test_a_year_imported_from_a_file_is_audited_with_the_days_it_replaced(db, tmp_path):
    calendar = Calendar.objects.get(code="CN")
    days = CalendarDay.objects.filter(calendar=calendar, date__year=2026).order_by("date")
    before = list(days.values_list("date", flat=True))
    path = tmp_path / "2026.csv"
    path.write_text("2026-01-01,holiday,元旦\n2026-10-10,workday,国庆调休\n", encoding="utf-8")

    call_command("calendar", "import", str(path), stdout=None)

    (row,) = _rows("worktime.calendar", calendar.pk)
    assert row.user is None  # from the command line
    assert row.detail["before"]["year"] == 2026
    assert [d[0] for d in row.detail["before"]["days"]] == [d.isoformat() for d in before]
    assert row.detail["before"]["source"] == "chinese-calendar"
    assert row.detail["after"] == {
        "year": 2026,
        "source": "2026.csv",
        "days": [["2026-01-01", False, "元旦"], ["2026-10-10", True, "国庆调休"]],
    }


def test_a_calendar_renamed_in_the_admin_is_audited_with_the_years_it_knows(world):
    client, _root = admin_client(world.company)
    calendar = Calendar.objects.get(code="CN")

    answer = post_change(client, f"/admin/worktime/calendar/{calendar.pk}/change/", name="国家日历")

    assert answer.status_code == 302, answer.content[:800]
    (row,) = _rows("worktime.calendar", calendar.pk)
    assert row.detail["changed"] == ["name"]
    assert row.detail["after"]["name"] == "国家日历"
    assert [2026, "chinese-calendar"] in row.detail["after"]["years"]
