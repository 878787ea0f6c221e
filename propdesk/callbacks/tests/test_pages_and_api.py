"""The callback queue page and /api/v1/callback-tasks."""

from datetime import timedelta

from django.utils import timezone

from propdesk.callbacks.models import CallbackTask
from propdesk.tickets.tests.helpers import walk
from propdesk.tickets.tests.test_api_helpers import ApiClient, quick_password_hashing  # noqa: F401


def test_the_queue_lists_my_open_callbacks_and_the_repair_rate(world, client):
    ticket = walk(world, timezone.now() - timedelta(hours=2), "resolved")
    client.force_login(world.agent)
    page = client.get("/callbacks/").content.decode()
    assert ticket.number in page
    assert "投诉必回访" in page
    assert 'id="repair-rate"' in page
    client.force_login(world.outsider)
    assert ticket.number not in client.get("/callbacks/?tab=open").content.decode()


def test_the_ticket_page_shows_who_owes_the_callback(world, client):
    ticket = walk(world, timezone.now() - timedelta(hours=2), "resolved")
    client.force_login(world.supervisor)
    shown = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'id="callback-task"' in shown and "Agent" in shown


def test_a_month_in_year_1_is_refused_naming_month_not_a_server_error(world):
    """GET /callback-tasks/repair-rate?month=0001-01 overflowed into local time (a 500, found
    by the API fuzz test)."""
    api = ApiClient(world.supervisor)

    rate = api.get("/callback-tasks/repair-rate", {"project": "SZHY", "month": "0001-01"})
    sample = api.post("/callback-tasks/sample", {"project": "SZHY", "month": "0001-01"})

    assert (rate.status_code, rate.json()["field"]) == (400, "month")
    assert rate.json()["detail"] == "日期应在 1900-01-01 到 2999-12-31 之间"
    assert (sample.status_code, sample.json()["field"]) == (400, "month")


def test_the_api_lists_tasks_and_gives_the_month_rate(world):
    ticket = walk(world, timezone.now() - timedelta(hours=2), "resolved")
    api = ApiClient(world.supervisor)
    tasks = api.get("/callback-tasks", {"status": "open"}).json()
    assert [t["ticket"] for t in tasks["items"]] == [ticket.number]
    assert tasks["items"][0]["owner"] == "agent"
    month = timezone.localtime().strftime("%Y-%m")
    rate = api.get("/callback-tasks/repair-rate", {"project": "SZHY", "month": month}).json()
    assert (rate["in_home_repairs"], rate["target_percent"], rate["needed"]) == (0, 30, 0)
    bad = api.get("/callback-tasks/repair-rate", {"project": "SZHY", "month": "2026-13"})
    assert (bad.status_code, bad.json()["field"]) == (400, "month")
    assert (
        ApiClient(world.agent)
        .post("/callback-tasks/sample", {"project": "SZHY", "month": month})
        .status_code
        == 403
    )
    sampled = api.post("/callback-tasks/sample", {"project": "SZHY", "month": month}).json()
    assert sampled["booked_now"] == []
    assert CallbackTask.objects.count() == 1
