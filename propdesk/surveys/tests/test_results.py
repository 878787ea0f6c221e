"""The figures of SPEC §7 on a hand-made data set, each worked out by hand:

    item           A    B    C    D    E    F      answered  satisfied  rate
    前台接待态度   很满 满意 基本 —    很满 不满      5         4       80.00%
    投诉处理及时   满意 基本 不满 —    很满 —         4         3       75.00%
    报修响应速度   不满 很不 不满 —    满意 很不      5         1       20.00%
    公共区域清洁   基本 —    满意 —    不满 很满      4         3       75.00%

A–D live in 华苑 (6 households invited), E–F in 丽苑 (4 invited); D sent the form back blank.
"""

from decimal import Decimal
from fractions import Fraction

import pytest

from propdesk.surveys import services
from propdesk.surveys.services.results import Rate, below

from .helpers import ITEMS, NA, T0, VD, VS, D, S, answer, answered_campaign, household, run_campaign

pytestmark = pytest.mark.django_db


def rates(rows) -> dict:
    return {r.label: (r.satisfied, r.answered, r.satisfaction.percent) for r in rows}


def test_return_rate_counts_every_questionnaire_sent_back_even_a_blank_one(world, answered):
    results = services.campaign_results(world.hq, answered.pk)
    assert (results.responses, results.invitations) == (6, 10)
    assert results.return_rate == Rate(6, 10)
    assert results.return_rate.percent == Decimal("60.00")
    assert results.below_minimum is False


def test_satisfaction_per_item_counts_basically_satisfied_and_skips_unanswered(world, answered):
    results = services.campaign_results(world.hq, answered.pk)
    assert rates(results.items) == {
        "前台接待态度": (4, 5, Decimal("80.00")),
        "投诉处理及时": (3, 4, Decimal("75.00")),
        "报修响应速度": (1, 5, Decimal("20.00")),
        "公共区域清洁": (3, 4, Decimal("75.00")),
    }
    first = results.items[0]
    assert first.levels == {
        "very_satisfied": 2,
        "satisfied": 1,
        "basically_satisfied": 1,
        "dissatisfied": 1,
        "very_dissatisfied": 0,
    }
    assert [i.dissatisfied for i in results.items] == [1, 1, 4, 1]


def test_satisfaction_per_area_per_project_and_overall(world, answered):
    results = services.campaign_results(world.hq, answered.pk)
    assert rates(results.areas) == {
        "客户服务": (7, 9, Decimal("77.78")),  # 7/9 = 77.777…
        "工程维修": (1, 5, Decimal("20.00")),
        "清洁卫生": (3, 4, Decimal("75.00")),
    }
    assert results.areas[0].satisfaction.fraction == Fraction(7, 9)
    projects = {p.code: p for p in results.projects}
    assert (projects["SZHY"].responses, projects["SZHY"].invitations) == (4, 6)
    assert projects["SZHY"].return_rate.percent == Decimal("66.67")
    assert (projects["SZHY"].satisfied, projects["SZHY"].answered) == (7, 11)
    assert projects["SZHY"].satisfaction.percent == Decimal("63.64")
    assert (projects["GZLY"].responses, projects["GZLY"].invitations) == (2, 4)
    assert (projects["GZLY"].satisfied, projects["GZLY"].answered) == (4, 7)
    assert projects["GZLY"].satisfaction.percent == Decimal("57.14")
    assert (results.overall.satisfied, results.overall.answered) == (11, 18)
    assert results.overall.satisfaction.percent == Decimal("61.11")


def test_a_project_user_sees_only_the_figures_of_their_projects(world, answered):
    results = services.campaign_results(world.supervisor, answered.pk)
    assert [p.code for p in results.projects] == ["SZHY"]
    assert (results.responses, results.invitations) == (4, 6)
    assert (results.overall.satisfied, results.overall.answered) == (7, 11)
    assert rates(results.items)["前台接待态度"] == (3, 3, Decimal("100.00"))


def test_nothing_answered_yet_gives_no_rate_rather_than_zero(world, rooms):
    campaign = run_campaign(world)
    results = services.campaign_results(world.hq, campaign.pk)
    assert results.return_rate == Rate(0, 10)
    assert results.return_rate.percent == Decimal("0.00")
    assert results.below_minimum is True
    assert results.overall.satisfaction.percent is None
    assert all(i.satisfaction.fraction is None for i in results.items)


def test_below_thirty_percent_is_flagged_and_thirty_is_not(world):
    rooms = [household(world.project, "9", "1", f"{n:04d}") for n in range(99)]
    rooms.append(world.room)
    campaign = run_campaign(world, projects=[world.project])
    results = services.campaign_results(world.hq, campaign.pk)
    assert results.invitations == 100
    for room in rooms[:29]:
        answer(campaign, room, [NA] * len(ITEMS))
    results = services.campaign_results(world.hq, campaign.pk)
    assert results.return_rate.percent == Decimal("29.00")
    assert results.below_minimum is True
    assert results.projects[0].below_minimum is True
    answer(campaign, rooms[29], [VS] * len(ITEMS))
    results = services.campaign_results(world.hq, campaign.pk)
    assert results.return_rate.percent == Decimal("30.00")
    assert results.below_minimum is False


def test_the_minimum_is_compared_exactly():
    minimum = Decimal("30")
    assert below(Rate(299, 1000), minimum) is True
    assert below(Rate(3, 10), minimum) is False
    assert below(Rate(0, 0), minimum) is False  # nothing issued: no rate to flag
    assert below(Rate(1, 3), Decimal("33.34")) is True


def test_pareto_orders_items_by_dissatisfaction_with_cumulative_shares(world, answered):
    rows = services.pareto(answered, frozenset({world.project.pk, world.other_project.pk}))
    assert [(r.label, r.count, r.cumulative) for r in rows] == [
        ("报修响应速度", 4, 4),
        ("前台接待态度", 1, 5),  # ties keep questionnaire order
        ("投诉处理及时", 1, 6),
        ("公共区域清洁", 1, 7),
    ]
    assert [r.cumulative_share.percent for r in rows] == [
        Decimal("57.14"),
        Decimal("71.43"),
        Decimal("85.71"),
        Decimal("100.00"),
    ]
    # The few that make 80%: up to and including the row that crosses the line.
    assert [r.vital for r in rows] == [True, True, True, False]
    assert rows[0].share.fraction == Fraction(4, 7)


def test_pareto_by_service_area(world, answered):
    rows = services.pareto(
        answered, frozenset({world.project.pk, world.other_project.pk}), by="area"
    )
    assert [(r.key, r.count, r.cumulative_share.percent, r.vital) for r in rows] == [
        ("engineering", 4, Decimal("57.14"), True),
        ("customer_service", 2, Decimal("85.71"), True),
        ("cleaning", 1, Decimal("100.00"), False),
    ]


def test_pareto_of_a_campaign_nobody_disliked_is_empty(world, rooms):
    campaign = run_campaign(world)
    answer(campaign, rooms["A"], [VS, VS, VS, VS])
    assert services.pareto(campaign, frozenset({world.project.pk})) == []


def test_comparison_with_the_previous_campaign_matches_items_by_area_and_text(world, rooms):
    """The spring campaign asked two of the same items (one reworded) and one other."""
    spring = run_campaign(
        world,
        name="2026年上半年满意度调查",
        items=[
            ("customer_service", "前台接待态度"),
            ("engineering", "报修响应速度"),
            ("greening", "绿化养护"),
            ("cleaning", "楼道清洁"),
        ],
        period=(T0.date().replace(month=3, day=1), T0.date().replace(month=3, day=31)),
        at=T0.replace(month=3, day=2),
    )
    march = T0.replace(month=3, day=10)
    answer(spring, rooms["A"], [VS, S, S, S], at=march)  # 前台 ✓, 报修 ✓
    answer(spring, rooms["B"], [D, S, S, S], at=march)  # 前台 ✗, 报修 ✓
    answer(spring, rooms["E"], [S, VD, NA, NA], at=march)  # 前台 ✓, 报修 ✗
    answer(spring, rooms["F"], [S, NA, NA, NA], at=march)  # 前台 ✓
    services.close(world.hq, spring.pk, now=march)

    autumn = services.campaign_results(world.hq, answered_campaign(world, rooms).pk)
    comparison = services.compare(world.hq, autumn)
    assert comparison.previous == spring
    items = {c.label: c for c in comparison.items}
    assert items["前台接待态度"].then == Rate(3, 4)
    assert items["前台接待态度"].now == Rate(4, 5)
    assert items["前台接待态度"].points == Decimal("5.00")  # 80% − 75%
    assert items["报修响应速度"].then == Rate(2, 3)
    assert items["报修响应速度"].points == Decimal("-46.67")  # 20% − 66.666…%
    assert items["投诉处理及时"].then is None  # not asked in spring
    assert items["公共区域清洁"].then is None  # spring asked 楼道清洁: another item
    areas = {c.key: c for c in comparison.areas}
    assert areas["cleaning"].then == Rate(2, 2)
    assert comparison.return_rate.then == Rate(4, 10)
    assert comparison.return_rate.points == Decimal("20.00")
    assert comparison.overall.then == Rate(9, 11)


def test_the_first_campaign_has_nothing_to_compare_with(world, answered):
    results = services.campaign_results(world.hq, answered.pk)
    assert services.compare(world.hq, results) is None


def test_results_cost_a_bounded_number_of_queries(world, answered, django_assert_max_num_queries):
    extra = [household(world.project, "8", "1", f"{n:04d}") for n in range(5)]
    assert extra
    with django_assert_max_num_queries(12):
        results = services.campaign_results(world.hq, answered.pk)
        services.pareto(answered, results.project_ids)
