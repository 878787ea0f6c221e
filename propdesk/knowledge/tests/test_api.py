"""The case library over the API: write, read, review by someone else, publish; agents read
only what is published; errors name the field."""

from __future__ import annotations

import json

from propdesk.knowledge.models import Case

BODY = {
    "title": "楼上漏水",
    "category": "FAC-ELEV",
    "scenarios": [
        {
            "name": "正在漏",
            "expectation": "马上止水",
            "handling": "联系楼上业主关阀",
            "words": "我们马上上门",
        }
    ],
}


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_a_case_is_written_reviewed_published_and_read(world, client):
    client.force_login(world.quality)
    written = post(client, "/api/v1/cases", BODY)
    assert written.status_code == 201, written.json()
    case = written.json()
    assert case["status"] == "draft" and case["scenarios"][0]["words"] == "我们马上上门"
    assert case["versions"][0]["change"] == "created"

    refused = post(client, f"/api/v1/cases/{case['id']}/review")
    assert refused.status_code == 403  # not by its writer

    client.force_login(world.hq)
    assert post(client, f"/api/v1/cases/{case['id']}/review").json()["status"] == "reviewed"
    published = post(client, f"/api/v1/cases/{case['id']}/publish").json()
    assert published["status"] == "published"
    assert [v["change"] for v in published["versions"]] == ["created", "reviewed", "published"]

    client.force_login(world.agent)
    listed = client.get("/api/v1/cases", {"category": "FAC", "q": "漏水"}).json()
    assert [c["title"] for c in listed["items"]] == ["楼上漏水"]


def test_agents_read_no_drafts_and_write_nothing(world, client):
    client.force_login(world.quality)
    draft = post(client, "/api/v1/cases", BODY).json()
    client.force_login(world.agent)
    assert client.get(f"/api/v1/cases/{draft['id']}").status_code == 404
    assert client.get("/api/v1/cases").json()["count"] == 0
    assert post(client, "/api/v1/cases", BODY).status_code == 403


def test_a_case_without_handling_or_with_an_unknown_category_names_the_field(world, client):
    client.force_login(world.quality)
    empty = post(client, "/api/v1/cases", {**BODY, "scenarios": [{"handling": " "}]})
    assert empty.status_code == 400 and empty.json()["field"] == "scenarios"
    unknown = post(client, "/api/v1/cases", {**BODY, "category": "NOPE"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "category"
    assert not Case.objects.exists()


def test_a_send_back_needs_its_reason(world, client):
    client.force_login(world.quality)
    case = post(client, "/api/v1/cases", BODY).json()
    client.force_login(world.hq)
    refused = post(client, f"/api/v1/cases/{case['id']}/send-back", {"text": ""})
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    back = post(client, f"/api/v1/cases/{case['id']}/send-back", {"text": "步骤太笼统"}).json()
    assert back["versions"][-1]["note"] == "步骤太笼统"


def test_an_edit_is_a_new_version(world, client):
    client.force_login(world.quality)
    case = post(client, "/api/v1/cases", BODY).json()
    changed = {**BODY, "title": "楼上漏水到我家", "note": "标题更准确"}
    edited = client.put(
        f"/api/v1/cases/{case['id']}", json.dumps(changed), content_type="application/json"
    )
    assert edited.status_code == 200
    assert edited.json()["version"] == 2 and edited.json()["versions"][-1]["note"] == "标题更准确"


def test_a_withdrawn_case_leaves_the_list_and_an_unknown_move_is_not_found(world, client):
    client.force_login(world.quality)
    case = post(client, "/api/v1/cases", BODY).json()
    client.force_login(world.hq)
    assert post(client, f"/api/v1/cases/{case['id']}/archive").status_code == 404
    assert post(client, f"/api/v1/cases/{case['id']}/withdraw", {"text": ""}).status_code == 400
    gone = post(client, f"/api/v1/cases/{case['id']}/withdraw", {"text": "规定改了"}).json()
    assert gone["status"] == "withdrawn"
    assert client.get("/api/v1/cases", {"status": "published"}).json()["count"] == 0
    assert client.get("/api/v1/cases", {"status": "nope"}).status_code == 400
    assert client.get("/api/v1/cases", {"category": "NOPE"}).status_code == 400
    edited = client.put(
        f"/api/v1/cases/{case['id']}", json.dumps(BODY), content_type="application/json"
    )
    assert edited.status_code == 409 and "已停用的案例不能修改" in edited.json()["detail"]
