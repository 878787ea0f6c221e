"""The default grade tables of SPEC §5: each rule from its facts, read top-down."""

from datetime import datetime, timedelta

import pytest

from propdesk.core.errors import InvalidInput, PermissionDenied
from propdesk.residents.models import Residency, Resident
from propdesk.sla import moves as sla_moves
from propdesk.sla.grades import regrade_group
from propdesk.sla.services import grade_sweep
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI

T0 = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)


def graded(world, facts: dict, **overrides):
    ticket = register(world, T0, **overrides)
    if facts:
        services.update_ticket(world.supervisor, ticket, changes=facts, now=T0)
    ticket.refresh_from_db()
    return ticket


def last_grade_event(ticket, scale: str):
    return ticket.events.filter(kind=EventKind.GRADE_CHANGED, data__scale=scale).last()


LEVEL_CASES = [
    (
        {"complainant_count": 12, "claimed_amount": "150000"},
        "1",
        "一级:≥10 人群诉且索赔超过 10 万元",
    ),
    ({"media_exposure": "brand_damage"}, "1", "一级:负面媒体曝光,严重损害品牌"),
    ({"serious_public_harm": True}, "1", "一级:被指严重破坏环境、公共设施或公德"),
    ({"major_accident": True}, "1", "一级:重大事故,造成伤亡或财产损失"),
    ({"claimed_amount": "150000"}, "2", "二级:不足 10 人,索赔超过 10 万元"),
    ({"complainant_count": 12, "claimed_amount": "50000"}, "2", "二级:≥10 人,索赔 10 万元以内"),
    ({"demands_return_or_compensation": True}, "2", "二级:质量、设计或合同纠纷,要求退房或大额赔偿"),
    ({"false_sales_information": True}, "2", "二级:销售时提供虚假信息"),
    ({"complainant_count": 3}, "3", "三级:3–10 人,索赔 10 万元以内"),
    ({"litigation": "risk"}, "3", "三级:可能引发诉讼"),
    ({"media_exposure": "risk"}, "3", "三级:可能引发媒体曝光"),
]


@pytest.mark.parametrize(("facts", "level", "rule"), LEVEL_CASES, ids=[c[2] for c in LEVEL_CASES])
def test_each_level_rule_gives_its_grade_and_is_named_in_the_event(world, facts, level, rule):
    ticket = graded(world, facts)
    assert ticket.grade_level == level
    assert ticket.grade_reason == rule
    event = last_grade_event(ticket, "level")
    assert (event.data["to"], event.data["rule"], event.actor) == (level, rule, None)


CLASS_CASES = [
    ({"litigation": "filed"}, "major", "重大:已起诉"),
    ({"media_exposure": "exposed"}, "major", "重大:已被媒体曝光"),
    ({"complainant_count": 5}, "major", "重大:≥5 人集体投诉"),
    ({"litigation": "risk"}, "hot", "热点:可能引发诉讼"),
    ({"media_exposure": "risk"}, "hot", "热点:可能引发媒体曝光"),
    ({"complainant_count": 3}, "hot", "热点:≥3 人集体投诉"),
    ({"is_repeat": True}, "important", "重要:处理后再次投诉"),
    ({"needs_outside_support": True}, "important", "重要:需外部顾问或其他公司支持"),
    # Seed 002 规程 4.4: two more 重大 facts, on by default.
    (
        {"promise_unmet_raised_again": True},
        "major",
        "重大:承诺或合同约定的服务未兑现、多次反映仍未解决",
    ),
    ({"economic_loss_our_fault": True}, "major", "重大:因我方原因造成客户较大经济损失"),
]


@pytest.mark.parametrize(("facts", "grade", "rule"), CLASS_CASES, ids=[c[2] for c in CLASS_CASES])
def test_each_class_rule_gives_its_grade_and_is_named_in_the_event(world, facts, grade, rule):
    ticket = graded(world, facts)
    assert (ticket.grade_class, ticket.grade_class_reason) == (grade, rule)
    assert last_grade_event(ticket, "class").data["rule"] == rule


def test_an_ordinary_complaint_stays_level_four_and_general(world):
    ticket = graded(world, {})
    assert (ticket.grade_level, ticket.grade_class) == ("4", "general")
    assert not ticket.events.filter(kind=EventKind.GRADE_CHANGED).exists()


def test_age_unresolved_through_our_fault_raises_the_grade_in_the_sweep(world):
    ticket = graded(world, {"nature": "effective"})
    grade_sweep(T0 + timedelta(days=6, hours=23))
    ticket.refresh_from_db()
    assert (ticket.grade_level, ticket.grade_class) == ("4", "general")

    grade_sweep(T0 + timedelta(days=7))
    ticket.refresh_from_db()
    assert (ticket.grade_class, ticket.grade_class_reason) == ("hot", "热点:因我方原因一周未解决")
    grade_sweep(T0 + timedelta(days=15))
    ticket.refresh_from_db()
    assert (ticket.grade_level, ticket.grade_reason) == ("3", "三级:因我方原因 15 天未解决")
    # One month is the same date next month (9 October), not 30 days (which is 9 October too
    # here: see the next test for where they differ).
    grade_sweep(T0 + timedelta(days=30))
    ticket.refresh_from_db()
    assert ticket.grade_class_reason == "重大:因我方原因一个月未解决"


@pytest.mark.parametrize(
    ("received", "not_yet", "month"),
    [
        # 31 January: one month later is the last day of February, not 2 March.
        ("2026-01-31 10:00", "2026-02-28 09:59", "2026-02-28 10:00"),
        # 15 March: thirty days is 14 April, one month is 15 April.
        ("2026-03-15 10:00", "2026-04-15 09:59", "2026-04-15 10:00"),
    ],
)
def test_one_month_unresolved_is_the_same_date_next_month(world, received, not_yet, month):
    ticket = register(world, local(received), received_at=local(received))
    services.update_ticket(
        world.supervisor, ticket, changes={"nature": "effective"}, now=local(received)
    )
    grade_sweep(local(not_yet))
    ticket.refresh_from_db()
    assert ticket.grade_class == "hot"  # a week, but not yet a month
    grade_sweep(local(month))
    ticket.refresh_from_db()
    assert (ticket.grade_class, ticket.grade_class_reason) == (
        "major",
        "重大:因我方原因一个月未解决",
    )


def test_ages_count_from_receipt_not_from_the_typing_in(world):
    """A complaint received on 1 September and typed in on the 5th is a week old on the 8th."""
    received = local("2026-09-01 09:00")
    ticket = register(world, local("2026-09-05 09:00"), received_at=received)
    services.update_ticket(
        world.supervisor, ticket, changes={"nature": "effective"}, now=local("2026-09-05 09:00")
    )
    grade_sweep(received + timedelta(days=7))
    ticket.refresh_from_db()
    assert (ticket.grade_class, ticket.grade_class_reason) == ("hot", "热点:因我方原因一周未解决")


def test_the_broader_important_rule_ships_switched_off_and_a_company_may_switch_it_on(world):
    """规程 4.4 calls every complaint caused by our own failure 重要: off by default."""
    from propdesk.sla.grades import clear_cache
    from propdesk.sla.models import GradeRule

    rule = GradeRule.objects.get(name="重要:因我方管理或服务不到位(有效投诉)")
    assert not rule.is_active
    assert graded(world, {"nature": "effective"}).grade_class == "general"

    GradeRule.objects.filter(pk=rule.pk).update(is_active=True)
    clear_cache()
    ticket = graded(world, {"nature": "effective"})
    assert (ticket.grade_class, ticket.grade_class_reason) == ("important", rule.name)


def test_grades_never_go_down_by_themselves_only_by_a_managers_logged_decision(world):
    ticket = graded(world, {"litigation": "risk"})
    services.update_ticket(world.supervisor, ticket, changes={"litigation": "none"}, now=T0)
    ticket.refresh_from_db()
    assert (ticket.grade_level, ticket.grade_class) == ("3", "hot")

    with pytest.raises(PermissionDenied):
        sla_moves.set_grade(world.agent, ticket, level="4", reason="律师函已撤回", now=T0)
    with pytest.raises(InvalidInput) as missing:
        sla_moves.set_grade(world.supervisor, ticket, level="4", reason=" ", now=T0)
    assert missing.value.field == "reason"

    sla_moves.set_grade(
        world.supervisor, ticket, level="4", grade_class="general", reason="律师函已撤回", now=T0
    )
    ticket.refresh_from_db()
    assert (ticket.grade_level, ticket.grade_class) == ("4", "general")
    event = last_grade_event(ticket, "level")
    assert (event.actor, event.note, event.data["manual"]) == (
        world.supervisor,
        "律师函已撤回",
        True,
    )


# ---- the same complaint from ≥3 different residents of one project within one month ----


def resident(world, name: str, phone: str) -> Resident:
    person = Resident.objects.create(company=world.company, name=name, phone=phone)
    Residency.objects.create(resident=person, room=world.room, relation="family")
    return person


def complaint_from(world, person, at, **overrides):
    return register(
        world, at, resident_id=person.pk, room_id=world.room.pk, category="ENV-CLEAN",
        description="楼道垃圾两天没人清", **overrides,
    )  # fmt: skip


def test_two_residents_are_not_a_group_three_are_and_every_member_rises(world):
    a, b, c = (resident(world, n, p) for n, p in
               (("甲", "13800000001"), ("乙", "13800000002"), ("丙", "13800000003")))  # fmt: skip
    first = complaint_from(world, a, T0)
    second = complaint_from(world, b, T0 + timedelta(days=5))
    second.refresh_from_db()
    assert (second.grade_level, second.grade_class) == ("4", "general")

    third = complaint_from(world, c, T0 + timedelta(days=10))
    third.refresh_from_db()
    assert third.grade_reason == "三级:一个月内同一项目 ≥3 户同类投诉(仅计投诉)"
    assert third.grade_class_reason == "热点:一个月内 ≥3 位不同投诉人同类投诉(仅计投诉)"

    regrade_group(third.pk, T0 + timedelta(days=10))
    for member in (first, second):
        member.refresh_from_db()
        assert (member.grade_level, member.grade_class) == ("3", "hot")


def test_the_same_resident_complaining_three_times_is_not_a_group(world):
    a = resident(world, "甲", "13800000001")
    for day in (0, 3, 6):
        last = complaint_from(world, a, T0 + timedelta(days=day))
    last.refresh_from_db()
    assert last.grade_level == "4"


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("first", "third", "grouped"),
    [
        # One calendar month back from 1 August is 1 July: 31 days, still within the month.
        ("2026-07-01 10:00", "2026-08-01 15:00", True),
        ("2026-07-01 10:00", "2026-08-02 15:00", False),
        # From 28 February one month back is 28 January (31 January has no February date).
        ("2026-01-31 10:00", "2026-02-28 15:00", True),
        ("2026-01-27 10:00", "2026-02-28 15:00", False),
        # 30 days but not a calendar month: 9 September to 9 October counts, the 10th not.
        ("2026-09-09 10:00", "2026-10-09 15:00", True),
        ("2026-09-09 10:00", "2026-10-10 15:00", False),
    ],
)
def test_the_month_of_the_same_kind_rule_is_a_calendar_month(world, first, third, grouped):
    a, b, c = (resident(world, n, p) for n, p in
               (("甲", "13800000001"), ("乙", "13800000002"), ("丙", "13800000003")))  # fmt: skip
    complaint_from(world, a, local(first))
    complaint_from(world, b, local(third) - timedelta(hours=1))
    last = complaint_from(world, c, local(third))
    last.refresh_from_db()
    assert (last.grade_level == "3") is grouped


@pytest.mark.parametrize(
    "other",
    [
        {"kind": "repair", "repair_scope": "common_area"},
        {"kind": "consultation"},
        {"kind": "suggestion"},
        {"kind": "praise"},
    ],
)
def test_only_complaints_count_in_a_group(world, other):
    """SPEC §5: repairs, consultations, suggestions and praise never make a complaint 热点 or
    三级 — neither as members of its group nor graded by it themselves."""
    a, b, c, d = (resident(world, n, p) for n, p in
                  (("甲", "13800000001"), ("乙", "13800000002"), ("丙", "13800000003"),
                   ("丁", "13800000004")))  # fmt: skip
    complaint_from(world, a, T0)
    complaint_from(world, b, T0 + timedelta(days=1), **other)
    third = complaint_from(world, c, T0 + timedelta(days=2))
    third.refresh_from_db()
    assert (third.grade_level, third.grade_class) == ("4", "general")
    # Two complaints and a fourth person's request of the other kind: still no group of three.
    fourth = complaint_from(world, d, T0 + timedelta(days=3), **other)
    fourth.refresh_from_db()
    assert (fourth.grade_level, fourth.grade_class) == ("4", "general")


def test_facts_known_at_intake_grade_the_request_as_it_is_registered(world):
    ticket = register(world, T0, grade_facts={"complainant_count": 12, "claimed_amount": "150000"})
    assert (ticket.grade_level, ticket.complainant_count) == ("1", 12)
    registered = ticket.events.get(kind=EventKind.REGISTERED)
    graded_event = last_grade_event(ticket, "level")
    assert graded_event.data["rule"] == "一级:≥10 人群诉且索赔超过 10 万元"
    assert graded_event.at == registered.at


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"complainant_count": 0}, "complainant_count"),
        ({"claimed_amount": "lots"}, "claimed_amount"),
        ({"media_exposure": "tv"}, "media_exposure"),
        ({"weather": "rain"}, "weather"),
        ({"repeat_of": "SZHY-20200101-0001"}, "repeat_of"),
    ],
)
def test_a_wrong_fact_at_intake_is_refused_by_its_name_and_nothing_is_saved(world, facts, field):
    from propdesk.tickets.models import Ticket

    with pytest.raises(InvalidInput) as refused:
        register(world, T0, grade_facts=facts)
    assert refused.value.field == field
    assert not Ticket.objects.exists()


def test_the_sweep_reads_only_requests_an_age_rule_would_raise(world):
    """Twenty requests a week old already graded 热点 by age cost the sweep one query, not a
    lock and an evaluation each (grades.age_rule_filter)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tickets = [graded(world, {"nature": "effective"}) for _ in range(20)]
    assert grade_sweep(T0 + timedelta(days=7)) == 20
    with CaptureQueriesContext(connection) as queries:
        assert grade_sweep(T0 + timedelta(days=8)) == 0
    assert len(queries) <= 2  # the rules, then the (empty) batch of candidates
    assert grade_sweep(T0 + timedelta(days=15)) == 20  # the 15-day level rule reads them again
    assert {t.pk for t in tickets} == set(
        Ticket.objects.filter(grade_level="3").values_list("pk", flat=True)
    )


def test_an_age_rule_true_on_one_day_only_leaves_the_sweep_reading_every_old_request(world):
    """A rule "exactly N days" stops holding the day after, and a rule below it may then
    apply: the sweep cannot narrow its reading from such a rule (grades.age_rule_filter)."""
    from propdesk.sla.grades import age_rule_filter
    from propdesk.sla.models import GradeRule

    at = T0 + timedelta(days=10)
    old = graded(world, {"nature": "effective"})
    # Already 热点 (the 7-day class rule); the level and 重大 rules need 15 and 30 days.
    Ticket.objects.filter(pk=old.pk).update(grade_class="hot")
    assert not Ticket.objects.filter(age_rule_filter(at), pk=old.pk).exists()
    GradeRule.objects.create(
        scale="class", order=0, name="一般:恰好第七天", result="general",
        conditions=[{"fact": "days_unresolved_our_fault", "op": "==", "value": 7}],
    )  # fmt: skip
    assert Ticket.objects.filter(age_rule_filter(at), pk=old.pk).exists()
