"""The follow-up clock (SPEC §4): an open complaint is followed up at least every seven calendar
days — holidays count, the resident waits through them too — and one in long disagreement at
least every calendar month; a progress note or a reply meets it and starts the next."""

from datetime import datetime, timedelta

from propdesk.notify.models import OutboxMessage
from propdesk.sla import services as sla
from propdesk.sla.choices import ClockKind, ClockState
from propdesk.sla.models import SlaClock
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def follow_ups(ticket) -> list[SlaClock]:
    return list(SlaClock.objects.filter(ticket=ticket, kind=ClockKind.FOLLOW_UP).order_by("pk"))


def accepted_complaint(world, when: datetime, **overrides):
    ticket = register(world, when - timedelta(minutes=5), **overrides)
    services.accept(world.agent, ticket, now=when)
    ticket.refresh_from_db()
    return ticket


def test_the_follow_up_clock_breaches_after_seven_days_without_a_note_across_national_day(world):
    """Accepted on Tuesday 29 September, with 国庆 from 1 to 7 October: the week is calendar
    time, so the follow-up is due at the close of 6 October — a holiday — and breaches then,
    escalating to the supervisor like any clock. (Seven working days would have been 12
    October: a complaint does not wait longer for news because the office is closed.)"""
    ticket = accepted_complaint(world, at("2026-09-29 10:00"))

    (clock,) = follow_ups(ticket)
    assert (clock.state, clock.started_at) == (ClockState.RUNNING, at("2026-09-29 10:00"))
    assert clock.due_at == at("2026-10-06 18:00")

    sla.sweep(now=at("2026-10-06 17:59"))
    clock.refresh_from_db()
    assert clock.state == ClockState.RUNNING
    assert clock.warned_at is not None  # 80% of the week has passed

    sla.sweep(now=at("2026-10-06 18:01"))
    clock.refresh_from_db()
    ticket.refresh_from_db()
    assert clock.state == ClockState.BREACHED
    breach = ticket.events.get(kind=EventKind.SLA_BREACHED, data__clock="follow_up")
    assert breach.at == at("2026-10-06 18:01")
    notice = OutboxMessage.objects.get(
        user=world.supervisor, ticket=ticket, event="sla_breached", context__clock="follow_up"
    )
    assert "跟进" in notice.subject + notice.body
    assert ticket.events.filter(kind=EventKind.ESCALATED, data__trigger="breach").exists()


def test_a_progress_note_meets_the_follow_up_clock_and_starts_the_next_week(world):
    ticket = accepted_complaint(world, at("2026-09-09 10:00"))

    services.add_progress_note(
        world.agent, ticket, text="已联系电梯维保,周五到场", now=at("2026-09-11 15:00")
    )

    first, second = follow_ups(ticket)
    assert (first.state, first.met_at) == (ClockState.MET, at("2026-09-11 15:00"))
    assert (second.state, second.started_at) == (ClockState.RUNNING, at("2026-09-11 15:00"))
    assert second.due_at == at("2026-09-18 18:00")


def test_a_late_note_puts_the_breach_right_and_starts_the_next_week(world):
    ticket = accepted_complaint(world, at("2026-09-09 10:00"))
    sla.sweep(now=at("2026-09-16 18:05"))

    services.add_progress_note(world.agent, ticket, text="仍在等配件", now=at("2026-09-17 09:00"))

    first, second = follow_ups(ticket)
    # Still a breach in the figures, with the time it was put right.
    assert (first.state, first.met_at) == (ClockState.BREACHED, at("2026-09-17 09:00"))
    assert (second.state, second.due_at) == (ClockState.RUNNING, at("2026-09-24 18:00"))


def test_a_reply_recorded_to_the_resident_is_a_follow_up_record(world):
    """Seed 002: the weekly record tells the resident where their complaint stands."""
    ticket = accepted_complaint(world, at("2026-09-09 10:00"))

    services.reply_to_resident(
        world.agent, ticket, content="维保周五到场", channel="phone", now=at("2026-09-10 11:00")
    )

    first, second = follow_ups(ticket)
    assert first.met_at == at("2026-09-10 11:00")
    assert second.due_at == at("2026-09-17 18:00")


def test_a_complaint_in_long_disagreement_is_followed_up_monthly(world):
    """Marked in long disagreement, the running week becomes a calendar month from when it
    started; each note then starts another month. Agreement reached: weekly again."""
    ticket = accepted_complaint(world, at("2026-09-09 10:00"))

    services.update_ticket(
        world.agent, ticket, changes={"long_disagreement": True}, now=at("2026-09-12 10:00")
    )
    (clock,) = follow_ups(ticket)
    assert (clock.state, clock.due_at) == (ClockState.RUNNING, at("2026-10-09 18:00"))

    sla.sweep(now=at("2026-09-20 10:00"))  # past the week: nothing is owed yet
    clock.refresh_from_db()
    assert clock.state == ClockState.RUNNING

    services.add_progress_note(
        world.agent, ticket, text="再次沟通,业主仍不接受方案", now=at("2026-09-30 10:00")
    )
    assert follow_ups(ticket)[-1].due_at == at("2026-10-30 18:00")

    services.update_ticket(
        world.agent, ticket, changes={"long_disagreement": False}, now=at("2026-10-02 10:00")
    )
    assert follow_ups(ticket)[-1].due_at == at("2026-10-07 18:00")
    updated = ticket.events.filter(kind=EventKind.UPDATED).last()
    assert updated.data["changes"] == {"long_disagreement": [True, False]}


def test_only_complaints_being_worked_on_are_followed_up(world):
    repair = accepted_complaint(world, at("2026-09-09 10:00"), kind="repair",
                                repair_scope="in_home")  # fmt: skip
    registered = register(world, at("2026-09-09 10:00"))
    services.add_progress_note(world.agent, registered, text="已登记", now=at("2026-09-09 10:30"))

    assert follow_ups(repair) == []
    assert follow_ups(registered) == []


def test_suspension_stops_the_follow_up_clock_and_resumption_carries_on(world):
    ticket = accepted_complaint(world, at("2026-09-09 10:00"))
    services.suspend(world.supervisor, ticket, reason="等业主出差回来", now=at("2026-09-10 10:00"))

    (clock,) = follow_ups(ticket)
    assert clock.state == ClockState.PAUSED
    sla.sweep(now=at("2026-09-20 10:00"))
    clock.refresh_from_db()
    assert clock.state == ClockState.PAUSED  # nothing breaches while suspended

    services.resume(world.supervisor, ticket, now=at("2026-09-21 10:00"))
    clock.refresh_from_db()
    # 6 days 8 hours were left of the week (to 16 September 18:00): due 27 September 18:00.
    assert (clock.state, clock.due_at) == (ClockState.RUNNING, at("2026-09-27 18:00"))


def test_a_note_on_a_suspended_complaint_starts_the_next_week_stopped(world):
    ticket = accepted_complaint(world, at("2026-09-09 10:00"))
    services.suspend(world.supervisor, ticket, reason="等配件", now=at("2026-09-10 10:00"))

    services.add_progress_note(world.agent, ticket, text="配件下周到", now=at("2026-09-11 10:00"))

    first, second = follow_ups(ticket)
    assert first.state == ClockState.MET
    assert (second.state, second.remaining_minutes) == (ClockState.PAUSED, second.span_minutes)


def test_resolution_meets_the_follow_up_and_closure_and_reopen_stop_and_restart_it(world):
    ticket = accepted_complaint(world, at("2026-09-09 10:00"))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-10 18:00"),
        now=at("2026-09-09 10:10"),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已修复", now=at("2026-09-10 10:00"))

    (clock,) = follow_ups(ticket)
    assert (clock.state, clock.met_at) == (ClockState.MET, at("2026-09-10 10:00"))

    services.reopen(world.agent, ticket, reason="又坏了", now=at("2026-09-11 10:00"))
    ticket.refresh_from_db()
    again = follow_ups(ticket)[-1]
    assert (again.state, again.started_at) == (ClockState.RUNNING, at("2026-09-11 10:00"))

    services.cancel(world.agent, ticket, reason="业主撤回", now=at("2026-09-11 11:00"))
    again.refresh_from_db()
    assert again.state == ClockState.CANCELLED


def numbers_on(response) -> set[str]:
    import re

    return set(re.findall(r"SZHY-\d{8}-\d{4}", response.content.decode()))


def test_the_queue_to_follow_up_this_week_lists_the_complaints_due_within_seven_days(world, client):
    """本周待跟进: due within the next seven days or already overdue; not one followed up
    today (due a week from the close of today), not one followed up monthly with weeks to go,
    not a repair, not one whose clock is stopped."""
    from django.utils import timezone

    real_now = timezone.now()
    due_this_week = accepted_complaint(world, real_now - timedelta(days=3))
    overdue = accepted_complaint(world, real_now - timedelta(days=10))
    sla.sweep(now=real_now)
    monthly = accepted_complaint(world, real_now - timedelta(hours=1))
    services.update_ticket(world.agent, monthly, changes={"long_disagreement": True},
                           now=real_now - timedelta(minutes=30))  # fmt: skip
    suspended = accepted_complaint(world, real_now - timedelta(hours=1))
    services.suspend(world.supervisor, suspended, reason="等配件",
                     now=real_now - timedelta(minutes=30))  # fmt: skip
    repair = accepted_complaint(world, real_now - timedelta(hours=1), kind="repair",
                                repair_scope="in_home")  # fmt: skip
    registered = register(world, real_now - timedelta(hours=1))

    client.force_login(world.supervisor)
    page = client.get("/queues/follow_up/")
    assert page.status_code == 200
    assert "本周待跟进" in page.content.decode()
    assert numbers_on(page) == {due_this_week.number, overdue.number}
    assert not {monthly.number, suspended.number, repair.number, registered.number} & (
        numbers_on(page)
    )
    # Followed up now: it leaves the queue until next week comes round.
    services.add_progress_note(world.agent, overdue, text="已电话告知进展",
                               now=real_now - timedelta(minutes=1))  # fmt: skip
    assert numbers_on(client.get("/queues/follow_up/")) == {due_this_week.number}

    client.force_login(world.outsider)
    assert numbers_on(client.get("/queues/follow_up/")) == set()


def test_complaints_open_before_the_follow_up_clock_existed_get_theirs_once(world):
    """After the upgrade: counted from the last follow-up record; one already overdue gets a
    week from now rather than an escalation in the night; repairs and closed requests none."""
    from propdesk.sla.follow_up import start_missing

    noted = accepted_complaint(world, at("2026-09-01 10:00"))
    services.add_progress_note(world.agent, noted, text="已联系维保", now=at("2026-09-07 10:00"))
    forgotten = accepted_complaint(world, at("2026-08-01 10:00"))
    repair = accepted_complaint(world, at("2026-09-01 10:00"), kind="repair",
                                repair_scope="in_home")  # fmt: skip
    # As they were before the clock existed: none waiting.
    SlaClock.objects.filter(kind=ClockKind.FOLLOW_UP).update(state=ClockState.CANCELLED)

    assert start_missing(now=at("2026-09-09 10:00")) == 2

    assert follow_ups(noted)[-1].due_at == at("2026-09-14 18:00")
    late = follow_ups(forgotten)[-1]
    assert (late.state, late.started_at) == (ClockState.RUNNING, at("2026-09-09 10:00"))
    assert follow_ups(repair) == []
    assert start_missing(now=at("2026-09-09 11:00")) == 0  # run again: nothing to do
