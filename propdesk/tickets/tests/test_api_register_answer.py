"""The answer to POST /tickets is built from what registration holds, without reading the
ticket back: it must be exactly what a GET of the same ticket shows, whatever registration
did (grades raised, an escalation, clocks met or breached as they start, money facts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.core import clock
from propdesk.tickets import services
from propdesk.tickets.serializers import detail
from propdesk.tickets.tests.helpers import register

from .test_api_helpers import ApiClient, phone_complaint, quick_password_hashing  # noqa: F401


@pytest.fixture
def agent(world):
    return ApiClient(world.agent)


def _bodies(world, now):
    earlier = now - timedelta(days=3)
    return {
        "complaint, the resident's home found from the resident": {
            "kind": "complaint",
            "channel": "phone",
            "category": "SVC-ATTITUDE",
            "description": "客服电话打了好几次没人接",
            "resident_id": world.resident.pk,
        },
        "repair with a room": phone_complaint(
            world, kind="repair", category="HOUSE-LEAK", repair_scope="in_home"
        ),
        "consultation from a contact's phone, at a place": {
            "kind": "consultation",
            "channel": "wechat",
            "category": "FEE-PRICE",
            "description": "物业费账单金额和去年不一样",
            "project": world.project.code,
            "reporter_type": "contact",
            "contact_name": "王先生",
            "contact_phone": "13912345678",
            "place": "小区东门",
        },
        "graded up at once, escalated to the project manager": phone_complaint(
            world,
            grade_facts={"complainant_count": 12, "claimed_amount": "150000"},
            agreed_reply_at=(now + timedelta(hours=5)).isoformat(),
        ),
        "money fact without cents": phone_complaint(world, grade_facts={"claimed_amount": 5000}),
        "typed in days after it arrived: clocks breached as they start": phone_complaint(
            world, received_at=earlier.isoformat()
        ),
        "emergency, finished on site before it was typed in": phone_complaint(
            world,
            kind="help",
            category="SEC-FIRE",
            help_type="",
            is_emergency=True,
            received_at=(now - timedelta(hours=2)).isoformat(),
            on_site_finished_at=(now - timedelta(hours=1)).isoformat(),
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "complaint, the resident's home found from the resident",
        "repair with a room",
        "consultation from a contact's phone, at a place",
        "graded up at once, escalated to the project manager",
        "money fact without cents",
        "typed in days after it arrived: clocks breached as they start",
        "emergency, finished on site before it was typed in",
    ],
)
def test_the_registration_answer_is_what_a_get_shows(world, agent, case):
    now = timezone.now().replace(microsecond=123456)
    body = _bodies(world, now)[case]
    # The same moment for both: "time left" on each clock is counted from now.
    with clock.frozen(now):
        posted = agent.post("/tickets", body)
        assert posted.status_code == 201, posted.content
        got = agent.get(f"/tickets/{posted.json()['number']}")

    assert got.status_code == 200
    assert posted.json() == got.json()


def test_the_graded_case_really_escalated(world, agent):
    """The comparison above covers an escalation at registration (not a vacuous case)."""
    now = timezone.now()
    body = _bodies(world, now)["graded up at once, escalated to the project manager"]
    answer = agent.post("/tickets", body).json()
    assert (answer["grade_level"], answer["escalation_level"]) == ("1", 2)
    assert answer["facts"]["claimed_amount"] == "150000.00"
    assert answer["clocks"], "the clocks started at registration are listed"


def test_a_retry_answers_from_the_database_with_the_same_answer(world, agent):
    body = phone_complaint(world, client_ref="retry-1")
    with clock.frozen(timezone.now()):
        first = agent.post("/tickets", body)
        retry = agent.post("/tickets", body)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()


def test_the_object_registration_returned_is_read_from_the_database_after_the_first_answer(
    world,
):
    """Answering from memory works once, right after registration: the same object shown
    again after a move (made on another object, as every move locks a fresh copy) shows the
    move."""
    now = timezone.now() - timedelta(minutes=5)
    ticket = register(world, now)
    first = detail(ticket, world.agent)
    services.accept(world.agent, ticket, now=now + timedelta(minutes=1))

    again = detail(ticket, world.agent)

    assert (first["status"], again["status"]) == ("registered", "accepted")


def test_registration_reads_little(world, agent, django_assert_max_num_queries):
    """A repair with its room: token, idempotency key, category, room, resident, scope; the
    ticket, its number, event, clocks and timers; receipt and tasks — no read-back."""
    agent.post("/tickets", phone_complaint(world, client_ref="warm"))  # caches
    with django_assert_max_num_queries(18):
        response = agent.post(
            "/tickets",
            phone_complaint(world, kind="repair", category="HOUSE-LEAK", client_ref="r1"),
        )
    assert response.status_code == 201
