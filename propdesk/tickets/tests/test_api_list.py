"""GET /tickets: scope, every filter, pagination, and a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from propdesk.tickets import services
from propdesk.tickets.models import Ticket

from .helpers import register, walk
from .test_api_helpers import ApiClient, earlier, quick_password_hashing  # noqa: F401


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {item["number"] for item in response.json()["items"]}


def other_project_ticket(world):
    ticket, _ = services.register_ticket(
        world.outsider,
        services.NewTicket(
            kind="repair",
            channel="wechat",
            category="FAC-WATER",
            description="厨房下水道堵了",
            resident_id=world.neighbour.pk,
        ),
        now=earlier(),
    )
    return ticket


@pytest.fixture
def agent(world):
    return ApiClient(world.agent)


def test_list_shows_summaries_newest_first_with_masked_phones(world, agent):
    first = register(world, earlier())
    second = register(world, earlier() + timedelta(minutes=5))

    response = agent.get("/tickets")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [i["number"] for i in body["items"]] == [second.number, first.number]
    item = body["items"][0]
    assert item["contact_phone"] == "138****5678"
    assert item["status_display"] == "已登记"
    assert item["category"]["name"] == "设备设施 / 电梯"
    assert item["room"]["label"] == "3栋2单元1101"


def test_a_user_sees_only_the_tickets_of_their_projects(world, agent):
    mine = register(world, earlier())
    theirs = other_project_ticket(world)

    assert numbers(agent.get("/tickets")) == {mine.number}
    assert numbers(ApiClient(world.outsider).get("/tickets")) == {theirs.number}
    assert numbers(ApiClient(world.hq).get("/tickets")) == {mine.number, theirs.number}
    # The region user's scope is the Shenzhen region only.
    assert numbers(ApiClient(world.region_user).get("/tickets")) == {mine.number}


def test_asking_for_a_project_outside_the_scope_finds_nothing(world):
    register(world, earlier())

    response = ApiClient(world.outsider).get("/tickets", {"project": "SZHY"})

    assert response.json()["count"] == 0


def test_filter_by_project(world):
    mine = register(world, earlier())
    theirs = other_project_ticket(world)
    hq = ApiClient(world.hq)

    assert numbers(hq.get("/tickets", {"project": "SZHY"})) == {mine.number}
    assert numbers(hq.get("/tickets", {"project": "GZLY"})) == {theirs.number}


def test_filter_by_one_or_several_statuses(world, agent):
    registered = walk(world, earlier(), "registered")
    accepted = walk(world, earlier(), "accepted")
    dispatched = walk(world, earlier(), "dispatched")

    assert numbers(agent.get("/tickets", {"status": "accepted"})) == {accepted.number}
    assert numbers(agent.get("/tickets", {"status": ["registered", "dispatched"]})) == {
        registered.number,
        dispatched.number,
    }


def test_statuses_may_also_be_given_comma_separated(world, agent):
    registered = walk(world, earlier(), "registered")
    accepted = walk(world, earlier(), "accepted")
    walk(world, earlier(), "dispatched")

    response = agent.get("/tickets", {"status": "registered, accepted"})

    assert numbers(response) == {registered.number, accepted.number}


def test_unknown_status_is_400_naming_status(world, agent):
    response = agent.get("/tickets", {"status": "lost"})

    assert response.status_code == 400
    assert response.json()["field"] == "status"
    assert "lost" in response.json()["detail"]


def test_filter_by_kind(world, agent):
    complaint = register(world, earlier())
    repair = register(world, earlier(), kind="repair", repair_scope="in_home")

    assert numbers(agent.get("/tickets", {"kind": "repair"})) == {repair.number}
    assert numbers(agent.get("/tickets", {"kind": "complaint"})) == {complaint.number}
    assert agent.get("/tickets", {"kind": "rant"}).json()["field"] == "kind"


def test_filter_by_category_a_top_level_includes_its_children(world, agent):
    elevator = register(world, earlier(), category="FAC-ELEV")
    water = register(world, earlier(), category="FAC-WATER")
    leak = register(world, earlier(), category="HOUSE-LEAK")

    assert numbers(agent.get("/tickets", {"category": "FAC"})) == {elevator.number, water.number}
    assert numbers(agent.get("/tickets", {"category": "FAC-WATER"})) == {water.number}
    assert numbers(agent.get("/tickets", {"category": "HOUSE"})) == {leak.number}
    bad = agent.get("/tickets", {"category": "NOPE"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "category"


def test_filter_by_grade_on_either_scale(world, agent):
    ordinary = register(world, earlier())
    serious = register(world, earlier())
    Ticket.objects.filter(pk=serious.pk).update(grade_level="2", grade_class="hot")

    assert numbers(agent.get("/tickets", {"grade": "2"})) == {serious.number}
    assert numbers(agent.get("/tickets", {"grade": "hot"})) == {serious.number}
    assert numbers(agent.get("/tickets", {"grade": "4"})) == {ordinary.number}
    assert agent.get("/tickets", {"grade": "5"}).json()["field"] == "grade"


def test_filter_by_assignee_and_by_department(world, agent):
    to_handler = walk(world, earlier(), "accepted")
    services.dispatch(
        world.supervisor,
        to_handler,
        department="SZHY-ENG",
        assignee="handler",
        deadline=timezone.now() + timedelta(hours=4),
    )
    to_security = walk(world, earlier(), "accepted")
    services.dispatch(
        world.supervisor,
        to_security,
        department="SZHY-SEC",
        deadline=timezone.now() + timedelta(hours=4),
    )
    register(world, earlier())

    assert numbers(agent.get("/tickets", {"assignee": "handler"})) == {to_handler.number}
    assert numbers(agent.get("/tickets", {"department": "SZHY-SEC"})) == {to_security.number}
    assert numbers(agent.get("/tickets", {"department": "SZHY-ENG"})) == {to_handler.number}


def test_filter_by_received_date_range_in_local_days(world, agent):
    # Just after local midnight: the UTC date is still the day before, the local one is not.
    today_0001 = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    three_days_ago = register(world, today_0001 - timedelta(days=3))
    yesterday = register(world, today_0001 - timedelta(days=1))
    today = register(world, today_0001)

    def day(n: int) -> str:
        return (today_0001 - timedelta(days=n)).date().isoformat()

    assert numbers(agent.get("/tickets", {"created_from": day(1)})) == {
        yesterday.number,
        today.number,
    }
    assert numbers(agent.get("/tickets", {"created_to": day(1)})) == {
        three_days_ago.number,
        yesterday.number,
    }
    assert numbers(agent.get("/tickets", {"created_from": day(3), "created_to": day(3)})) == {
        three_days_ago.number
    }
    assert numbers(agent.get("/tickets", {"created_from": day(0), "created_to": day(0)})) == {
        today.number
    }


def test_reversed_date_range_is_400(world, agent):
    response = agent.get("/tickets", {"created_from": "2026-09-10", "created_to": "2026-09-01"})

    assert response.status_code == 400
    assert response.json()["field"] == "created_from"


def test_malformed_date_is_422_naming_it(world, agent):
    response = agent.get("/tickets", {"created_from": "last week"})

    assert response.status_code == 422
    assert response.json()["field"] == "created_from"


def test_text_search_matches_description_place_name_and_number(world, agent):
    elevator = register(world, earlier())
    noise = register(world, earlier(), category="ENV-WORKS", description="楼上装修噪音太大")

    assert numbers(agent.get("/tickets", {"text": "电梯"})) == {elevator.number}
    assert numbers(agent.get("/tickets", {"text": "噪音"})) == {noise.number}
    assert numbers(agent.get("/tickets", {"text": "张伟"})) == {elevator.number, noise.number}
    assert numbers(agent.get("/tickets", {"text": noise.number})) == {noise.number}


def test_pagination_counts_everything_and_returns_one_page(world, agent):
    made = [register(world, earlier() + timedelta(minutes=i)) for i in range(5)]
    newest_first = [t.number for t in reversed(made)]

    page1 = agent.get("/tickets", {"page_size": 2})
    page3 = agent.get("/tickets", {"page_size": 2, "page": 3})
    beyond = agent.get("/tickets", {"page_size": 2, "page": 9})

    assert page1.json()["count"] == 5
    assert page1.json()["page"] == 1
    assert page1.json()["page_size"] == 2
    assert [i["number"] for i in page1.json()["items"]] == newest_first[:2]
    assert [i["number"] for i in page3.json()["items"]] == newest_first[4:]
    assert beyond.json()["items"] == []
    assert beyond.json()["count"] == 5
    assert page1.json()["count_is_exact"] is True


def test_past_the_count_limit_the_count_says_so_and_every_page_still_comes(
    world, agent, monkeypatch
):
    """A company-wide list is counted up to core.paging.COUNT_LIMIT (1,000): past it the
    count stops there and says it is not exact, and paging on still reaches every ticket."""
    monkeypatch.setattr("propdesk.core.paging.COUNT_LIMIT", 3)
    made = [register(world, earlier() + timedelta(minutes=i)) for i in range(5)]

    page1 = agent.get("/tickets", {"page_size": 2}).json()
    page3 = agent.get("/tickets", {"page_size": 2, "page": 3}).json()

    assert (page1["count"], page1["count_is_exact"]) == (3, False)
    assert [i["number"] for i in page3["items"]] == [made[0].number]
    exactly = agent.get("/tickets", {"page_size": 2, "kind": "repair"}).json()
    assert (exactly["count"], exactly["count_is_exact"]) == (0, True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
    ],
)
def test_bad_page_or_page_size_is_422_naming_it(world, agent, params, field):
    response = agent.get("/tickets", params)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"]


def test_page_that_is_not_a_number_is_422_naming_it(world, agent):
    response = agent.get("/tickets", {"page": "two"})

    assert response.status_code == 422
    assert response.json()["field"] == "page"


def _list_queries(client, make: int, world) -> int:
    for i in range(make - Ticket.objects.count()):
        walk(world, earlier() + timedelta(seconds=i), "dispatched" if i % 2 else "registered")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/tickets", {"page_size": 50})
    assert response.json()["count"] == make
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_the_number_of_tickets(world):
    client = ApiClient(world.supervisor)
    client.get("/me")  # the token's last-used time is written once a minute: not in the count

    with_5 = _list_queries(client, 5, world)
    with_25 = _list_queries(client, 25, world)

    assert with_5 == with_25
    assert with_25 <= 5
