"""/api/v1/hot-issues: list, read, decide, merge, and intake's check before saving."""

from datetime import timedelta

import pytest

from propdesk.hotissues.detection import detect
from propdesk.tickets.tests.test_api_helpers import ApiClient, earlier, quick_password_hashing  # noqa: F401

from .helpers import report


@pytest.fixture
def issue(world):
    at = earlier()
    first = report(world, 1, at - timedelta(minutes=5))
    second = report(world, 2, at)
    return detect(second.pk, at), first, second


def test_supervisor_lists_reads_and_confirms(world, issue):
    hot, first, second = issue
    api = ApiClient(world.supervisor)
    page = api.get("/hot-issues", {"status": "detected"}).json()
    assert page["count"] == 1
    assert page["items"][0]["member_count"] == 2
    assert page["items"][0]["basis_display"] == "同类同地点"

    one = api.get(f"/hot-issues/{hot.pk}").json()
    assert [m["ticket"] for m in one["members"]] == [first.number, second.number]
    assert one["members"][0]["contact_phone"].count("*") >= 4  # masked

    done = api.post(f"/hot-issues/{hot.pk}/confirm", {"note": "线路老化"})
    assert done.status_code == 200
    assert done.json()["status"] == "confirmed"
    assert done.json()["events"][-1]["actor"] == world.supervisor.username


def test_merge_through_the_api_shows_the_link_both_ways(world, issue):
    hot, first, second = issue
    api = ApiClient(world.supervisor)
    merged = api.post(
        f"/hot-issues/{hot.pk}/merge", {"survivor": first.number, "duplicates": [second.number]}
    )
    assert merged.status_code == 200, merged.json()
    assert merged.json()["members"][1]["merged_into"] == first.number
    assert api.get(f"/tickets/{second.number}").json()["merged_into"] == first.number
    assert api.get(f"/tickets/{first.number}").json()["merged_from"] == [second.number]


def test_refusals_name_the_field_and_the_reason(world, issue):
    hot, *_ = issue
    supervisor = ApiClient(world.supervisor)
    empty = supervisor.post(f"/hot-issues/{hot.pk}/dismiss", {"reason": ""})
    assert (empty.status_code, empty.json()["field"]) == (400, "reason")
    stranger = supervisor.post(f"/hot-issues/{hot.pk}/link", {"ticket": "NOPE-1"})
    assert (stranger.status_code, stranger.json()["field"]) == (400, "ticket")
    assert ApiClient(world.agent).post(f"/hot-issues/{hot.pk}/confirm").status_code == 403
    assert ApiClient(world.outsider).get(f"/hot-issues/{hot.pk}").status_code == 403
    assert supervisor.get("/hot-issues/999999").status_code == 404
    bad = supervisor.get("/hot-issues", {"status": "open"})
    assert (bad.status_code, bad.json()["field"]) == (400, "status")


def test_intake_sees_what_is_already_open_at_the_place_before_saving(world, issue):
    _hot, first, second = issue
    api = ApiClient(world.agent)
    found = api.get(
        "/hot-issues/candidates",
        {
            "project": "SZHY",
            "category": "FAC-LIGHT",
            "building_id": world.room.building_id,
            "description": "电梯按钮坏了",
        },
    ).json()
    assert [(c["ticket"], c["basis"]) for c in found] == [
        (first.number, "place"),
        (second.number, "place"),
    ]
    by_words = api.get(
        "/hot-issues/candidates",
        {
            "project": "SZHY",
            "description": "楼道灯不亮,晚上看不见路(第1户)",
        },
    ).json()
    assert {c["basis"] for c in by_words} == {"text"}
    assert first.number in {c["ticket"] for c in by_words}
    nothing = api.get("/hot-issues/candidates", {"project": "NOPE"})
    assert (nothing.status_code, nothing.json()["field"]) == (400, "project")
