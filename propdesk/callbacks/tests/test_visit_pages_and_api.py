"""Routine visits through the console and /api/v1/visit-plans."""

from propdesk.callbacks.models import RoutineVisit, VisitPlan
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.test_api_helpers import ApiClient, quick_password_hashing  # noqa: F401


def test_a_supervisor_generates_a_plan_and_an_agent_records_a_visit_in_the_console(world, client):
    client.force_login(world.supervisor)
    answer = client.post("/visits/generate/", {"project": "SZHY", "year": "2027"})
    plan = VisitPlan.objects.get()
    assert answer.headers["Location"] == f"/visits/{plan.pk}/"
    planned = plan.households.get()
    page = client.get(f"/visits/{plan.pk}/?month={planned.month}").content.decode()
    assert world.room.label in page and 'id="coverage"' in page

    client.force_login(world.agent)
    client.post(
        f"/visits/{plan.pk}/{planned.pk}/record/",
        {
            "method": "phone",
            "service_quality": "satisfied",
            "staff_attitude": "satisfied",
            "shortcomings": "电梯等待时间长",
            "raise_category": "FAC-ELEV",
            "raise_description": "早高峰电梯等待时间长",
            "month": planned.month,
        },
    )
    visit = RoutineVisit.objects.get()
    assert visit.raised.get().description == "早高峰电梯等待时间长"
    listing = client.get("/visits/").content.decode()
    assert "100.0%" in listing


def test_agents_cannot_generate_plans_and_outsiders_cannot_see_them(world, client):
    client.force_login(world.agent)
    assert client.post("/visits/generate/", {"project": "SZHY", "year": "2027"}).status_code == 403
    client.force_login(world.supervisor)
    client.post("/visits/generate/", {"project": "SZHY", "year": "2027"})
    plan = VisitPlan.objects.get()
    client.force_login(world.outsider)
    assert client.get(f"/visits/{plan.pk}/").status_code == 403


def test_the_api_generates_reads_records_and_moves(world):
    api = ApiClient(world.supervisor)
    plan = api.post("/visit-plans", {"project": "SZHY", "year": 2027}).json()
    assert (plan["households"], plan["planned"], plan["coverage_percent"]) == (1, 1, 0.0)
    month = next(m["month"] for m in plan["months"] if m["planned"])
    household = api.get(f"/visit-plans/{plan['id']}/households", {"month": month}).json()[0]
    moved = api.post(
        f"/visit-plans/{plan['id']}/households/{household['id']}/move", {"month": 12}
    ).json()
    assert moved["month"] == 12
    visit = ApiClient(world.agent).post(
        f"/visit-plans/{plan['id']}/households/{household['id']}/visit",
        {
            "service_quality": "very_satisfied",
            "staff_attitude": "satisfied",
            "raised": [{"category": "ENV-CLEAN", "description": "垃圾桶满了没人清"}],
        },
    )
    assert visit.status_code == 200, visit.json()
    assert visit.json()["raised"] == [Ticket.objects.get().number]
    again = ApiClient(world.agent).post(
        f"/visit-plans/{plan['id']}/households/{household['id']}/visit",
        {"service_quality": "satisfied", "staff_attitude": "satisfied"},
    )
    assert again.status_code == 409
    bad = api.post("/visit-plans", {"project": "NOPE", "year": 2027})
    assert (bad.status_code, bad.json()["field"]) == (400, "project")
    assert api.get(f"/visit-plans/{plan['id']}").json()["coverage_percent"] == 100.0
