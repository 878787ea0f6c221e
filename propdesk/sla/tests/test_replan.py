"""Clocks running over days whose working time changed are put on the new calendar."""

from datetime import date, datetime, timedelta

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from propdesk.org import access
from propdesk.sla.choices import ClockState
from propdesk.sla.models import SlaClock
from propdesk.sla.replan import replan_after_calendar_change
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI

NO_2027 = "工作日历没有 2027 年的节假日安排,该年仅按周末计算"
#: 元旦 on Friday 2027-01-01 and, say, the Monday after taken off as well.
TWO_HOLIDAYS = "2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n2027-02-08,holiday,春节\n"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def clock(ticket, kind: str) -> SlaClock:
    return SlaClock.objects.filter(ticket=ticket, kind=kind).order_by("-pk").first()


def import_2027(tmp_path, rows: str) -> None:
    path = tmp_path / "2027.csv"
    path.write_text("date,type,note\n" + rows, encoding="utf-8")
    call_command("calendar", "import", str(path))


def complaint_before_new_year(world):
    """Registered Thursday 2026-12-24: its 15-working-day close clock runs into 2027, a year
    whose holidays are not published yet."""
    ticket = register(world, at("2026-12-24 10:00"))
    services.accept(world.agent, ticket, now=at("2026-12-24 10:05"))
    return ticket


def test_importing_next_years_holidays_moves_the_clocks_running_over_them(world, tmp_path):
    ticket = complaint_before_new_year(world)
    close = clock(ticket, "close")
    assert close.due_at == at("2027-01-14 18:00")
    assert close.calendar_warnings == [NO_2027]
    old_timer = close.due_task_id
    unmoved = {c.kind: c.due_at for c in SlaClock.objects.filter(ticket=ticket)}

    import_2027(tmp_path, TWO_HOLIDAYS)
    moved = replan_after_calendar_change(date(2027, 1, 1), now=at("2026-12-28 09:00"))

    # Two working days fewer before it: due the Monday after, the warning gone.
    close.refresh_from_db()
    assert moved == 1
    assert (close.state, close.due_at) == (ClockState.RUNNING, at("2027-01-18 18:00"))
    assert close.warn_at == at("2027-01-13 16:24")
    assert close.calendar_warnings == []
    # Its timers are booked again for the new moments; the old one is gone.
    assert close.due_task_id != old_timer
    assert not DBTaskResult.objects.filter(id=old_timer).exists()
    assert DBTaskResult.objects.get(id=close.due_task_id).run_after == at("2027-01-18 18:00")
    # The clocks due before the first changed day, or counted in hours, are as they were.
    for c in SlaClock.objects.filter(ticket=ticket).exclude(kind="close"):
        assert c.due_at == unmoved[c.kind], c.kind
    # The ticket's history says which clock moved, from when to when.
    (event,) = ticket.events.filter(kind=EventKind.SLA_REPLANNED)
    assert event.actor is None
    assert event.data["clock"] == "close"
    assert datetime.fromisoformat(event.data["due_before"]) == at("2027-01-14 18:00")
    assert datetime.fromisoformat(event.data["due_at"]) == at("2027-01-18 18:00")


def test_replanning_twice_moves_nothing_the_second_time(world, tmp_path):
    ticket = complaint_before_new_year(world)
    import_2027(tmp_path, TWO_HOLIDAYS)
    replan_after_calendar_change(date(2027, 1, 1), now=at("2026-12-28 09:00"))

    assert replan_after_calendar_change(date(2027, 1, 1), now=at("2026-12-29 09:00")) == 0
    assert ticket.events.filter(kind=EventKind.SLA_REPLANNED).count() == 1


def test_a_suspended_request_keeps_its_time_left_and_counts_it_on_the_new_calendar(world, tmp_path):
    ticket = complaint_before_new_year(world)
    services.suspend(world.supervisor, ticket, reason="住户外出", now=at("2026-12-30 10:00"))
    close = clock(ticket, "close")
    left = close.remaining_minutes

    import_2027(tmp_path, TWO_HOLIDAYS)
    assert replan_after_calendar_change(date(2027, 1, 1), now=at("2026-12-30 12:00")) == 0

    # What was left when it stopped is working time, whatever the calendar says of 2027 …
    close.refresh_from_db()
    assert (close.state, close.remaining_minutes) == (ClockState.PAUSED, left)
    assert close.calendar_warnings == []
    # … and resuming counts it on the calendar as it now is: four hours suspended, two
    # holidays more, due 2027-01-19 12:30 instead of 01-14 18:00.
    services.resume(world.supervisor, ticket, now=at("2026-12-30 14:00"))
    close.refresh_from_db()
    assert (close.state, close.due_at) == (ClockState.RUNNING, at("2027-01-19 12:30"))


def test_a_calendar_import_books_the_replanning_for_the_worker(
    world, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_2027(tmp_path, TWO_HOLIDAYS)

    # Once now, and once more when every process has read the new calendar.
    now_and_later = DBTaskResult.objects.filter(
        task_path="propdesk.sla.tasks.replan_clocks"
    ).order_by("run_after")
    assert [t.args_kwargs["args"] for t in now_and_later] == [["2027-01-01"], ["2027-01-01"]]
    first, second = now_and_later
    assert second.run_after - first.run_after >= timedelta(minutes=5)


def test_the_timeline_shows_the_due_moment_before_and_after(world, tmp_path, client):
    ticket = complaint_before_new_year(world)
    import_2027(tmp_path, TWO_HOLIDAYS)
    replan_after_calendar_change(date(2027, 1, 1), now=at("2026-12-28 09:00"))

    client.force_login(world.supervisor)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()

    assert "时限重算" in page
    assert "2027-01-14 18:00 → 2027-01-18 18:00" in page


def test_times_with_seconds_and_clocks_past_their_warning_do_not_move_for_nothing(world):
    """Real times carry seconds; a clock already warned has its warning in the past: neither
    is a change of the calendar."""
    ticket = register(world, at("2026-12-24 10:00:37.250000"))
    services.accept(world.agent, ticket, now=at("2026-12-24 10:05:11"))

    # Nothing changed on any calendar: an hours edit announced for today replans nothing.
    assert replan_after_calendar_change(date(2026, 12, 24), now=at("2026-12-29 16:59:59")) == 0
    assert [e.data for e in ticket.events.filter(kind=EventKind.SLA_REPLANNED)] == []


def test_shorter_working_hours_keep_a_working_day_limit_a_number_of_working_days(world):
    from datetime import time

    from propdesk.worktime.models import ProjectSchedule
    from propdesk.worktime.services import clear_cache

    ticket = complaint_before_new_year(world)  # Thursday 2026-12-24 10:00
    result = clock(ticket, "result_reply")  # 5 working days: Thursday 12-31 at closing time
    assert result.due_at == at("2026-12-31 18:00")

    ProjectSchedule.objects.create(
        project=world.project, work_start=time(9, 0), work_end=time(17, 0)
    )
    clear_cache()
    replan_after_calendar_change(date(2026, 12, 25), now=at("2026-12-25 09:00"))

    # Still the fifth working day, now ending at 17:00 — not pushed days later by counting
    # the old day's minutes on a shorter day.
    result.refresh_from_db()
    assert result.due_at == at("2026-12-31 17:00")


def test_a_project_on_another_calendar_is_replanned_on_its_own(world, tmp_path):
    from propdesk.worktime.models import Calendar, CalendarDay, CalendarYear, ProjectSchedule
    from propdesk.worktime.services import clear_cache

    ours = complaint_before_new_year(world)
    world.agent.scope_projects.add(world.other_project)
    access.forget(world.agent)  # read the scope again
    theirs = register(
        world, at("2026-12-24 10:00"), room_id=world.other_room.pk, resident_id=world.neighbour.pk
    )
    services.accept(world.agent, theirs, now=at("2026-12-24 10:05"))
    own = Calendar.objects.create(code="HK", name="香港日历")
    CalendarYear.objects.create(calendar=own, year=2026, source="manual")
    CalendarYear.objects.create(calendar=own, year=2027, source="manual")
    CalendarDay.objects.create(calendar=own, date=date(2027, 1, 1), is_workday=False)
    ProjectSchedule.objects.create(project=world.other_project, calendar=own)
    clear_cache()

    import_2027(tmp_path, TWO_HOLIDAYS)  # the system calendar: two days off
    replan_after_calendar_change(date(2027, 1, 1), now=at("2026-12-28 09:00"))

    assert clock(ours, "close").due_at == at("2027-01-18 18:00")  # two days later
    assert clock(theirs, "close").due_at == at("2027-01-15 18:00")  # its own: one day later
