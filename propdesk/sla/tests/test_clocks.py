"""Clocks follow the lifecycle: started, met, paused, resumed and stopped by the moves, in
the same transaction (SPEC §5). Time is injected with ``now=``."""

from datetime import datetime, timedelta

import pytest

from propdesk.callbacks import services as callback_services
from propdesk.sla.choices import ClockKind, ClockState
from propdesk.sla.models import SlaClock
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def clocks(ticket) -> dict[str, SlaClock]:
    return {c.kind: c for c in SlaClock.objects.filter(ticket=ticket, work_order=None)}


def test_a_phone_complaint_starts_the_clocks_of_the_default_table_from_receipt(world):
    """SPEC §5: every clock counts from the received-at time on the form; only the register
    clock measures the typing in against it."""
    ticket = register(world, at("2026-09-09 10:00"), received_at=at("2026-09-09 09:50"))

    c = clocks(ticket)
    assert (c["register"].state, c["register"].met_at) == (ClockState.MET, at("2026-09-09 10:00"))
    assert c["register"].due_at == at("2026-09-09 10:20")
    assert {kind: c[kind].started_at for kind in c} == {kind: at("2026-09-09 09:50") for kind in c}
    assert c["dispatch"].due_at == at("2026-09-09 10:50")  # an hour from receipt
    assert c["first_reply"].due_at == at("2026-09-09 18:00")  # phone: the same day
    assert c["handle"].due_at == at("2026-09-10 09:50")  # 24 natural hours
    assert c["result_reply"].due_at == at("2026-09-16 18:00")  # 5 working days
    assert c["close"].due_at == at("2026-09-30 18:00")  # 15 working days (中秋 off)
    assert "callback" not in c and "emergency" not in c
    assert c["dispatch"].warn_at == at("2026-09-09 10:38")  # 80% of the hour


def test_a_request_received_before_a_holiday_and_typed_in_after_it_counts_from_receipt(world):
    """Received on the last working day before 国庆 (30 September), typed in on 8 October:
    five working days run from 30 September, over the holiday and counting the 调休 Saturday
    10 October, not from the typing in."""
    ticket = register(world, at("2026-10-08 09:00"), received_at=at("2026-09-30 17:00"))

    c = clocks(ticket)
    assert c["result_reply"].started_at == at("2026-09-30 17:00")
    # Working days after 30 Sep: 8, 9, 10 (Saturday, 调休), 12, 13 October.
    assert c["result_reply"].due_at == at("2026-10-13 18:00")
    assert c["close"].due_at == at("2026-10-27 18:00")  # 15 working days
    assert c["register"].state == ClockState.BREACHED  # typed in a week late
    assert c["dispatch"].state == ClockState.BREACHED  # an hour from receipt, long past


def test_every_complaint_gets_a_first_reply_within_one_working_day_whatever_its_channel(world):
    letter = register(world, at("2026-09-09 10:00"), channel="letter")
    consultation = register(world, at("2026-09-09 10:00"), channel="letter", kind="consultation")

    assert clocks(letter)["first_reply"].due_at == at("2026-09-10 18:00")  # capped
    assert clocks(consultation)["first_reply"].due_at == at("2026-09-11 18:00")  # 2 days


def test_a_help_request_must_be_answered_within_five_minutes(world):
    ticket = register(
        world, at("2026-09-09 10:00"), kind="help", category="SEC-CRIME", help_type="crime"
    )
    assert clocks(ticket)["first_reply"].due_at == at("2026-09-09 10:05")


def test_a_request_typed_in_late_breaches_the_register_clock_at_once(world):
    ticket = register(world, at("2026-09-09 10:00"), received_at=at("2026-09-09 09:00"))

    register_clock = clocks(ticket)["register"]
    assert register_clock.state == ClockState.BREACHED
    assert register_clock.met_at == at("2026-09-09 10:00")
    breaches = ticket.events.filter(kind=EventKind.SLA_BREACHED)
    # The dispatch hour counts from receipt too (SPEC §5): typed in an hour late, it is gone.
    assert [e.data["clock"] for e in breaches] == ["register", "dispatch"]


def test_dispatch_meets_the_dispatch_clock_and_starts_the_work_order_clock(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    order = services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG",
        deadline=at("2026-09-09 16:00"), now=at("2026-09-09 10:30"),
    )  # fmt: skip

    assert clocks(ticket)["dispatch"].state == ClockState.MET
    work_clock = SlaClock.objects.get(work_order=order)
    assert (work_clock.kind, work_clock.due_at) == (ClockKind.WORK_ORDER, at("2026-09-09 16:00"))

    services.complete_work_order(
        world.handler, ticket, work_order=1, result="已修复", now=at("2026-09-09 15:00")
    )
    work_clock.refresh_from_db()
    assert (work_clock.state, work_clock.met_at) == (ClockState.MET, at("2026-09-09 15:00"))
    c = clocks(ticket)
    assert c["handle"].state == ClockState.MET
    assert c["callback"].due_at == at("2026-09-10 15:00")  # complaint: 24 hours after


def test_a_reply_after_the_due_moment_is_a_late_breach(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.reply_to_resident(
        world.agent, ticket, content="已安排工程部查看", channel="phone",
        now=at("2026-09-10 09:00"),
    )  # fmt: skip

    first_reply = clocks(ticket)["first_reply"]
    assert first_reply.state == ClockState.BREACHED
    assert first_reply.met_at == at("2026-09-10 09:00")
    assert first_reply.breached_at == at("2026-09-09 18:00")


def test_suspension_stops_the_clocks_and_resume_keeps_the_time_left(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.suspend(world.supervisor, ticket, reason="等住户在家", now=at("2026-09-09 17:00"))
    c = clocks(ticket)
    assert c["result_reply"].state == ClockState.PAUSED
    # 5 working days from 09-09 10:00 end 09-16 18:00; at 09-09 17:00 there are 1 h today and
    # five whole working days of 9.5 h left: 48.5 working hours.
    assert c["result_reply"].remaining_minutes == 48 * 60 + 30

    services.resume(world.supervisor, ticket, now=at("2026-09-14 08:30"))
    c = clocks(ticket)
    assert c["result_reply"].state == ClockState.RUNNING
    # From Monday 08:30: 5 × 9.5 h = 47.5 h by Friday's close, the last hour on the Sunday
    # make-up working day 2026-09-20.
    assert c["result_reply"].due_at == at("2026-09-20 09:30")
    assert c["handle"].due_at == at("2026-09-14 08:30") + timedelta(hours=17)


def test_a_consultation_answered_at_once_needs_no_dispatch(world):
    ticket = register(
        world, at("2026-09-09 10:00"), kind="consultation", category="FEE-MGMT",
        description="物业费可以用微信缴纳吗",
    )  # fmt: skip
    services.answer(
        world.agent, ticket, content="可以,在公众号缴费栏目缴纳", now=at("2026-09-09 10:03")
    )

    c = clocks(ticket)
    assert c["first_reply"].state == ClockState.MET
    assert c["dispatch"].state == ClockState.CANCELLED


def test_an_unsatisfied_callback_reopens_and_restarts_the_dispatch_clock(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-09 16:00"),
        now=at("2026-09-09 10:10"),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已复位", now=at("2026-09-09 11:00"))
    callback_services.record_callback(
        world.agent, ticket, satisfaction="dissatisfied", now=at("2026-09-09 15:00")
    )

    dispatch_clocks = SlaClock.objects.filter(ticket=ticket, kind="dispatch").order_by("pk")
    assert [c.state for c in dispatch_clocks] == [ClockState.MET, ClockState.RUNNING]
    assert dispatch_clocks.last().due_at == at("2026-09-09 16:00")
    assert clocks(ticket)["callback"].state == ClockState.MET


def test_closing_meets_the_close_clock_and_stops_the_rest(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-09 16:00"),
        now=at("2026-09-09 10:10"),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已复位", now=at("2026-09-09 11:00"))
    services.close(
        world.agent, ticket, reason="no_contact", note="电话停机", now=at("2026-09-09 12:00")
    )

    c = clocks(ticket)
    assert c["close"].state == ClockState.MET
    assert c["callback"].state == ClockState.CANCELLED
    assert not SlaClock.objects.filter(ticket=ticket, state__in=["running", "paused"]).exists()


def test_a_cancelled_ticket_stops_every_clock(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.cancel(world.agent, ticket, reason="住户撤回", now=at("2026-09-09 10:10"))
    assert set(c.state for c in clocks(ticket).values()) <= {ClockState.MET, ClockState.CANCELLED}


def test_reclassifying_a_consultation_as_a_complaint_starts_the_complaint_clocks(world):
    ticket = register(world, at("2026-09-09 10:00"), kind="consultation", category="FEE-MGMT")
    assert "handle" not in clocks(ticket)

    services.update_ticket(
        world.agent, ticket, changes={"kind": "complaint"}, now=at("2026-09-09 10:30")
    )

    c = clocks(ticket)
    assert c["handle"].due_at == at("2026-09-10 10:00")
    assert c["close"].state == ClockState.RUNNING


def test_an_agreed_reply_time_is_a_clock_of_its_own(world):
    ticket = register(world, at("2026-09-09 10:00"), agreed_reply_at=at("2026-09-09 15:00"))
    assert clocks(ticket)["agreed_reply"].due_at == at("2026-09-09 15:00")


def test_a_clock_reaching_into_an_unknown_year_carries_the_calendar_warning(world):
    ticket = register(world, at("2026-12-28 10:00"))
    assert clocks(ticket)["close"].calendar_warnings == [
        "工作日历没有 2027 年的节假日安排,该年仅按周末计算"
    ]


@pytest.mark.parametrize("emergency", [True, False])
def test_safety_emergencies_run_a_fifteen_minute_clock(world, emergency):
    ticket = register(
        world, at("2026-09-09 10:00"), kind="help", category="FAC-ELEV", help_type="other",
        is_emergency=emergency, description="电梯困人,2人被困在3栋2单元电梯内",
    )  # fmt: skip
    c = clocks(ticket)
    assert ("emergency" in c) is emergency
    if emergency:
        assert c["emergency"].due_at == at("2026-09-09 10:15")
