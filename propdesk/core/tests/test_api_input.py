"""Values no database column holds are refused with a 422 naming the field, before any view
runs (core.api_input): schemathesis found each of these as a 500."""

from __future__ import annotations

import json

from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import (  # noqa: F401
    API,
    ApiClient,
    earlier,
    phone_complaint,
    quick_password_hashing,
)


def refused(response, field: str) -> str:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["field"] == field
    assert field in body["detail"]
    return body["detail"]


def test_a_lone_surrogate_in_a_description_is_refused_and_nothing_is_registered(world):
    client = ApiClient(world.agent)
    body = json.dumps(phone_complaint(world, description="电梯\ud800坏了"))

    response = client.client.post(f"{API}/tickets", body, content_type="application/json")

    assert "代理码位" in refused(response, "description")
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


def test_a_nul_character_in_a_move_body_is_refused_and_the_ticket_is_unchanged(world):
    ticket = register(world, earlier())
    client = ApiClient(world.agent)

    response = client.act(ticket.number, "accept", note="已受理\x00")

    assert "空字符" in refused(response, "note")
    assert not TicketEvent.objects.filter(ticket=ticket, kind="accepted").exists()
    ticket.refresh_from_db()
    assert ticket.status == "registered"


def test_a_nul_character_in_a_query_parameter_is_refused(world):
    response = ApiClient(world.agent).get("/tickets", {"text": "电梯\x00"})

    refused(response, "text")


def test_a_surrogate_in_a_json_key_is_refused_naming_the_key(world):
    ticket = register(world, earlier())
    client = ApiClient(world.agent)
    body = '{"note": "ok", "\\udc80": 1}'

    response = client.client.post(
        f"{API}/tickets/{ticket.number}/actions/accept", body, content_type="application/json"
    )

    refused(response, repr("\udc80"))


def test_an_id_beyond_64_bits_in_the_path_is_refused_not_a_server_error(world):
    response = ApiClient(world.agent).get(f"/residents/{2**64}")

    assert "超出范围" in refused(response, "resident_id")


def test_an_integer_beyond_64_bits_in_a_body_list_is_refused_naming_its_place(world):
    response = ApiClient(world.supervisor).post("/notifications/read", {"ids": [1, -(2**70)]})

    refused(response, "ids[1]")


def test_an_integer_beyond_64_bits_in_a_query_is_refused(world):
    response = ApiClient(world.agent).get("/tickets", {"room_id": str(2**63)})

    refused(response, "room_id")


def test_the_largest_64_bit_id_is_an_ordinary_not_found(world):
    response = ApiClient(world.agent).get(f"/residents/{2**63 - 1}")

    assert response.status_code == 404


def test_a_receipt_in_year_1_is_refused_and_nothing_is_registered(world):
    """Was an OverflowError (500) once the time zone was applied."""
    body = phone_complaint(world, received_at="0001-01-01T00:00:00+08:00")

    response = ApiClient(world.agent).post("/tickets", body)

    assert "1900-01-01 到 2999-12-31" in refused(response, "received_at")
    assert not Ticket.objects.exists()


def test_a_list_filtered_from_year_9999_is_refused_not_a_server_error(world):
    response = ApiClient(world.agent).get("/tickets", {"created_to": "9999-12-31"})

    refused(response, "created_to")
