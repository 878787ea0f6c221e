"""The home page (工作台) and the notification list, as a signed-in member of staff sees them.

The page reads the clock, so every test freezes it at the fixture's Wednesday morning: "today"
and "this month" are then the same wherever and whenever the tests run."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from propdesk.core import clock
from propdesk.hotissues.detection import detect
from propdesk.hotissues.tests.helpers import report
from propdesk.notify.models import Notification
from propdesk.sla import moves as sla_moves
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register, walk


def kpi(html: str, name: str) -> str:
    """The figure shown on one KPI card."""
    found = re.search(rf'id="kpi-{name}".*?<div class="kpi[^"]*">([^<]*)</div>', html, re.S)
    assert found, f"no KPI card {name}"
    return found.group(1).strip()


def chart_data(html: str) -> dict:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html)
    assert found
    return json.loads(found.group(1))


@pytest.fixture
def busy(world, now):
    """Four requests of the supervisor's project, as of the fixture's ``now``:
    - one from Sunday never dispatched (breached) and escalated by hand;
    - one received 50 minutes ago (today; its dispatch limit is near: due soon);
    - one walked to closed on Monday (handled on time, called back satisfied);
    and a hot issue of two reports just now (two more open, received today)."""
    late = register(world, now - timedelta(days=3))
    sla_moves.escalate_by_hand(
        world.agent, late, reason="住户情绪激动", now=now - timedelta(days=2)
    )
    fresh = register(world, now - timedelta(minutes=50))
    done = walk(world, now - timedelta(days=2), to="closed")
    report(world, 1, now - timedelta(minutes=20))
    second = report(world, 2, now - timedelta(minutes=10))
    issue = detect(second.pk, now - timedelta(minutes=10))
    return {"late": late, "fresh": fresh, "done": done, "issue": issue}


def test_a_supervisor_sees_the_figures_of_their_project(client, world, now, busy):
    client.force_login(world.supervisor)
    with clock.frozen(now):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert kpi(html, "today") == "3"  # the fresh request and the two reports
    assert kpi(html, "open") == "4"
    assert kpi(html, "breached") == "1"
    assert kpi(html, "due-soon") == "1"
    assert kpi(html, "escalated") == "1"
    assert kpi(html, "hot") == "1"
    # Handling limits due this month so far: the closed one on time, Sunday's one late.
    assert kpi(html, "timeliness") == "50.0%"
    assert kpi(html, "satisfaction") == "100.0%"
    # Cards lead to the queues that list what they count.
    assert 'href="/queues/breached/" id="kpi-breached"' in html
    assert 'href="/queues/due_soon/" id="kpi-due-soon"' in html
    assert 'href="/queues/escalated/" id="kpi-escalated"' in html
    assert 'href="/hot-issues/" id="kpi-hot"' in html
    # One project in scope: no per-project table.
    assert 'id="projects"' not in html


def test_the_charts_get_their_data_and_echarts_is_served_locally(client, world, now, busy):
    client.force_login(world.supervisor)
    with clock.frozen(now):
        html = client.get("/").content.decode()
    data = chart_data(html)
    assert len(data["intake"]["days"]) == 14
    assert data["intake"]["days"][-1] == "09-09"
    assert data["intake"]["counts"][-1] == 3
    assert data["intake"]["counts"][-3] == 1  # Monday: the request walked to closed
    assert sum(data["intake"]["counts"]) == 5
    assert data["status"] == [{"status": "registered", "name": "已登记", "value": 4}]
    assert "/static/console/vendor/echarts.min.js" in html
    assert "/static/console/dashboard.js" in html
    assert "cdn" not in html.lower()


def test_an_outsider_sees_nothing_of_another_project(client, world, now, busy):
    client.force_login(world.outsider)
    with clock.frozen(now):
        html = client.get("/").content.decode()
    for name in ("today", "open", "breached", "due-soon", "escalated", "hot"):
        assert kpi(html, name) == "0", name
    assert kpi(html, "timeliness") == "—"
    assert kpi(html, "satisfaction") == "—"
    assert chart_data(html)["status"] == []
    assert sum(chart_data(html)["intake"]["counts"]) == 0
    assert "华苑" not in html


def test_headquarters_gets_one_row_per_project(client, world, now, busy):
    elsewhere = services.NewTicket(
        kind="complaint", channel="phone", category="FAC-LIGHT", description="路灯不亮",
        resident_id=world.neighbour.pk, room_id=world.other_room.pk,
    )  # fmt: skip
    services.register_ticket(world.outsider, elsewhere, now=now - timedelta(days=1))
    client.force_login(world.hq)
    with clock.frozen(now):
        html = client.get("/").content.decode()
    rows = re.findall(r"<tr>\s*<td><a href=\"/queues/all/\?project=(\w+)\">(.*?)</a></td>"
                      r"\s*<td class=\"text-end\">(\d+)</td>.*?<td class=\"text-end\">(\d+)</td>",
                      html, re.S)  # fmt: skip
    assert [(code, name, int(o), int(m)) for code, name, o, m in rows] == [
        ("GZLY", "丽苑", 1, 1),
        ("SZHY", "华苑", 4, 5),
    ]
    assert '<a class="text-danger fw-semibold" href="/queues/breached/?project=SZHY">1</a>' in html
    assert kpi(html, "open") == "5"


def test_the_dashboard_costs_a_bounded_number_of_queries(
    client, world, now, busy, django_assert_max_num_queries
):
    client.force_login(world.hq)
    with clock.frozen(now):
        client.get("/")  # warm the caches (session, calendars)
        with django_assert_max_num_queries(14):
            assert client.get("/").status_code == 200
        for i in range(6):
            register(world, now - timedelta(days=i), description=f"第{i}件:垃圾没有清运")
        with django_assert_max_num_queries(14):
            assert client.get("/").status_code == 200


def test_signed_out_visitors_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- notifications -------------------------------------------------------------------------


def note(user, title: str, *, ticket=None, at, read: bool = False) -> Notification:
    return Notification.objects.create(
        user=user, event="sla_warning", ticket=ticket, title=title, body=f"{title}:请尽快处理",
        created_at=at, read_at=at if read else None,
    )  # fmt: skip


def test_notifications_list_the_users_own_unread_in_bold(client, world, now):
    ticket = register(world, now)
    unread = note(world.supervisor, "即将超时提醒", ticket=ticket, at=now)
    note(world.supervisor, "昨天的提醒", at=now - timedelta(days=1), read=True)
    note(world.agent, "别人的提醒", at=now)
    client.force_login(world.supervisor)
    html = client.get("/notifications/").content.decode()
    assert "即将超时提醒" in html and "昨天的提醒" in html
    assert "别人的提醒" not in html
    assert f'<a href="/tickets/{ticket.number}/">即将超时提醒</a>' in html
    bold = re.search(r'<div class="fw-bold">\s*<a href="[^"]+">(.*?)</a>', html)
    assert bold and bold.group(1) == "即将超时提醒"
    assert html.count('class="fw-bold"') == 1
    assert f'name="read" value="{unread.pk}"' in html
    assert html.index("即将超时提醒") < html.index("昨天的提醒")  # newest first


def test_mark_all_read_marks_only_the_users_own(client, world, now):
    for i in range(3):
        note(world.supervisor, f"提醒{i}", at=now + timedelta(minutes=i))
    theirs = note(world.agent, "别人的提醒", at=now)
    client.force_login(world.supervisor)
    response = client.post("/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert not Notification.objects.filter(user=world.supervisor, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    page = client.get("/notifications/").content.decode()
    assert "已将 3 条通知标为已读" in page
    assert 'class="fw-bold"' not in page


def test_one_notification_is_marked_read_and_nobody_elses(client, world, now):
    mine = note(world.supervisor, "我的提醒", at=now)
    other = note(world.supervisor, "另一条", at=now)
    theirs = note(world.agent, "别人的提醒", at=now)
    client.force_login(world.supervisor)
    client.post("/notifications/", {"read": mine.pk, "page": "1"})
    client.post("/notifications/", {"read": theirs.pk})
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_notifications_are_paginated(client, world, now):
    for i in range(30):
        note(world.supervisor, f"提醒第{i:02d}条", at=now + timedelta(minutes=i))
    client.force_login(world.supervisor)
    first = client.get("/notifications/").content.decode()
    assert "提醒第29条" in first and "提醒第05条" in first and "提醒第04条" not in first
    assert "1 / 2" in first
    second = client.get("/notifications/?page=2").content.decode()
    assert "提醒第04条" in second and "提醒第29条" not in second
