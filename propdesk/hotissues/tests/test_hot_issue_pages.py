"""The hot-issue pages: the list with its tabs, one issue with its requests and history, and a
supervisor's decisions made through the page (an agent sees no form and is refused)."""

from __future__ import annotations

import re

import pytest

from propdesk.core import clock
from propdesk.hotissues import services as hot
from propdesk.hotissues.detection import detect
from propdesk.hotissues.models import HotIssue
from propdesk.hotissues.tests.helpers import DAY, T0, report
from propdesk.tickets import services as tickets
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register

#: Other things several residents of the building report, each its own hot issue.
SOME_PROBLEMS = [
    ("ENV-CLEAN", "楼下垃圾堆了三天没人清运"),
    ("SEC-GUARD", "保安夜里不巡逻,陌生人随便进出"),
    ("FAC-WATER", "水管漏水把天花板泡坏了"),
    ("FAC-ELEV", "电梯经常卡在半层"),
]

#: Decisions are made "now": two days after the reports, whatever the real date.
LATER = T0 + 2 * DAY


@pytest.fixture
def issue(world):
    """Two neighbours report the stairway lights a day apart: one hot issue."""
    report(world, 1, T0)
    second = report(world, 2, T0 + DAY)
    return detect(second.pk, T0 + DAY)


def members(issue: HotIssue) -> list[Ticket]:
    return [m.ticket for m in issue.members.filter(removed_at=None).order_by("ticket__pk")]


def post(client, pk: int, action: str, data: dict):
    with clock.frozen(LATER):
        return client.post(f"/hot-issues/{pk}/{action}/", data)


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_each_issue_with_its_counts(client, world, issue):
    client.force_login(world.supervisor)
    html = client.get("/hot-issues/").content.decode()
    assert f'href="/hot-issues/{issue.pk}/"' in html
    assert "楼道灯不亮" in html
    assert "华苑" in html
    assert "同类同地点" in html
    assert "待确认" in html
    counts = re.findall(r'<td class="text-end">(\d+)</td>', html)
    assert counts == ["2", "2"]  # two requests from two residents


def test_the_tabs_filter_by_status(client, world, issue):
    hot.dismiss(world.supervisor, issue.pk, reason="各户灯具问题不同", now=LATER)
    client.force_login(world.supervisor)
    live = client.get("/hot-issues/").content.decode()
    assert f"/hot-issues/{issue.pk}/" not in live
    assert "没有热点问题" in live
    dismissed = client.get("/hot-issues/?status=dismissed").content.decode()
    assert f"/hot-issues/{issue.pk}/" in dismissed
    everything = client.get("/hot-issues/?status=all").content.decode()
    assert f"/hot-issues/{issue.pk}/" in everything
    assert (
        f"/hot-issues/{issue.pk}/"
        not in client.get("/hot-issues/?status=detected").content.decode()
    )


def test_the_project_filter_and_an_outsiders_empty_list(client, world, issue):
    client.force_login(world.hq)
    assert f"/hot-issues/{issue.pk}/" in client.get("/hot-issues/?project=SZHY").content.decode()
    assert (
        f"/hot-issues/{issue.pk}/" not in client.get("/hot-issues/?project=GZLY").content.decode()
    )
    client.force_login(world.outsider)
    html = client.get("/hot-issues/?status=all").content.decode()
    assert f"/hot-issues/{issue.pk}/" not in html
    assert "楼道灯不亮" not in html


def test_the_list_costs_a_bounded_number_of_queries(
    client, world, issue, django_assert_max_num_queries
):
    for n, (code, words) in enumerate(SOME_PROBLEMS, start=3):
        for who in (2 * n, 2 * n + 1):
            ticket = report(world, who, T0 + DAY, category=code, description=f"{words}(第{who}户)")
        detect(ticket.pk, T0 + DAY)
    client.force_login(world.hq)
    client.get("/hot-issues/")
    with django_assert_max_num_queries(7):
        response = client.get("/hot-issues/?status=all")
    assert response.content.decode().count('<a href="/hot-issues/') == 2 * 5  # number and title


# --- one issue -----------------------------------------------------------------------------


def test_the_page_lists_its_requests_and_history(client, world, issue):
    client.force_login(world.supervisor)
    response = client.get(f"/hot-issues/{issue.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for ticket in members(issue):
        assert f'<a href="/tickets/{ticket.number}/">{ticket.number}</a>' in html
    assert "3栋2单元1101" in html
    assert "发现" in html  # the detection event on the timeline
    for action in ("confirm", "dismiss", "link", "unlink", "merge"):
        assert f'action="/hot-issues/{issue.pk}/{action}/"' in html


def test_an_outsider_is_refused_the_page(client, world, issue):
    client.force_login(world.outsider)
    response = client.get(f"/hot-issues/{issue.pk}/")
    assert response.status_code == 403
    assert "楼道灯不亮" not in response.content.decode()
    assert client.get("/hot-issues/999999/").status_code == 404


def test_an_agent_sees_no_decision_forms_and_is_refused(client, world, issue):
    client.force_login(world.agent)
    html = client.get(f"/hot-issues/{issue.pk}/").content.decode()
    assert "/confirm/" not in html and "/merge/" not in html
    response = post(client, issue.pk, "confirm", {"note": "我觉得是"})
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == "detected"
    assert list(issue.events.values_list("kind", flat=True)) == ["detected"]


# --- decisions -----------------------------------------------------------------------------


def test_a_supervisor_confirms_through_the_page(client, world, issue):
    client.force_login(world.supervisor)
    response = post(client, issue.pk, "confirm", {"note": "整栋楼道灯线路老化"})
    assert response.status_code == 302
    assert response["Location"] == f"/hot-issues/{issue.pk}/"
    issue.refresh_from_db()
    assert (issue.status, issue.decided_by, issue.decision_note) == (
        "confirmed", world.supervisor, "整栋楼道灯线路老化",
    )  # fmt: skip
    html = client.get(response["Location"]).content.decode()
    assert "已完成:确认" in html
    assert "已确认" in html and "整栋楼道灯线路老化" in html


def test_a_dismissal_without_reason_is_shown_again_with_the_field_named(client, world, issue):
    client.force_login(world.supervisor)
    response = post(client, issue.pk, "dismiss", {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "排除原因:请填写排除原因" in html
    assert (
        'class="form-control form-control-sm is-invalid" name="reason" id="dismiss-reason"' in html
    )
    issue.refresh_from_db()
    assert issue.status == "detected"

    response = post(client, issue.pk, "dismiss", {"reason": "各户灯具问题不同"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.decision_note) == ("dismissed", "各户灯具问题不同")
    html = client.get(f"/hot-issues/{issue.pk}/").content.decode()
    assert "/confirm/" not in html  # nothing more to decide
    assert "热点问题已排除,不能再处理" in html


def test_merging_duplicates_through_the_page(client, world, issue):
    first, second = members(issue)
    client.force_login(world.supervisor)
    response = post(client, issue.pk, "merge", {
        "survivor": first.number, "duplicates": [second.number], "note": "同一处楼道灯",
    })  # fmt: skip
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == ("merged", first.pk)
    assert issue.events.last().kind == "merged"
    html = client.get(f"/hot-issues/{issue.pk}/").content.decode()
    assert f"{second.number} → " in html


def test_a_merge_without_duplicates_is_refused_and_keeps_the_choice(client, world, issue):
    first, second = members(issue)
    client.force_login(world.supervisor)
    response = post(client, issue.pk, "merge", {"survivor": first.number})
    assert response.status_code == 400
    html = response.content.decode()
    assert "重复的诉求:请选择要合并的重复诉求" in html
    assert (
        f'name="survivor" value="{first.number}" aria-label="保留 {first.number}" checked' in html
    )
    second.refresh_from_db()
    assert second.status != "merged"


def test_link_and_unlink_through_the_page(client, world, issue):
    other = register(world, T0 + DAY, category="SEC-GUARD", description="保安夜里不巡逻")
    client.force_login(world.supervisor)
    assert post(client, issue.pk, "link", {"ticket": other.number}).status_code == 302
    issue.refresh_from_db()
    assert issue.member_count == 3

    missing = post(client, issue.pk, "link", {"ticket": "NOPE-1"})
    assert missing.status_code == 400
    assert "诉求编号:诉求 NOPE-1 不存在" in missing.content.decode()
    assert 'value="NOPE-1"' in missing.content.decode()  # what was typed is kept

    response = post(client, issue.pk, "unlink", {"ticket": other.number, "reason": "不是灯的问题"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.member_count == 2
    html = client.get(f"/hot-issues/{issue.pk}/").content.decode()
    assert 'id="removed-members"' in html and "不是灯的问题" in html


def test_an_unknown_action_is_not_found_and_get_is_not_allowed(client, world, issue):
    client.force_login(world.supervisor)
    assert post(client, issue.pk, "explode", {}).status_code == 404
    assert client.get(f"/hot-issues/{issue.pk}/confirm/").status_code == 405


def test_an_outsider_cannot_decide_on_another_projects_issue(client, world, issue):
    client.force_login(world.outsider)
    assert post(client, issue.pk, "dismiss", {"reason": "不是我的"}).status_code == 403
    issue.refresh_from_db()
    assert issue.status == "detected"
    assert not tickets.tickets_for(world.outsider).filter(pk__in=[t.pk for t in members(issue)])
