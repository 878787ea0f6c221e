"""Grouping open requests into hot issues (SPEC §5): same category and place within a rolling
30 days, or very similar text; counts, idempotence, what a dismissal means, and the grade
rule for three residents."""

import pytest

from propdesk.hotissues.detection import detect, similarity
from propdesk.hotissues.models import HotIssue, HotIssueEventKind
from propdesk.hotissues.services import dismiss
from propdesk.tickets.tests.helpers import walk

from .helpers import DAY, T0, report


def test_similarity_ignores_punctuation_and_spaces_and_tells_unrelated_text_apart():
    assert similarity("3栋电梯停在12楼不动!", "3栋 电梯停在12楼不动") == 1.0
    assert (
        similarity("3栋电梯停在12楼不动,按钮没反应", "3栋的电梯停在12楼不动了,按钮没有反应") > 0.6
    )
    assert similarity("楼道灯不亮,晚上看不见路", "物业费收费标准是多少") < 0.2
    assert similarity("漏水", "漏水") == 1.0  # short but the same
    assert similarity("漏水", "停电") == 0.0


def test_two_reports_of_one_category_at_one_building_make_a_hot_issue(world):
    first = report(world, 1, T0)
    second = report(world, 2, T0 + 3 * DAY)
    assert detect(first.pk, T0) is None or HotIssue.objects.count() == 1
    issue = detect(second.pk, T0 + 3 * DAY)
    assert issue is not None
    assert (issue.basis, issue.member_count, issue.complainant_count) == ("place", 2, 2)
    assert issue.building_id == world.room.building_id
    assert issue.category.code == "FAC-LIGHT"
    assert set(issue.members.values_list("ticket__number", flat=True)) == {
        first.number,
        second.number,
    }
    event = issue.events.get()
    assert event.kind == HotIssueEventKind.DETECTED
    assert sorted(event.data["tickets"]) == sorted([first.number, second.number])


def test_detecting_again_adds_nothing(world):
    report(world, 1, T0)
    second = report(world, 2, T0 + DAY)
    issue = detect(second.pk, T0 + DAY)
    assert detect(second.pk, T0 + DAY).pk == issue.pk
    issue.refresh_from_db()
    assert issue.member_count == 2
    assert issue.events.count() == 1


@pytest.mark.parametrize(("days", "grouped"), [(29, True), (30, True), (31, False)])
def test_the_window_is_a_rolling_thirty_days(world, days, grouped):
    report(world, 1, T0)
    later = report(world, 2, T0 + days * DAY)
    assert (detect(later.pk, T0 + days * DAY) is not None) is grouped


def test_another_category_at_the_same_place_is_not_grouped_unless_the_text_is_alike(world):
    report(world, 1, T0)
    water = report(
        world, 2, T0 + DAY, category="FAC-WATER", description="家里没有热水了,一直放冷水"
    )
    assert detect(water.pk, T0 + DAY) is None
    # Filed under another category by a different agent, but saying the same thing.
    alike = report(
        world, 3, T0 + DAY, category="FAC-POWER", description="楼道灯不亮,晚上看不见路(第1户)"
    )
    issue = detect(alike.pk, T0 + DAY)
    assert issue is not None and issue.basis == "text"
    assert issue.member_count == 2


def test_another_building_is_another_place(world):
    report(world, 1, T0)
    elsewhere = report(
        world,
        2,
        T0 + DAY,
        room_id=None,
        resident_id=None,
        project="SZHY",
        reporter_type="contact",
        contact_name="王先生",
        contact_phone="13900001111",
        place="5栋门口路灯",
        description="路灯坏了三天了",
    )
    assert detect(elsewhere.pk, T0 + DAY) is None


def test_finished_requests_do_not_group(world):
    walk(world, T0, "closed", category="FAC-LIGHT", room_id=world.room.pk, description="楼道灯坏了")
    fresh = report(world, 2, T0 + DAY)
    assert detect(fresh.pk, T0 + DAY) is None


def test_a_third_resident_grows_the_issue_and_raises_every_members_grade(world):
    first = report(world, 1, T0, kind="complaint")
    second = report(world, 2, T0 + DAY)
    detect(second.pk, T0 + DAY)
    for t in (first, second):
        t.refresh_from_db()
        assert (t.grade_level, t.grade_class) == ("4", "general")

    third = report(world, 3, T0 + 2 * DAY)
    issue = detect(third.pk, T0 + 2 * DAY)
    assert (issue.member_count, issue.complainant_count) == (3, 3)
    assert issue.events.last().kind == HotIssueEventKind.GREW
    for t in (first, second, third):
        t.refresh_from_db()
        assert (t.grade_level, t.grade_class) == ("3", "hot"), t.number


def test_repairs_group_but_do_not_count_as_complainants(world):
    report(world, 1, T0, kind="repair", repair_scope="common_area")
    second = report(world, 2, T0 + DAY, kind="repair", repair_scope="common_area")
    third = report(world, 3, T0 + 2 * DAY, kind="repair", repair_scope="common_area")
    detect(second.pk, T0 + DAY)
    issue = detect(third.pk, T0 + 2 * DAY)
    assert (issue.member_count, issue.complainant_count) == (3, 0)
    third.refresh_from_db()
    assert third.grade_level == "4"


def test_a_dismissed_group_is_not_formed_again_from_the_same_requests(world):
    report(world, 1, T0)
    second = report(world, 2, T0 + DAY)
    issue = detect(second.pk, T0 + DAY)
    dismiss(world.supervisor, issue.pk, reason="两处不同的灯", now=T0 + DAY)
    assert detect(second.pk, T0 + DAY) is None
    assert HotIssue.objects.count() == 1
