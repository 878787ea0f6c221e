"""Clocks through the API: shown on the ticket, and the queue filters."""

from datetime import timedelta

from django.utils import timezone

from propdesk.sla.models import SlaClock
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import ApiClient


def test_the_ticket_shows_every_clock_with_its_due_time_and_time_left(world):
    now = timezone.now()
    ticket = register(world, now - timedelta(minutes=20))

    body = ApiClient(world.agent).get(f"/tickets/{ticket.number}").json()

    clocks = {c["kind"]: c for c in body["clocks"]}
    assert {"register", "dispatch", "first_reply", "handle", "result_reply", "close"} <= set(clocks)
    dispatch = clocks["dispatch"]
    assert dispatch["state"] == "running"
    assert dispatch["kind_display"] == "派单"
    assert dispatch["rule"] == "派单:接报后 1 小时内"
    assert 39 * 60 <= dispatch["time_left_seconds"] <= 40 * 60
    assert clocks["register"]["state"] == "met"
    assert clocks["register"]["time_left_seconds"] is None


def test_queue_filters_find_due_soon_and_breached_tickets(world):
    now = timezone.now()
    fresh = register(world, now - timedelta(minutes=5))
    due_soon = register(world, now - timedelta(minutes=50))  # dispatch warns at 48 min
    late = register(world, now - timedelta(minutes=90))  # dispatch was due 30 min ago
    client = ApiClient(world.supervisor)

    def numbers(query: str) -> set[str]:
        return {t["number"] for t in client.get(f"/tickets?{query}").json()["items"]}

    assert numbers("due_soon=true&clock=dispatch") == {due_soon.number}
    assert numbers("breached=true&clock=dispatch") == {late.number}
    assert fresh.number in numbers("clock=dispatch")
    SlaClock.objects.filter(ticket=late, kind="dispatch").update(state="breached")
    assert numbers("breached=true&clock=dispatch") == {late.number}


def test_an_unknown_clock_is_refused_naming_the_field(world):
    response = ApiClient(world.agent).get("/tickets?clock=lunch")
    assert response.status_code == 400
    assert response.json()["field"] == "clock"


def test_the_time_limit_rules_can_be_read(world):
    rules = ApiClient(world.agent).get("/sla/policies?clock=first_reply").json()
    by_name = {r["name"]: r for r in rules}
    assert by_name["首次回复:来信 2 个工作日"]["amount"] == 2
    assert by_name["首次回复:投诉最迟 1 个工作日"]["is_cap"] is True
    assert by_name["求助:5 分钟内答复"]["priority"] == 10
