"""The monthly report: generated for every project, region and the company; commentary;
published by a manager with its figures frozen; late after the 10th; the 3rd's schedule."""

from datetime import datetime, timedelta

import pytest

from propdesk.core.errors import InvalidTransition, OutOfScope, PermissionDenied
from propdesk.stats import reports
from propdesk.stats.models import MonthlyReport
from propdesk.stats.tasks import next_run
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def september(world):
    register(world, at(9, 9))
    register(world, at(9, 10), grade_facts={"major_accident": True}, description="电梯困人受伤")
    reports.generate_month(2026, 9, now=at(10, 3, 2))
    return MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")


def test_every_project_region_and_the_company_gets_a_report(world, september):
    scopes = set(MonthlyReport.objects.values_list("scope_kind", "scope_code"))
    assert scopes == {
        ("company", ""),
        ("region", "SZ"),
        ("region", "GZ"),
        ("project", "SZHY"),
        ("project", "GZLY"),
    }
    assert september.figures["counts"]["received"] == 2
    assert [c["description"] for c in september.major_complaints] == ["电梯困人受伤"]
    company = MonthlyReport.objects.get(scope_kind="company")
    assert company.figures["counts"]["received"] == 2
    assert sorted(company.project_ids) == sorted([world.project.pk, world.other_project.pk])


def test_a_manager_comments_and_publishes_and_the_figures_stay_as_published(world, september):
    reports.update_commentary(world.manager, september.pk, "本月电梯故障集中,已安排全面检修。")
    published = reports.publish(world.manager, september.pk, now=at(10, 8))
    assert (published.status, published.published_late) == ("published", False)
    register(world, at(9, 20))  # a late registration for September
    reports.generate_month(2026, 9, now=at(10, 9))
    published.refresh_from_db()
    assert published.figures["counts"]["received"] == 2
    assert published.commentary.startswith("本月电梯故障集中")
    with pytest.raises(InvalidTransition):
        reports.update_commentary(world.manager, september.pk, "改")
    draft = MonthlyReport.objects.get(scope_kind="region", scope_code="SZ")
    assert draft.figures["counts"]["received"] == 3  # not published: refreshed


def test_publishing_after_the_tenth_is_flagged_late(world, september):
    assert reports.publish(world.manager, september.pk, now=at(10, 11)).published_late is True


def test_who_may_edit_and_see_reports(world, september):
    with pytest.raises(PermissionDenied):
        reports.publish(world.agent, september.pk)
    with pytest.raises(OutOfScope):
        reports.get_report(world.outsider, september.pk)
    company = MonthlyReport.objects.get(scope_kind="company")
    with pytest.raises(OutOfScope):
        reports.get_report(world.manager, company.pk)  # sees one project, not the company
    assert company in reports.reports_for(world.hq)


def test_reports_are_generated_at_two_on_the_third():
    assert next_run(at(10, 2, 12)) == at(10, 3, 2)
    assert next_run(at(10, 3, 1)) == at(10, 3, 2)
    assert next_run(at(10, 3, 3)) == at(11, 3, 2)
    assert next_run(at(12, 31)) == datetime(2027, 1, 3, 2, tzinfo=SHANGHAI)
    assert reports.month_before(at(1, 3).date().replace(year=2027)) == (2026, 12)
    assert timedelta(0) < next_run(at(10, 2)) - at(10, 2)
