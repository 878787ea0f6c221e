"""Residents and rooms through the API: lookup by phone, name or room; the household file."""

from __future__ import annotations

import pytest

from propdesk.core.models import AuditAction, AuditLog
from propdesk.residents.models import Residency, Resident
from propdesk.tickets.tests.helpers import register, walk
from propdesk.tickets.tests.test_api_helpers import (  # noqa: F401
    ApiClient,
    earlier,
    quick_password_hashing,
)


@pytest.fixture
def agent(world):
    return ApiClient(world.agent)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [r["id"] for r in response.json()]


def test_find_a_caller_by_full_phone_shows_their_rooms_with_the_phone_masked(world, agent):
    response = agent.get("/residents", {"phone": "13812345678"})

    assert response.status_code == 200
    [found] = response.json()
    assert found["id"] == world.resident.pk
    assert found["name"] == "张伟"
    assert found["phone"] == "138****5678"
    assert found["rooms"] == [
        {
            "room_id": world.room.pk,
            "room": "3栋2单元1101",
            "project": "SZHY",
            "relation": "owner",
            "relation_display": found["rooms"][0]["relation_display"],
            "is_active": True,
        }
    ]


@pytest.mark.parametrize("phone", ["138-1234-5678", "+86 138 1234 5678", "5678", "345678"])
def test_find_by_phone_written_any_way_or_by_its_last_digits(world, agent, phone):
    assert ids(agent.get("/residents", {"phone": phone})) == [world.resident.pk]


def test_find_by_second_phone(world, agent):
    world.resident.phone2 = "02088886666"
    world.resident.save()

    assert ids(agent.get("/residents", {"phone": "6666"})) == [world.resident.pk]


def test_find_by_name_and_by_room(world, agent):
    spouse = Resident.objects.create(company=world.company, name="王芳", phone="13700001111")
    Residency.objects.create(resident=spouse, room=world.room, relation="family")

    assert ids(agent.get("/residents", {"name": "张"})) == [world.resident.pk]
    assert set(ids(agent.get("/residents", {"room_id": world.room.pk}))) == {
        world.resident.pk,
        spouse.pk,
    }


def test_residents_of_other_projects_are_not_found(world, agent):
    # 李娜 lives in the other project.
    assert ids(agent.get("/residents", {"phone": "13987654321"})) == []
    assert ids(agent.get("/residents", {"name": "李娜"})) == []


def test_lookup_without_phone_name_or_room_is_400(world, agent):
    response = agent.get("/residents")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "请输入电话、姓名或房屋",
        "code": "invalid_input",
        "field": "phone",
    }


def test_too_few_phone_digits_is_400(world, agent):
    response = agent.get("/residents", {"phone": "78"})

    assert response.status_code == 400
    assert response.json()["field"] == "phone"


def test_one_resident(world, agent):
    response = agent.get(f"/residents/{world.resident.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == "张伟"
    assert response.json()["phone"] == "138****5678"


def test_resident_outside_the_scope_is_403(world, agent):
    response = agent.get(f"/residents/{world.neighbour.pk}")

    assert response.status_code == 403
    assert response.json() == {"detail": "该住户不在您的数据范围内", "code": "out_of_scope"}


def test_unknown_resident_is_404(world, agent):
    response = agent.get("/residents/999999")

    assert response.status_code == 404
    assert response.json()["detail"] == "住户 999999 不存在"


def test_reveal_resident_phone_is_logged(world, agent):
    world.resident.phone2 = "02088886666"
    world.resident.save()

    response = agent.post(f"/residents/{world.resident.pk}/reveal-phone")

    assert response.status_code == 200
    assert response.json() == {
        "id": world.resident.pk,
        "phone": "13812345678",
        "phone2": "02088886666",
    }
    log = AuditLog.objects.get(action=AuditAction.PHONE_REVEAL)
    assert (log.user, log.object_type, log.object_id) == (
        world.agent,
        "resident",
        str(world.resident.pk),
    )
    assert log.ip == "127.0.0.1"


def test_reveal_resident_phone_refused_to_quality(world):
    response = ApiClient(world.quality).post(f"/residents/{world.resident.pk}/reveal-phone")

    assert response.status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()


def test_reveal_resident_phone_outside_the_scope_is_403(world, agent):
    response = agent.post(f"/residents/{world.neighbour.pk}/reveal-phone")

    assert response.status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()


def test_find_rooms_by_number(world, agent):
    response = agent.get("/rooms", {"q": "1101"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": world.room.pk,
            "label": "3栋2单元1101",
            "project": "SZHY",
            "building": "3栋",
            "unit": "2单元",
            "number": "1101",
            "is_occupied": True,
        }
    ]


def test_rooms_of_other_projects_are_not_found(world, agent):
    assert agent.get("/rooms", {"q": "0201"}).json() == []
    assert [r["id"] for r in ApiClient(world.hq).get("/rooms", {"q": "0201"}).json()] == [
        world.other_room.pk
    ]


def test_rooms_filtered_by_project_and_building(world):
    hq = ApiClient(world.hq)

    assert [r["id"] for r in hq.get("/rooms", {"project": "GZLY"}).json()] == [world.other_room.pk]
    building = world.room.building_id
    assert [r["id"] for r in hq.get("/rooms", {"building_id": building}).json()] == [world.room.pk]


def test_household_file_shows_people_and_every_ticket_of_the_room(world, agent):
    closed = walk(world, earlier(), "closed")
    open_one = register(world, earlier())

    response = agent.get(f"/rooms/{world.room.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["room"]["label"] == "3栋2单元1101"
    assert [p["name"] for p in body["people"]] == ["张伟"]
    assert body["people"][0]["phone"] == "138****5678"
    assert {t["number"]: t["status"] for t in body["tickets"]} == {
        closed.number: "closed",
        open_one.number: "registered",
    }
    assert body["open_tickets"] == 1
    assert body["tickets"][0]["category"] == "设备设施 / 电梯"


def test_household_file_answers_the_schema_its_documentation_names(world, agent):
    """GET /rooms/{id} was documented as the visit plan's HouseholdOut (two schemas of one
    name): schemathesis found the answer breaking it."""
    register(world, earlier())
    document = agent.get("/openapi.json").json()
    answer = document["paths"]["/api/v1/rooms/{room_id}"]["get"]["responses"]["200"]
    name = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    documented = document["components"]["schemas"][name]

    body = agent.get(f"/rooms/{world.room.pk}").json()

    assert name == "HouseholdFileOut"
    assert set(documented["required"]) == set(body) == set(documented["properties"])


def test_household_file_outside_the_scope_is_403(world, agent):
    response = agent.get(f"/rooms/{world.other_room.pk}")

    assert response.status_code == 403


def test_unknown_room_is_404(world, agent):
    response = agent.get("/rooms/999999")

    assert response.status_code == 404
    assert response.json()["detail"] == "房屋 999999 不存在"


def test_a_resident_with_homes_in_two_projects_shows_only_the_rooms_in_my_scope(world, agent):
    Residency.objects.create(resident=world.resident, room=world.other_room, relation="tenant")

    found = agent.get("/residents", {"phone": "13812345678"}).json()
    one = agent.get(f"/residents/{world.resident.pk}").json()
    household = agent.get(f"/rooms/{world.room.pk}").json()
    everywhere = ApiClient(world.hq).get(f"/residents/{world.resident.pk}").json()

    assert [r["project"] for r in found[0]["rooms"]] == ["SZHY"]
    assert [r["project"] for r in one["rooms"]] == ["SZHY"]
    assert [r["project"] for r in household["people"][0]["rooms"]] == ["SZHY"]
    assert sorted(r["project"] for r in everywhere["rooms"]) == ["GZLY", "SZHY"]
