"""The projects side by side (SPEC §9, issue 7 §4): each project's figures pinned to exact
values, and a statistics page whose number of queries does not grow with the projects.

A company of two hundred projects is ordinary; a page that ran a few queries per project
would cost hundreds of round trips, so the comparison is counted with grouped queries and
the page's query count is measured for five projects and for ten."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from propdesk.callbacks.models import Callback
from propdesk.org.models import Project, User
from propdesk.sla.models import SlaClock
from propdesk.stats import figures, figures_breakdown
from propdesk.stats.period import Period
from propdesk.tickets import services
from propdesk.tickets.models import Ticket
from propdesk.worktime.arithmetic import SHANGHAI

SEPT = Period.month(2026, 9)
H = timedelta(hours=1)


def at(day: int, hour: int = 10, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def request_in(world, project: Project, when: datetime) -> Ticket:
    admin = User.objects.get(pk=world.admin.pk)  # sees the projects made since ``world``
    ticket, _created = services.register_ticket(
        admin,
        services.NewTicket(
            kind="complaint",
            channel="phone",
            category="FAC-ELEV",
            description="电梯停在12楼不动",
            project=project.code,
            reporter_type="contact",
            contact_name="王先生",
            place="1栋大堂",
        ),
        now=when,
    )
    return ticket


def handle_clock(ticket: Ticket, *, state: str, due: datetime, met: datetime | None = None):
    return SlaClock.objects.create(
        ticket=ticket,
        kind="handle",
        state=state,
        due_at=due,
        met_at=met,
        unit="natural_hours",
        amount=4,
        started_at=due - 4 * H,
        warn_at=due - H,
    )


def callback(world, ticket: Ticket, satisfaction: str, when: datetime) -> Callback:
    return Callback.objects.create(
        ticket=ticket,
        method="phone",
        satisfaction=satisfaction,
        called_by=world.admin,
        called_at=when,
    )


def a_project(world, code: str, name: str, plan: dict) -> Project:
    """A project with ``plan["received"]`` requests in September (and one in August, which
    must not count), handling clocks ``plan["clocks"]`` (state, on time?) due in September
    (and one due in October, which must not count), callbacks ``plan["callbacks"]`` made in
    September (and one in August)."""
    project = Project.objects.create(
        region=world.region, company=world.company, code=code, name=name
    )
    tickets = [request_in(world, project, at(1 + i)) for i in range(plan["received"])]
    late = request_in(world, project, at(25, month=8))
    SlaClock.objects.filter(ticket__project=project).delete()
    for i, (state, on_time) in enumerate(plan["clocks"]):
        due = at(10 + i)
        met = None if state != "met" else (due - H if on_time else due + H)
        handle_clock(tickets[i % len(tickets)], state=state, due=due, met=met)
    handle_clock(late, state="met", due=at(1, month=10), met=at(1, 9, month=10))
    for i, satisfaction in enumerate(plan["callbacks"]):
        callback(world, tickets[i % len(tickets)], satisfaction, at(20 + i))
    callback(world, late, "very_dissatisfied", at(28, month=8))
    return project


#: Three projects with known outcomes: what each must show in September.
PLANS = {
    "SZA1": {
        "received": 3,
        "clocks": [("met", True), ("met", True), ("met", False), ("breached", False)],
        "callbacks": ["satisfied", "very_satisfied", "dissatisfied"],
    },
    "SZA2": {
        "received": 1,
        "clocks": [("running", False), ("cancelled", False)],
        "callbacks": [],
    },
    "SZA3": {
        "received": 2,
        "clocks": [("met", True)],
        "callbacks": ["basically_satisfied", "very_dissatisfied"],
    },
}
EXPECTED = {
    #       received, timeliness (met, due), satisfaction (satisfied, called)
    "SZA1": (3, (2, 4), (2, 3)),
    "SZA2": (1, (0, 1), (0, 0)),  # a running clock past due is missed; cancelled: not due
    "SZA3": (2, (1, 1), (1, 2)),
}


@pytest.fixture
def projects(world) -> dict[str, Project]:
    return {code: a_project(world, code, f"项目{code[-1]}", plan) for code, plan in PLANS.items()}


def test_each_project_has_its_exact_figures(world, projects):
    ids = frozenset(p.pk for p in projects.values())
    rows = figures_breakdown.per_project(ids, SEPT)
    assert [row["project"].code for row in rows] == ["SZA1", "SZA2", "SZA3"]
    for row in rows:
        received, (met, due), (satisfied, called) = EXPECTED[row["project"].code]
        assert row["received"] == received
        assert row["timeliness"] == figures.Rate(met, due)
        assert row["satisfaction"] == figures.Rate(satisfied, called)
    by_code = {row["project"].code: row for row in rows}
    assert by_code["SZA1"]["timeliness"].percent == Decimal("50.0")
    assert by_code["SZA1"]["satisfaction"].percent == Decimal("66.7")
    assert by_code["SZA2"]["satisfaction"].percent is None
    assert by_code["SZA3"]["timeliness"].percent == Decimal("100.0")


def test_the_comparison_agrees_with_the_figures_of_each_project(world, projects):
    ids = frozenset(p.pk for p in projects.values())
    for row in figures_breakdown.per_project(ids, SEPT):
        one = frozenset({row["project"].pk})
        assert row["received"] == figures.received(one, SEPT).count()
        assert row["timeliness"] == figures.timeliness(one, SEPT)["handle"]
        assert row["satisfaction"] == figures.callback_satisfaction(one, SEPT)


def test_the_comparison_costs_the_same_queries_for_any_number_of_projects(world, projects):
    few = frozenset(p.pk for p in list(projects.values())[:1])
    many = frozenset(Project.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as one:
        figures_breakdown.per_project(few, SEPT)
    with CaptureQueriesContext(connection) as all_of_them:
        figures_breakdown.per_project(many, SEPT)
    assert len(one) == len(all_of_them) == 4


def chart_data(html: str) -> dict:
    found = re.search(r'<script id="stats-data" type="application/json">(.*?)</script>', html)
    assert found
    return json.loads(found.group(1))


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/stats/", {"period": "2026-09"})
    assert response.status_code == 200
    return len(queries)


def test_the_statistics_page_does_not_query_per_project(client, world, projects):
    client.force_login(world.hq)
    page_queries(client)  # warm the session and caches
    five = page_queries(client)  # 华苑, 丽苑 and the three above
    html = client.get("/stats/", {"period": "2026-09"}).content.decode()
    compared = chart_data(html)["projects"]
    assert compared["names"] == ["丽苑", "项目1", "项目2", "项目3", "华苑"]  # by code
    assert compared["received"] == [0, 3, 1, 2, 0]
    assert compared["timeliness"] == [None, 50.0, 0.0, 100.0, None]
    assert compared["satisfaction"] == [None, 66.7, None, 50.0, None]
    for n in range(4, 9):
        a_project(world, f"SZA{n}", f"项目{n}", PLANS["SZA1"])
    ten = page_queries(client)
    html = client.get("/stats/", {"period": "2026-09"}).content.decode()
    assert html.count("scope=project:SZA") == 8
    assert ten == five
    # 50 when written: three periods' counts of 6 queries each (open at the end in three parts);
    # then two for the compensation claims per project (claims, then charge-backs), and three
    # for the withdrawn part of open at the end (four parts since), one per period.
    assert five <= 57
