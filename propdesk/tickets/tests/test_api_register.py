"""POST /tickets: registering a request through the API, its idempotency and its input errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.tickets.models import Ticket

from .test_api_helpers import ApiClient, phone_complaint, quick_password_hashing  # noqa: F401


@pytest.fixture
def agent(world):
    return ApiClient(world.agent)


def test_register_returns_201_with_the_number_and_the_detail(world, agent):
    response = agent.post("/tickets", phone_complaint(world))

    assert response.status_code == 201
    body = response.json()
    today = timezone.localdate().strftime("%Y%m%d")
    assert body["number"] == f"SZHY-{today}-0001"
    assert body["status"] == "registered"
    assert body["status_display"] == "已登记"
    assert body["kind_display"] == "投诉"
    assert body["channel_display"] == "来电"
    assert body["category"] == {"code": "FAC-ELEV", "name": "设备设施 / 电梯"}
    assert body["project"] == "SZHY"
    assert body["room"] == {"id": world.room.pk, "label": "3栋2单元1101"}
    assert body["contact_name"] == "张伟"
    assert body["contact_phone"] == "138****5678"
    assert body["registered_by"] == "agent"
    assert body["expectation"] == "今天之内修好"
    assert body["work_orders"] == []
    assert "accept" in body["allowed_actions"]
    assert Ticket.objects.get().number == body["number"]


def test_retry_with_the_same_client_ref_returns_the_same_ticket(world, agent):
    body = phone_complaint(world, client_ref="callcenter-7781")

    first = agent.post("/tickets", body)
    retry = agent.post("/tickets", body)

    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["number"] == first.json()["number"]
    assert Ticket.objects.count() == 1


def test_different_client_refs_make_different_tickets(world, agent):
    agent.post("/tickets", phone_complaint(world, client_ref="a"))
    agent.post("/tickets", phone_complaint(world, client_ref="b"))

    assert Ticket.objects.count() == 2


def test_naive_received_at_is_shanghai_local_time(world, agent):
    local = timezone.localtime() - timedelta(hours=2)
    naive = local.replace(tzinfo=None, microsecond=0)

    response = agent.post("/tickets", phone_complaint(world, received_at=naive.isoformat()))

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert timezone.localtime(ticket.received_at).replace(tzinfo=None) == naive
    assert response.json()["received_at"] == naive.isoformat() + "+08:00"


def test_contact_reporter_for_a_common_area(world, agent):
    response = agent.post(
        "/tickets",
        {
            "kind": "repair",
            "channel": "visit",
            "category": "FAC-LIGHT",
            "description": "地下车库B区灯不亮",
            "project": "SZHY",
            "reporter_type": "contact",
            "contact_name": "王先生",
            "contact_phone": "139-0000-1111",
            "place": "地下车库B区",
            "repair_scope": "common_area",
        },
    )

    assert response.status_code == 201, response.json()
    assert response.json()["contact_phone"] == "139****1111"
    assert response.json()["room"] is None


def test_missing_description_is_422_naming_the_field(world, agent):
    body = phone_complaint(world)
    del body["description"]

    response = agent.post("/tickets", body)

    assert response.status_code == 422
    error = response.json()
    assert error["field"] == "description"
    assert "description" in error["detail"]
    assert error["code"] == "invalid_input"


def test_blank_description_is_400_naming_the_field(world, agent):
    response = agent.post("/tickets", phone_complaint(world, description="   "))

    assert response.status_code == 400
    assert response.json()["field"] == "description"
    assert response.json()["detail"] == "请填写诉求内容"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"category": "NOPE"}, "category", "NOPE"),
        ({"project": "NOPE"}, "project", "NOPE"),
        ({"kind": "rant"}, "kind", "rant"),
        ({"channel": "pigeon"}, "channel", "pigeon"),
        ({"reporter_type": "alien"}, "reporter_type", "alien"),
        ({"room_id": 999999}, "room_id", "999999"),
        ({"resident_id": 999999, "room_id": None}, "resident_id", "999999"),
        ({"repair_scope": "in_home"}, "repair_scope", "报修"),
        ({"help_type": "medical"}, "help_type", "求助"),
        ({"contact_phone": "1" * 21}, "contact_phone", "1" * 21),
    ],
)
def test_bad_field_is_400_naming_it(world, agent, overrides, field, words):
    response = agent.post("/tickets", phone_complaint(world, **overrides))

    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert words in response.json()["detail"]
    assert Ticket.objects.count() == 0


def test_room_of_another_project_is_400_naming_room(world, agent):
    response = agent.post(
        "/tickets", phone_complaint(world, project="SZHY", room_id=world.other_room.pk)
    )

    assert response.status_code == 400
    assert response.json()["field"] == "room_id"
    # Outside the agent's scope: said the same way as a room that does not exist.
    assert response.json()["detail"] == f"房屋 {world.other_room.pk} 不存在或不在您的数据范围内"


def test_received_at_in_the_future_is_400(world, agent):
    future = (timezone.now() + timedelta(hours=1)).isoformat()

    response = agent.post("/tickets", phone_complaint(world, received_at=future))

    assert response.status_code == 400
    assert response.json()["field"] == "received_at"
    assert response.json()["detail"] == "接报时间不能晚于现在"


def test_malformed_received_at_is_422_naming_it(world, agent):
    response = agent.post("/tickets", phone_complaint(world, received_at="yesterday"))

    assert response.status_code == 422
    assert response.json()["field"] == "received_at"


def test_agreed_reply_before_receipt_is_400(world, agent):
    past = (timezone.now() - timedelta(days=1)).isoformat()

    response = agent.post("/tickets", phone_complaint(world, agreed_reply_at=past))

    assert response.status_code == 400
    assert response.json()["field"] == "agreed_reply_at"


def test_anonymous_with_contact_is_400(world, agent):
    response = agent.post(
        "/tickets",
        phone_complaint(
            world, reporter_type="anonymous", resident_id=None, contact_name="某某", room_id=None
        )
        | {"place": "小区大门", "project": "SZHY"},
    )

    assert response.status_code == 400
    assert response.json()["field"] == "reporter_type"


def test_body_that_is_not_json_is_a_json_error(world, agent):
    response = agent.client.post("/api/v1/tickets", "kind=complaint", content_type="text/plain")

    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_registering_outside_the_scope_is_refused(world):
    outsider = ApiClient(world.outsider)

    in_a_project = outsider.post("/tickets", phone_complaint(world, project="SZHY"))
    by_its_room = outsider.post("/tickets", phone_complaint(world))

    assert in_a_project.status_code == 403
    assert in_a_project.json() == {
        "detail": "该项目不在您的数据范围内",
        "code": "out_of_scope",
        "field": "project",
    }
    assert by_its_room.status_code == 400
    assert by_its_room.json()["field"] == "room_id"
    assert "张伟" not in by_its_room.content.decode()
    assert Ticket.objects.count() == 0


def test_retry_by_someone_outside_the_scope_does_not_reveal_the_ticket(world, agent):
    agent.post("/tickets", phone_complaint(world, client_ref="ref-1"))

    response = ApiClient(world.outsider).post(
        "/tickets", phone_complaint(world, client_ref="ref-1")
    )

    assert response.status_code == 403
    assert "number" not in response.json()


def test_grade_facts_at_registration_set_the_grade_in_the_answer(world, agent):
    body = phone_complaint(world, grade_facts={"media_exposure": "exposed"})
    answer = agent.post("/tickets", body)
    assert answer.status_code == 201, answer.json()
    assert (answer.json()["grade_level"], answer.json()["grade_class"]) == ("3", "major")
    wrong = agent.post("/tickets", phone_complaint(world, grade_facts={"litigation": "maybe"}))
    assert (wrong.status_code, wrong.json()["field"]) == (400, "litigation")
