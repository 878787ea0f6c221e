"""Clocks stay right through corrections, suspensions, reopening and rule overrides."""

from datetime import date, datetime

from propdesk.callbacks import services as callback_services
from propdesk.sla.choices import ClockState
from propdesk.sla.models import SlaClock, SlaPolicy
from propdesk.sla.policies import clear_cache
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI
from propdesk.worktime.models import CalendarDay, CalendarYear


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def clock(ticket, kind: str) -> SlaClock:
    return SlaClock.objects.filter(ticket=ticket, kind=kind).order_by("-pk").first()


def test_reclassifying_after_a_suspension_does_not_charge_the_suspended_time(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.suspend(world.supervisor, ticket, reason="住户出差", now=at("2026-09-09 10:30"))
    services.resume(world.supervisor, ticket, now=at("2026-09-11 10:00"))

    services.update_ticket(
        world.agent, ticket, changes={"channel": "visit"}, now=at("2026-09-11 11:00")
    )

    handle = clock(ticket, "handle")  # 24 h, of which 30 min + 1 h used
    assert handle.state == ClockState.RUNNING
    assert handle.due_at == at("2026-09-12 09:30")
    # Only the dispatch clock breached: 30 min before the suspension and an hour after it.
    breaches = ticket.events.filter(kind=EventKind.SLA_BREACHED)
    assert [e.data["clock"] for e in breaches] == ["dispatch"]


def test_clocks_that_start_while_a_ticket_is_suspended_start_paused(world):
    ticket = register(world, at("2026-09-09 10:00"), kind="consultation", category="FEE-MGMT")
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.suspend(world.supervisor, ticket, reason="等开发商答复", now=at("2026-09-09 10:50"))

    services.update_ticket(
        world.agent, ticket, changes={"kind": "complaint"}, now=at("2026-09-14 09:00")
    )

    handle = clock(ticket, "handle")
    assert handle.state == ClockState.PAUSED
    assert handle.remaining_minutes == 23 * 60 + 10  # 50 minutes ran before the suspension
    assert clock(ticket, "close").state == ClockState.PAUSED
    assert not ticket.events.filter(kind=EventKind.SLA_BREACHED).exists()


def test_suspending_a_clock_already_due_records_the_breach_at_its_due_moment(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.suspend(world.supervisor, ticket, reason="等配件", now=at("2026-09-09 12:00"))

    dispatch = clock(ticket, "dispatch")
    assert (dispatch.state, dispatch.breached_at) == (ClockState.BREACHED, at("2026-09-09 11:00"))


def test_reopening_a_closed_complaint_restarts_handling_reply_and_close(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-09 16:00"),
        now=at("2026-09-09 10:10"),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已更换门禁读卡器", now=at("2026-09-09 11:00"))
    callback_services.record_callback(world.agent, ticket, satisfaction="satisfied",
                             now=at("2026-09-09 15:00"))  # fmt: skip
    services.close(world.agent, ticket, reason="satisfied", now=at("2026-09-09 15:05"))

    services.reopen(world.agent, ticket, reason="门禁又坏了", now=at("2026-09-10 09:00"))

    running = set(
        SlaClock.objects.filter(ticket=ticket, state="running").values_list("kind", flat=True)
    )
    # …and the reopened complaint is followed up weekly again (SPEC §4).
    assert running == {"dispatch", "handle", "result_reply", "close", "follow_up"}
    assert clock(ticket, "handle").due_at == at("2026-09-11 09:00")


def test_the_result_reply_is_met_by_telling_the_resident_not_by_resolving(world):
    ticket = register(world, at("2026-09-09 10:00"))
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-09 16:00"),
        now=at("2026-09-09 10:10"),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已修复", now=at("2026-09-09 11:00"))
    assert clock(ticket, "result_reply").state == ClockState.RUNNING

    services.reply_to_resident(
        world.agent, ticket, content="电梯已修好,请放心使用", channel="phone",
        now=at("2026-09-09 11:30"),
    )  # fmt: skip
    result_reply = clock(ticket, "result_reply")
    assert (result_reply.state, result_reply.met_at) == (ClockState.MET, at("2026-09-09 11:30"))


def test_turning_the_emergency_flag_off_stops_the_emergency_clock(world):
    ticket = register(
        world, at("2026-09-09 10:00"), kind="help", category="FAC-WATER", help_type="other",
        is_emergency=True, description="地下室水管爆裂,水漫到车库",
    )  # fmt: skip
    assert clock(ticket, "emergency").state == ClockState.RUNNING
    assert clock(ticket, "register") is None  # act first, record after

    services.update_ticket(
        world.agent, ticket, changes={"is_emergency": False}, now=at("2026-09-09 10:05")
    )
    assert clock(ticket, "emergency").state == ClockState.CANCELLED


def test_a_company_rule_overrides_a_system_rule_whatever_its_priority(world):
    SlaPolicy.objects.create(
        name="华宇:求助 3 分钟", clock="first_reply", company=world.company, kind="help",
        unit="minutes", amount=3,
    )  # fmt: skip
    clear_cache()
    ticket = register(
        world, at("2026-09-09 10:00"), kind="help", category="SEC-CRIME", help_type="crime"
    )
    assert clock(ticket, "first_reply").due_at == at("2026-09-09 10:03")
    clear_cache()


def test_the_breached_queue_leaves_out_requests_that_have_ended(world):
    from propdesk.tickets.services import TicketFilter, filter_tickets, tickets_for

    ticket = register(world, at("2026-09-09 10:00"))
    breached = TicketFilter(breached=True)
    # At 11:30 the one-hour dispatch clock is overdue (its timer not yet run).
    assert list(filter_tickets(tickets_for(world.agent), breached, now=at("2026-09-09 11:30")))
    services.cancel(world.agent, ticket, reason="重复登记", now=at("2026-09-09 11:31"))
    assert not filter_tickets(tickets_for(world.agent), breached, now=at("2026-09-09 11:32"))


def test_importing_a_year_leaves_the_neighbouring_year_as_it_was(db, tmp_path):
    from django.core.management import call_command

    before_2026 = CalendarDay.objects.filter(calendar__code="CN", date__year=2026).count()
    path = tmp_path / "2027.csv"
    path.write_text(
        "2026-12-31,holiday,元旦\n2027-01-01,holiday,元旦\n2027-02-15,holiday,春节\n",
        encoding="utf-8",
    )
    call_command("calendar", "import", str(path))

    days_2026 = CalendarDay.objects.filter(calendar__code="CN", date__year=2026)
    assert days_2026.count() == before_2026 + 1
    assert days_2026.get(date=date(2026, 12, 31)).is_workday is False
    assert CalendarYear.objects.get(calendar__code="CN", year=2026).source == "chinese-calendar"
    assert CalendarYear.objects.get(calendar__code="CN", year=2027).source == "2027.csv"


def test_the_handler_may_set_the_callback_three_to_five_days_out_with_a_reason(world):
    """SPEC §5: where the fix can only be judged later, 3–5 days after handling, chosen by the
    handler with a reason; longer only for a problem that recurs, and never open-ended."""
    import pytest

    from propdesk.core.errors import InvalidInput

    ticket = register(world, at("2026-09-11 10:00"), description="楼上卫生间渗水到我家天花板")
    services.accept(world.agent, ticket, now=at("2026-09-11 10:05"))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-11 16:00"),
        now=at("2026-09-11 10:10"),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已重做防水层", now=at("2026-09-11 15:00"))
    assert clock(ticket, "callback").due_at == at("2026-09-12 15:00")  # 24 hours

    for days, recurring in ((6, False), (0, False), (16, True)):
        with pytest.raises(InvalidInput) as refused:
            services.delay_callback(world.handler, ticket, working_days=days, reason="等干透",
                                    recurring=recurring, now=at("2026-09-11 15:10"))  # fmt: skip
        assert refused.value.field == "working_days"
    with pytest.raises(InvalidInput) as refused:
        services.delay_callback(world.handler, ticket, working_days=3, reason=" ",
                                now=at("2026-09-11 15:10"))  # fmt: skip
    assert refused.value.field == "reason"
    assert not ticket.events.filter(kind=EventKind.CALLBACK_DELAYED).exists()

    services.delay_callback(
        world.handler, ticket, working_days=5, reason="防水层需 48 小时闭水试验",
        now=at("2026-09-11 15:10"),
    )  # fmt: skip
    callback = clock(ticket, "callback")
    # Friday 09-11 + 5 working days: Mon 14 … Fri 18 at close.
    assert (callback.state, callback.due_at) == (ClockState.RUNNING, at("2026-09-18 18:00"))
    event = ticket.events.get(kind=EventKind.CALLBACK_DELAYED)
    assert (event.note, event.data) == (
        "防水层需 48 小时闭水试验",
        {"working_days": 5, "recurring": False},
    )

    # The leak came back twice before: the handler may wait longer, and says why.
    services.delay_callback(
        world.handler, ticket, working_days=10, reason="反复渗漏,须经过一次大雨验证",
        recurring=True, now=at("2026-09-11 15:20"),
    )  # fmt: skip
    # 10 working days after Friday 11 September: 14–18, Sunday 20 (调休 for 国庆), 21–24
    # September; 25 September is 中秋.
    assert clock(ticket, "callback").due_at == at("2026-09-24 18:00")


def test_a_repair_callback_cannot_be_put_off(world):
    import pytest

    from propdesk.core.errors import InvalidTransition

    ticket = register(world, at("2026-09-11 10:00"), kind="repair", category="FAC-WATER",
                      repair_scope="in_home")  # fmt: skip
    services.accept(world.agent, ticket, now=at("2026-09-11 10:05"))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-11 16:00"),
        now=at("2026-09-11 10:10"),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已换阀门", now=at("2026-09-11 15:00"))
    with pytest.raises(InvalidTransition) as refused:
        services.delay_callback(world.handler, ticket, working_days=3, reason="等",
                                now=at("2026-09-11 15:10"))  # fmt: skip
    assert refused.value.field == "working_days"


def test_a_complaint_needing_a_plan_has_ten_working_days_to_submit_it(world):
    ticket = register(world, at("2026-09-09 10:00"), description="开发商承诺的会所一直未交付")
    services.accept(world.agent, ticket, now=at("2026-09-09 10:05"))
    services.update_ticket(
        world.supervisor, ticket, changes={"needs_plan": True}, now=at("2026-09-09 11:00")
    )
    plan = clock(ticket, "plan")
    # Ten working days after registration: 中秋 (09-25) off, Sunday 09-20 a make-up day.
    assert (plan.state, plan.due_at) == (ClockState.RUNNING, at("2026-09-22 18:00"))

    # A plan no approval rule touches (三级, no money) is approved as it is submitted.
    from propdesk.casework import services as casework

    casework.submit_plan(
        world.supervisor, ticket, text="与开发商协商,10 月底前交付会所并书面答复业主",
        now=at("2026-09-18 16:00"),
    )  # fmt: skip
    plan.refresh_from_db()
    assert (plan.state, plan.met_at) == (ClockState.MET, at("2026-09-18 16:00"))
    ticket.refresh_from_db()
    assert ticket.plan_submitted_by == world.supervisor


def test_an_emergency_form_is_due_thirty_minutes_after_the_work_on_site_ended(world):
    ticket = register(
        world, at("2026-09-09 11:00"), kind="help", category="FAC-ELEV", help_type="other",
        is_emergency=True, description="电梯困人,已救出2人",
        received_at=at("2026-09-09 10:00"), on_site_finished_at=at("2026-09-09 10:12"),
    )  # fmt: skip

    register_clock = clock(ticket, "register")
    assert register_clock.due_at == at("2026-09-09 10:42")
    assert register_clock.state == ClockState.BREACHED  # typed in at 11:00, 18 minutes late
    emergency = clock(ticket, "emergency")  # 15 minutes to handle it on site
    assert (emergency.state, emergency.met_at) == (ClockState.MET, at("2026-09-09 10:12"))
