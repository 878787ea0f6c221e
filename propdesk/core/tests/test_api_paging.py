"""Every list of the API bounds its page and page size in its schema (core.paging): a page past
64 bits, or one whose offset (page × page size) is, was a 500; now a 422 naming the field."""

from __future__ import annotations

import pytest

from propdesk.core.paging import MAX_PAGE
from propdesk.tickets.tests.test_api_helpers import ApiClient, quick_password_hashing  # noqa: F401

LISTS = [
    "/tickets",
    "/work-orders",
    "/notifications",
    "/hot-issues",
    "/callback-tasks",
    "/surveys/campaigns",
]


@pytest.mark.parametrize("path", LISTS)
def test_a_page_past_the_last_allowed_is_refused_naming_page(world, path):
    response = ApiClient(world.admin).get(path, {"page": 2**62, "page_size": 100})

    assert response.status_code == 422, response.content
    assert response.json()["field"] == "page"
    assert response.json()["detail"] == f"字段“page”有误:应不大于 {MAX_PAGE}"


@pytest.mark.parametrize("path", LISTS)
def test_a_page_size_of_zero_is_refused_naming_page_size(world, path):
    response = ApiClient(world.admin).get(path, {"page_size": 0})

    assert response.status_code == 422
    assert response.json()["detail"] == "字段“page_size”有误:应不小于 1"


def test_the_last_allowed_page_is_an_empty_page(world):
    response = ApiClient(world.admin).get("/tickets", {"page": MAX_PAGE, "page_size": 100})

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_the_bounds_are_in_the_documentation(world):
    document = ApiClient(world.admin).get("/openapi.json").json()
    parameters = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/tickets"]["get"]["parameters"]
    }

    assert (parameters["page"]["minimum"], parameters["page"]["maximum"]) == (1, MAX_PAGE)
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 100)


def test_a_campaigns_invitations_take_pages_of_up_to_500(world):
    client = ApiClient(world.hq)

    fits = client.get("/surveys/campaigns/999999/invitations", {"page_size": 500})
    too_many = client.get("/surveys/campaigns/999999/invitations", {"page_size": 501})

    assert fits.status_code == 404  # past the bounds, to the campaign (there is none)
    assert too_many.status_code == 422
    assert too_many.json()["detail"] == "字段“page_size”有误:应不大于 500"
