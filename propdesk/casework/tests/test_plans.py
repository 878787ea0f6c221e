"""Handling plans through the API (issue 21 item 1): who must approve by grade and amount, the
chain's order, send back and a new version, the refusals, and the plan clock met only by
the approval."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from propdesk.casework.models import HandlingPlan
from propdesk.notify.models import OutboxMessage
from propdesk.org.choices import Role
from propdesk.sla.choices import ClockKind, ClockState
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.tests.helpers import register

pytestmark = pytest.mark.django_db
NOW = timezone.now() - timedelta(hours=2)


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def _complaint(world, **grade):
    ticket = register(world, NOW, description="开发商承诺的会所一直未交付")
    ticket_services.accept(world.agent, ticket, now=NOW + timedelta(minutes=1))
    ticket_services.update_ticket(
        world.supervisor, ticket, changes={"needs_plan": True}, now=NOW + timedelta(minutes=2)
    )
    if grade:
        type(ticket).objects.filter(pk=ticket.pk).update(**grade)
        ticket.refresh_from_db()
    return ticket


def _submit(client, ticket, **body):
    return post(
        client,
        f"/api/v1/tickets/{ticket.number}/actions/submit_plan",
        {"plan": "与开发商协商,10 月底前交付会所并书面答复业主", **body},
    )


def _plan_clock(ticket):
    return ticket.clocks.get(kind=ClockKind.PLAN)


def test_a_plan_no_rule_touches_is_approved_as_submitted_and_meets_the_clock(world, client):
    ticket = _complaint(world)
    client.force_login(world.supervisor)
    assert _submit(client, ticket).status_code == 200
    plan = HandlingPlan.objects.get(ticket=ticket)
    assert plan.status == "approved" and plan.steps == []
    assert _plan_clock(ticket).state == ClockState.MET
    assert ticket.events.filter(kind=EventKind.PLAN_APPROVED).exists()


def test_compensation_over_the_limit_goes_to_the_manager_then_the_region(world, client):
    ticket = _complaint(world)
    client.force_login(world.supervisor)
    assert _submit(client, ticket, amount="8000.00").status_code == 200
    plan = HandlingPlan.objects.get(ticket=ticket)
    assert plan.steps == ["project_manager", "region"] and plan.status == "pending"
    assert "涉及补偿 8000.00 元" in plan.reasons[0]
    # Submitted is not approved: the plan clock runs on.
    assert _plan_clock(ticket).state == ClockState.RUNNING
    told = OutboxMessage.objects.get(event="plan_approval", user=world.manager, channel="in_app")
    assert ticket.number in told.subject

    # The region cannot go before the manager; the manager's queue has it.
    client.force_login(world.region_user)
    assert client.get("/api/v1/plans/waiting").json() == []
    early = post(client, f"/api/v1/plans/{plan.pk}/decision", {"decision": "approved"})
    assert early.status_code == 403
    client.force_login(world.manager)
    assert [p["id"] for p in client.get("/api/v1/plans/waiting").json()] == [plan.pk]
    answer = post(client, f"/api/v1/plans/{plan.pk}/decision", {"decision": "approved"})
    assert answer.status_code == 200 and answer.json()["waiting_for"] == "region"
    twice = post(client, f"/api/v1/plans/{plan.pk}/decision", {"decision": "approved"})
    assert twice.status_code == 409
    assert OutboxMessage.objects.filter(event="plan_approval", user=world.region_user).exists()
    assert _plan_clock(ticket).state == ClockState.RUNNING

    client.force_login(world.region_user)
    done = post(client, f"/api/v1/plans/{plan.pk}/decision", {"decision": "approved"})
    assert done.json()["status"] == "approved"
    assert [d["step"] for d in done.json()["decisions"]] == ["project_manager", "region"]
    assert _plan_clock(ticket).state == ClockState.MET
    again = post(client, f"/api/v1/plans/{plan.pk}/decision", {"decision": "approved"})
    assert again.status_code == 409


def test_a_major_complaint_is_reviewed_by_hq_after_the_manager(world, client):
    ticket = _complaint(world, grade_level="2", grade_class="major")
    client.force_login(world.supervisor)
    _submit(client, ticket)
    plan = HandlingPlan.objects.get(ticket=ticket)
    assert plan.steps == ["project_manager", "hq"]
    assert any("总部客服审核" in r for r in plan.reasons)


def test_sent_back_with_a_reason_then_a_new_version_is_approved(world, client):
    ticket = _complaint(world, grade_level="1")
    client.force_login(world.supervisor)
    _submit(client, ticket)
    first = HandlingPlan.objects.get(ticket=ticket)
    client.force_login(world.manager)
    no_reason = post(client, f"/api/v1/plans/{first.pk}/decision", {"decision": "sent_back"})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "note"
    back = post(
        client,
        f"/api/v1/plans/{first.pk}/decision",
        {"decision": "sent_back", "note": "请写明交付日期和书面答复的责任人"},
    )
    assert back.json()["status"] == "sent_back"
    assert ticket.events.filter(kind=EventKind.PLAN_SENT_BACK).get().note.startswith("请写明")
    assert _plan_clock(ticket).state == ClockState.RUNNING

    client.force_login(world.supervisor)
    _submit(client, ticket, plan="10 月 31 日前交付会所,由项目经理书面答复")
    second = HandlingPlan.objects.get(ticket=ticket, version=2)
    client.force_login(world.manager)
    post(client, f"/api/v1/plans/{second.pk}/decision", {"decision": "approved"})
    assert _plan_clock(ticket).state == ClockState.MET
    versions = client.get(f"/api/v1/tickets/{ticket.number}/plans").json()
    assert [(v["version"], v["status"]) for v in versions] == [(2, "approved"), (1, "sent_back")]


def test_a_new_version_supersedes_one_still_waiting(world, client):
    ticket = _complaint(world, grade_level="2")
    client.force_login(world.supervisor)
    _submit(client, ticket)
    _submit(client, ticket, plan="改为先行维修,再协商")
    assert list(HandlingPlan.objects.filter(ticket=ticket).values_list("version", "status")) == [
        (1, "superseded"),
        (2, "pending"),
    ]
    client.force_login(world.manager)
    stale = HandlingPlan.objects.get(ticket=ticket, version=1)
    assert (
        post(client, f"/api/v1/plans/{stale.pk}/decision", {"decision": "approved"}).status_code
        == 409
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", "负数"), ("abc", "数字"), ("12.345", "两位小数"), ("1e30", "过大")],
)
def test_a_bad_amount_is_refused_naming_the_field(world, client, amount, message):
    ticket = _complaint(world)
    client.force_login(world.supervisor)
    answer = _submit(client, ticket, amount=amount)
    assert answer.status_code == 400
    assert answer.json()["field"] == "amount" and message in answer.json()["detail"]
    assert not HandlingPlan.objects.exists()
    ticket.refresh_from_db()
    assert ticket.plan == ""  # nothing half-written


def test_deciding_outside_ones_projects_or_role_is_403(world, client):
    ticket = _complaint(world, grade_level="1")
    client.force_login(world.supervisor)
    _submit(client, ticket)
    plan = HandlingPlan.objects.get(ticket=ticket)
    elsewhere = make_user(
        "manager2", Role.PROJECT_MANAGER, world.company, projects=[world.other_project]
    )
    for user in (elsewhere, world.agent, world.hq):
        client.force_login(user)
        answer = post(client, f"/api/v1/plans/{plan.pk}/decision", {"decision": "approved"})
        assert answer.status_code == 403, user.username
    client.force_login(elsewhere)
    assert client.get("/api/v1/plans/waiting").json() == []
    assert client.get(f"/api/v1/tickets/{ticket.number}/plans").status_code == 404
    assert HandlingPlan.objects.get().status == "pending"


def test_a_bad_decision_names_the_field(world, client):
    ticket = _complaint(world, grade_level="1")
    client.force_login(world.supervisor)
    _submit(client, ticket)
    plan = HandlingPlan.objects.get()
    client.force_login(world.manager)
    answer = post(client, f"/api/v1/plans/{plan.pk}/decision", {"decision": "maybe"})
    assert answer.status_code == 400 and answer.json()["field"] == "decision"
    assert (
        post(client, "/api/v1/plans/999999/decision", {"decision": "approved"}).status_code == 404
    )


def test_the_manager_approves_from_the_queue_page_and_the_ticket_page_shows_it(world, client):
    ticket = _complaint(world, grade_level="1")
    client.force_login(world.supervisor)
    _submit(client, ticket, amount="300")
    plan = HandlingPlan.objects.get()
    client.force_login(world.manager)
    page = client.get("/plans/").content.decode()
    assert ticket.number in page and "项目经理审批" in page and "补偿 300.00 元" in page
    refused = client.post(f"/plans/{plan.pk}/decide/", {"decision": "rejected"})
    assert refused.status_code == 400 and "原因" in refused.content.decode()
    client.post(f"/plans/{plan.pk}/decide/", {"decision": "approved", "note": "同意"})
    assert HandlingPlan.objects.get().status == "approved"
    assert "没有等待您审批的方案" in client.get("/plans/").content.decode()
    ticket_page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert (
        'id="handling-plans"' in ticket_page and "已批准" in ticket_page and "同意" in ticket_page
    )
