"""Clocks running over days whose working time changed are put on the new calendar."""

from datetime import date, datetime

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

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

    task = DBTaskResult.objects.get(task_path="propdesk.sla.tasks.replan_clocks")
    assert task.args_kwargs["args"] == ["2027-01-01"]


def test_the_timeline_shows_the_due_moment_before_and_after(world, tmp_path, client):
    ticket = complaint_before_new_year(world)
    import_2027(tmp_path, TWO_HOLIDAYS)
    replan_after_calendar_change(date(2027, 1, 1), now=at("2026-12-28 09:00"))

    client.force_login(world.supervisor)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()

    assert "时限重算" in page
    assert "2027-01-14 18:00 → 2027-01-18 18:00" in page
