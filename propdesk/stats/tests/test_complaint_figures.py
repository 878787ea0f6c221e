"""Seed 003's 投诉处理及时率 (by the work orders) and the follow-up breaches of SPEC §4, in the
month's figures and the monthly report beside the per-clock timeliness."""

from datetime import datetime, timedelta

import pytest

from propdesk.sla import services as sla
from propdesk.stats import reports
from propdesk.stats.figures_complaints import complaint_timeliness, follow_up_breaches
from propdesk.stats.models import MonthlyReport
from propdesk.stats.period import Period
from propdesk.stats.tables import report_tables
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI


def at(day: int, hour: int = 10, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def dispatched(world, ticket, when, *, deadline):
    services.accept(world.agent, ticket, now=when)
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=deadline,
        now=when + timedelta(minutes=5),
    )  # fmt: skip


@pytest.fixture
def september(world):
    """A: work order done by its deadline. B: done a day late. C: answered at once, no work
    order. D: accepted and never followed up (a breach a week later). E: followed up late once,
    then not again (two breaches). F: an in-home repair done in time (not a complaint). G: a
    withdrawn complaint. H: a duplicate merged into A."""
    t = {}
    t["A"] = register(world, at(1))
    dispatched(world, t["A"], at(1), deadline=at(2, 18))
    services.resolve(world.handler, t["A"], result="已修好", now=at(2, 10))

    t["B"] = register(world, at(1))
    dispatched(world, t["B"], at(1), deadline=at(2, 18))
    services.resolve(world.handler, t["B"], result="已修好", now=at(3, 10))

    t["C"] = register(world, at(1), category="SVC-ETHICS", description="前台态度不好")
    services.answer(world.agent, t["C"], content="已向您致歉并批评教育", now=at(1, 11))

    t["D"] = register(world, at(1))
    services.accept(world.agent, t["D"], now=at(1, 11))

    t["E"] = register(world, at(1))
    services.accept(world.agent, t["E"], now=at(1, 11))
    sla.sweep(now=at(8, 18) + timedelta(minutes=5))  # D's and E's first week breach
    services.add_progress_note(world.agent, t["E"], text="仍在协调", now=at(9))

    t["F"] = register(world, at(1), kind="repair", repair_scope="in_home", category="FAC-WATER",
                      description="厨房漏水")  # fmt: skip
    dispatched(world, t["F"], at(1), deadline=at(2, 18))
    services.resolve(world.handler, t["F"], result="已修", now=at(2, 10))

    t["G"] = register(world, at(2))
    services.cancel(world.agent, t["G"], reason="业主撤回", now=at(2, 11))
    t["H"] = register(world, at(2))
    services.merge(world.supervisor, t["H"], into=t["A"].number, now=at(2, 11))

    sla.sweep(now=at(30, 20))  # E's second week (due 16 September) breached too
    return t


def test_complaint_timeliness_counts_complaints_handled_in_time_by_their_work_orders(
    world, september
):
    """A (order in time) and C (answered at once, handling met) of A, B, C, D, E: G withdrawn
    and H merged are not complaints of the period, F is a repair."""
    rate = complaint_timeliness([world.project.pk], Period.month(2026, 9))
    assert (rate.part, rate.whole, rate.percent) == (2, 5, 40)


def test_follow_up_breaches_are_counted_in_the_months_figures(world, september):
    assert follow_up_breaches([world.project.pk], Period.month(2026, 9)) == {
        "breaches": 3,
        "complaints": 2,
    }
    assert follow_up_breaches([world.other_project.pk], Period.month(2026, 9)) == {
        "breaches": 0,
        "complaints": 0,
    }
    # A breach belongs to the month it fell due in.
    assert follow_up_breaches([world.project.pk], Period.month(2026, 10))["breaches"] == 0


def test_the_monthly_report_shows_the_headline_beside_the_clocks_and_the_follow_up_breaches(
    world, september, client
):
    reports.generate_month(2026, 9, now=at(3, 2, month=10))
    report = MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")
    assert report.figures["complaint_timeliness"] == {"part": 2, "whole": 5, "percent": "40.0"}
    assert report.figures["follow_up_breaches"] == {"breaches": 3, "complaints": 2}
    keys = [t.key for t in report_tables(report)]
    assert keys.index("timeliness") + 1 == keys.index("complaint_timeliness")
    assert "follow_up" in keys

    client.force_login(world.manager)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "投诉处理及时率(以派工单计)" in page
    assert "跟进超时(次)" in page


def test_a_report_published_before_these_figures_existed_shows_without_them(world, client):
    reports.generate_month(2026, 9, now=at(3, 2, month=10))
    report = MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")
    for key in ("complaint_timeliness", "follow_up_breaches"):
        del report.figures[key]
    report.save()

    assert "complaint_timeliness" not in [t.key for t in report_tables(report)]
    client.force_login(world.manager)
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    assert "跟进超时(次)" not in page.content.decode()
