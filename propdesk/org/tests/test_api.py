"""What a client needs to fill a form: who am I, projects, buildings, departments, the taxonomy;
and the API's own description (OpenAPI, docs page)."""

from __future__ import annotations

import pytest
from django.test import Client

from propdesk.org.choices import DepartmentKind
from propdesk.org.models import Department
from propdesk.tickets.actions import ACTIONS
from propdesk.tickets.tests.test_api_helpers import (  # noqa: F401
    ApiClient,
    quick_password_hashing,
)


@pytest.fixture
def agent(world):
    return ApiClient(world.agent)


def test_me_says_who_i_am_and_where_i_work(world):
    response = ApiClient(world.handler).get("/me")

    assert response.status_code == 200
    assert response.json() == {
        "username": "handler",
        "name": "Handler",
        "role": "handler",
        "role_display": "部门处理人",
        "department": "SZHY-ENG",
        "projects": ["SZHY"],
    }


def test_me_of_a_company_wide_user_lists_every_project(world):
    assert ApiClient(world.hq).get("/me").json()["projects"] == ["GZLY", "SZHY"]


def test_projects_in_my_scope(world, agent):
    response = agent.get("/projects")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "SZHY", "name": "华苑", "region": "深圳地区公司", "address": ""}
    ]
    assert [p["code"] for p in ApiClient(world.hq).get("/projects").json()] == ["GZLY", "SZHY"]


def test_buildings_of_a_project(world, agent):
    response = agent.get("/projects/SZHY/buildings")

    assert response.status_code == 200
    assert response.json() == [{"id": world.room.building_id, "code": "3", "name": "3栋"}]


def test_buildings_of_a_project_outside_the_scope_is_403(world, agent):
    response = agent.get("/projects/GZLY/buildings")

    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"


def test_buildings_of_an_unknown_project_is_404(world, agent):
    response = agent.get("/projects/NOPE/buildings")

    assert response.status_code == 404
    assert "NOPE" in response.json()["detail"]


def test_departments_that_serve_a_project(world, agent):
    Department.objects.create(
        company=world.company, code="HQ-LEGAL", name="法务部", kind=DepartmentKind.LEGAL
    )
    Department.objects.create(
        company=world.company,
        region=world.region,
        code="SZ-QA",
        name="品质部",
        kind=DepartmentKind.QUALITY,
    )

    response = agent.get("/departments", {"project": "SZHY"})

    assert response.status_code == 200
    assert {d["code"]: d["level"] for d in response.json()} == {
        "SZHY-ENG": "project",
        "SZHY-SEC": "project",
        "SZ-QA": "region",
        "HQ-LEGAL": "company",
    }
    assert {d["code"]: d["name"] for d in response.json()}["SZHY-ENG"] == "华苑 工程部"


def test_departments_without_a_project_are_those_of_my_projects_and_above(world, agent):
    codes = {d["code"] for d in agent.get("/departments").json()}

    assert codes == {"SZHY-ENG", "SZHY-SEC"}


def test_departments_of_a_project_outside_the_scope_are_not_listed(world, agent):
    assert agent.get("/departments", {"project": "GZLY"}).json() == []


def test_taxonomy_lists_categories_with_children_and_every_closed_list(world, agent):
    response = agent.get("/taxonomy")

    assert response.status_code == 200
    body = response.json()
    facilities = next(c for c in body["categories"] if c["code"] == "FAC")
    assert facilities["name"] == "设备设施"
    assert {"code": "FAC-ELEV", "name": "电梯"} in facilities["children"]
    assert [c["code"] for c in body["categories"]][:2] == ["HOUSE", "FAC"]
    assert {"value": "complaint", "label": "投诉"} in body["kinds"]
    assert {"value": "phone", "label": "来电"} in body["channels"]
    assert [s["value"] for s in body["statuses"]][:3] == ["registered", "accepted", "dispatched"]
    assert {"value": "very_satisfied", "label": "很满意"} in body["satisfaction"]
    for key in (
        "natures",
        "grade_levels",
        "grade_classes",
        "reporter_types",
        "repair_scopes",
        "help_types",
        "reply_channels",
        "closure_reasons",
        "callback_methods",
    ):
        assert body[key], key


def test_taxonomy_in_english(world, agent):
    body = agent.get("/taxonomy", HTTP_ACCEPT_LANGUAGE="en").json()

    facilities = next(c for c in body["categories"] if c["code"] == "FAC")
    assert facilities["name"] == "Shared facilities"


def test_taxonomy_needs_credentials(world):
    assert Client().get("/api/v1/taxonomy").status_code == 401


def test_openapi_describes_every_endpoint(world):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "PropDesk API"
    paths = schema["paths"]
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/actions/{action}",
        "/api/v1/tickets/{number}/events",
        "/api/v1/tickets/{number}/work-orders",
        "/api/v1/tickets/{number}/attachments",
        "/api/v1/tickets/{number}/attachments/{attachment_id}",
        "/api/v1/tickets/{number}/reveal-phone",
        "/api/v1/work-orders",
        "/api/v1/residents",
        "/api/v1/residents/{resident_id}",
        "/api/v1/residents/{resident_id}/reveal-phone",
        "/api/v1/rooms",
        "/api/v1/rooms/{room_id}",
        "/api/v1/taxonomy",
        "/api/v1/projects",
        "/api/v1/projects/{code}/buildings",
        "/api/v1/departments",
        "/api/v1/me",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/tickets"]) == {"get", "post"}
    description = paths["/api/v1/tickets/{number}/actions/{action}"]["post"]["description"]
    for action in ACTIONS:
        assert f"**{action}**" in description
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
    assert not any("{rest}" in p for p in paths)  # the JSON 404 fallback stays undocumented


def test_api_docs_redirects_to_a_working_docs_page(world):
    client = Client()

    response = client.get("/api/docs")

    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"openapi.json" in page.content


def test_unknown_address_under_the_api_is_a_json_404(world):
    response = Client().get("/api/v1/ticket")

    assert response.status_code == 404
    assert response.json()["detail"] == "没有这个接口:/api/v1/ticket"


def test_a_method_an_address_does_not_take_is_a_json_405_naming_those_it_does(world, agent):
    response = agent.client.delete("/api/v1/tickets")

    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert "DELETE" in body["detail"] and "POST" in body["detail"]
    assert set(response["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_a_console_page_refusing_a_method_is_not_turned_into_json(world):
    client = Client()
    client.force_login(world.agent)

    response = client.get("/logout/")  # signing out takes a POST

    assert response.status_code == 405
    assert not response.get("Content-Type", "").startswith("application/json")
