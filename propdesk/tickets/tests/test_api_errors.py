"""Every refusal is JSON a person can read: ``detail`` always, ``field`` when a field was wrong."""

from __future__ import annotations

import pytest
from django.test import Client

from .helpers import register, walk
from .test_api_helpers import ApiClient, earlier, phone_complaint, quick_password_hashing  # noqa: F401


def assert_readable_error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"].strip()
    assert body.get("code")
    if field is not None:
        assert body["field"] == field
    return body


# (who, method, path, body, status, field); "{n}" is a registered ticket's number.
CASES = [
    (None, "get", "/tickets", None, 401, None),
    (None, "post", "/tickets/{n}/actions/accept", {}, 401, None),
    ("agent", "post", "/tickets", {"kind": "complaint"}, 422, "channel"),
    ("agent", "post", "/tickets", "not json", 400, None),
    ("agent", "get", "/tickets", {"page": "x"}, 422, "page"),
    ("agent", "get", "/tickets", {"page_size": 0}, 422, "page_size"),
    ("agent", "get", "/tickets/NOPE-1", None, 404, None),
    ("outsider", "get", "/tickets/{n}", None, 403, None),
    ("agent", "post", "/tickets/{n}/actions/fly", {}, 404, "action"),
    ("agent", "post", "/tickets/{n}/actions/reply", {}, 422, "content"),
    ("agent", "post", "/tickets/{n}/actions/dispatch", {"department": "SZHY-ENG"}, 403, None),
    ("agent", "post", "/tickets/{n}/actions/callback", {"satisfaction": "satisfied"}, 409, None),
    ("quality", "post", "/tickets/{n}/reveal-phone", {}, 403, None),
    ("agent", "get", "/residents", None, 400, "phone"),
    ("agent", "get", "/residents/999999", None, 404, None),
    ("agent", "get", "/rooms/999999", None, 404, None),
    ("agent", "get", "/projects/GZLY/buildings", None, 403, None),
    ("agent", "get", "/no-such-thing", None, 404, None),
]


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "status", "field"),
    CASES,
    ids=[f"{c[1]} {c[2]} {c[4]}" for c in CASES],
)
def test_error_is_json_with_a_detail(world, who, method, path, body, status, field):
    ticket = register(world, earlier())
    client = ApiClient(world.user(who) if who not in (None, "outsider") else None)
    if who == "outsider":
        client = ApiClient(world.outsider)
    path = path.replace("{n}", ticket.number)

    if method == "get":
        response = client.get(path, body)
    elif isinstance(body, str):
        response = client.client.post(f"/api/v1{path}", body, content_type="application/json")
    else:
        response = client.post(path, body)

    assert_readable_error(response, status, field)


def test_validation_error_lists_every_wrong_field(world):
    response = ApiClient(world.agent).post(
        "/tickets", {"kind": "complaint", "received_at": "soon", "room_id": "the big one"}
    )

    body = assert_readable_error(response, 422)
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert fields["channel"] == "必须填写"
    assert fields["category"] == "必须填写"
    assert fields["description"] == "必须填写"
    assert fields["received_at"].startswith("应为日期时间")
    assert fields["room_id"] == "应为整数"
    assert body["field"] == next(iter(fields))
    assert body["detail"] == f"字段“{body['field']}”有误:{fields[body['field']]}"


def test_nested_field_is_named_with_its_position(world):
    ticket = walk(
        world, earlier(), "accepted", kind="repair", repair_scope="in_home", is_paid_repair=True
    )

    response = ApiClient(world.supervisor).act(
        ticket.number,
        "dispatch",
        department="SZHY-ENG",
        fee_items=[{"name": "辅材", "quantity": 1, "unit_price": "1"}, {"quantity": "lots"}],
    )

    assert_readable_error(response, 422, "fee_items[1].quantity")


def test_body_that_is_a_list_is_a_readable_422(world):
    ticket = register(world, earlier())

    response = ApiClient(world.agent).post(f"/tickets/{ticket.number}/actions/accept", [1, 2])

    body = assert_readable_error(response, 422)
    assert "JSON" in body["detail"]


def test_a_409_names_the_current_state_and_what_would_be_allowed(world):
    ticket = walk(world, earlier(), "closed")

    response = ApiClient(world.agent).act(ticket.number, "cancel", reason="住户撤回")

    body = assert_readable_error(response, 409)
    assert body["detail"] == (
        "诉求当前状态为“已关闭”,不能执行“撤销”"
        "(允许的状态:已登记、已受理、已派单、处理中、已挂起、已重开)"
    )


def test_errors_speak_english_when_asked(world):
    ticket = walk(world, earlier(), "dispatched")
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}

    anonymous = Client().get(f"/api/v1/tickets/{ticket.number}", **english)
    refused = ApiClient(world.agent).client.post(
        f"/api/v1/tickets/{ticket.number}/actions/accept",
        "{}",
        content_type="application/json",
        **english,
    )

    assert anonymous.json()["detail"] == "Please log in or provide a valid API token"
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("The request is")
