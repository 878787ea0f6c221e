"""The in-app list through the HTTP API, as the console and programs use it."""

from datetime import timedelta

import pytest

from propdesk.notify import services
from propdesk.notify.choices import Event
from propdesk.notify.models import Notification
from propdesk.tickets.tests.test_api_helpers import ApiClient, quick_password_hashing  # noqa: F401

from .helpers import ticket_with_empty_outbox
from .urls import mounted

if not mounted():
    pytestmark = pytest.mark.urls("propdesk.notify.tests.urls")


def _notices(world, now, count: int):
    ticket = ticket_with_empty_outbox(world, now)
    for i in range(count):
        services.queue(
            Event.SLA_WARNING,
            [world.handler],
            key=f"clock:{i}",
            ticket=ticket,
            context={"clock": "handle", "due_at": now + timedelta(hours=1)},
            now=now + timedelta(minutes=i),
        )
        services.deliver_due(now=now + timedelta(minutes=i))
    return ticket


def test_my_notifications_newest_first_in_pages_with_the_unread_count(
    world, now, django_assert_max_num_queries
):
    ticket = _notices(world, now, 5)
    client = ApiClient(world.handler)

    with django_assert_max_num_queries(6):
        page = client.get("/notifications", {"page_size": 2}).json()

    assert (page["count"], page["unread"], page["page"], page["page_size"]) == (5, 5, 1, 2)
    first = page["items"][0]
    assert first["ticket"] == ticket.number
    assert first["event"] == "sla_warning"
    assert first["event_display"] == "时限预警"
    assert first["title"].startswith(f"【时限预警】{ticket.number} 处理时限")
    assert first["is_read"] is False
    assert first["created_at"].endswith("+08:00")
    times = [i["created_at"] for i in page["items"]]
    assert times == sorted(times, reverse=True)
    last = client.get("/notifications", {"page": 3, "page_size": 2}).json()
    assert len(last["items"]) == 1
    assert ApiClient(world.supervisor).get("/notifications").json()["count"] == 0


def test_reading_some_or_all_and_the_unread_filter(world, now):
    _notices(world, now, 3)
    client = ApiClient(world.handler)
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))

    marked = client.post("/notifications/read", {"ids": ids[:1]}).json()
    assert marked == {"marked": 1, "unread": 2}
    assert client.get("/notifications/unread-count").json() == {"unread": 2}
    unread = client.get("/notifications", {"unread": "true"}).json()
    assert sorted(i["id"] for i in unread["items"]) == ids[1:]

    not_theirs = ApiClient(world.supervisor).post("/notifications/read", {"ids": ids})
    assert (not_theirs.status_code, not_theirs.json()["field"]) == (404, "ids")
    assert client.get("/notifications/unread-count").json() == {"unread": 2}  # none marked
    assert client.post("/notifications/read", {"all": True}).json() == {"marked": 2, "unread": 0}
    read = client.get("/notifications").json()["items"][0]
    assert read["is_read"] is True and read["read_at"] is not None


def test_reading_nothing_or_bad_pages_are_refused_in_words(world):
    client = ApiClient(world.handler)

    nothing = client.post("/notifications/read", {})
    bad_page = client.get("/notifications", {"page": 0})
    too_big = client.get("/notifications", {"page_size": 500})

    assert nothing.status_code == 400
    assert nothing.json()["field"] == "ids"
    assert (bad_page.status_code, bad_page.json()["field"]) == (422, "page")
    assert (too_big.status_code, too_big.json()["field"]) == (422, "page_size")


def test_notifications_need_a_signed_in_user(db):
    assert ApiClient().get("/notifications/unread-count").status_code == 401
