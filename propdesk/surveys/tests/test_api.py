"""/api/v1/surveys: a campaign planned, approved and issued through the API, a resident's answer
through the public endpoints (no login; once per household), paper entry, results with exact
counts, corrective actions; and errors that name the field."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from propdesk.surveys.models import Invitation, Response
from propdesk.tickets.tests.test_api_helpers import API, ApiClient

from .helpers import BS, NA, VS, D, S

pytestmark = pytest.mark.django_db


class Api(ApiClient):
    def patch(self, path: str, body):
        return self.client.patch(API + path, json.dumps(body), content_type="application/json")

    def delete(self, path: str):
        return self.client.delete(API + path)


def period() -> dict:
    today = timezone.localdate()
    return {
        "period_start": str(today - timedelta(days=1)),
        "period_end": str(today + timedelta(days=30)),
    }


def planned(hq: Api) -> dict:
    created = hq.post(
        "/surveys/campaigns",
        {"name": "年度满意度调查", "projects": ["SZHY", "GZLY"], "sample": "全部入住", **period()},
    )
    assert created.status_code == 201, created.json()
    campaign = created.json()
    for area, text in [("customer_service", "前台接待态度"), ("engineering", "报修响应速度")]:
        added = hq.post(f"/surveys/campaigns/{campaign['id']}/items", {"area": area, "text": text})
        assert added.status_code == 201, added.json()
    return hq.get(f"/surveys/campaigns/{campaign['id']}").json()


def test_plan_approve_issue_answer_and_read_the_results(world, rooms):
    hq = Api(world.hq)
    campaign = planned(hq)
    pk = campaign["id"]
    assert campaign["status"] == "draft"
    assert [p["code"] for p in campaign["projects"]] == ["GZLY", "SZHY"]
    assert campaign["moves"] == ["edit", "submit"]
    assert [i["text"] for i in campaign["items"]] == ["前台接待态度", "报修响应速度"]

    assert hq.post(f"/surveys/campaigns/{pk}/submit", {}).json()["status"] == "submitted"
    # HQ's plan is a department's: the management representative approves it; none is
    # designated here, so the administrator stands in (test_approval walks the officers).
    approved = Api(world.admin).post(f"/surveys/campaigns/{pk}/approve", {"note": "同意"})
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("approved", "admin")
    issued = hq.post(f"/surveys/campaigns/{pk}/issue", {"channel": "link"}).json()
    assert (issued["status"], issued["invitations"]) == ("issued", 10)
    assert [e["kind"] for e in issued["events"]] == [
        "created", "submitted", "approved", "filed", "issued"
    ]  # fmt: skip

    households = hq.get(f"/surveys/campaigns/{pk}/invitations", {"page_size": 100}).json()
    assert households["count"] == 10
    link = next(h["link"] for h in households["items"] if h["room_id"] == rooms["A"].pk)
    token = link.split("/")[2]

    resident = Client()  # no login, no token
    questionnaire = resident.get(f"{API}/surveys/answer/{token}")
    assert questionnaire.status_code == 200
    body = questionnaire.json()
    assert (body["project"], body["open"], body["message"]) == ("华苑", True, None)
    assert "张伟" not in questionnaire.content.decode()
    assert "1101" not in questionnaire.content.decode()
    items = [i["id"] for i in body["items"]]
    answer = {"answers": [{"item": items[0], "level": BS}, {"item": items[1], "level": D}]}
    sent = resident.post(
        f"{API}/surveys/answer/{token}", json.dumps(answer), content_type="application/json"
    )
    assert sent.status_code == 201, sent.json()
    again = resident.post(
        f"{API}/surveys/answer/{token}", json.dumps(answer), content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "此问卷已提交,每户只能填写一次"
    assert Response.objects.count() == 1
    assert resident.get(f"{API}/surveys/answer/{token}").json()["open"] is False

    paper = hq.post(
        f"/surveys/campaigns/{pk}/responses",
        {"room_id": rooms["E"].pk, "answers": [{"item": items[0], "level": VS}]},
    )
    assert paper.status_code == 201, paper.json()
    assert (paper.json()["source"], paper.json()["answered_items"]) == ("paper", 1)

    results = hq.get(f"/surveys/campaigns/{pk}/results").json()
    assert (results["responses"], results["invitations"]) == (2, 10)
    assert results["return_rate"] == {"part": 2, "whole": 10, "percent": "20.00"}
    assert results["below_minimum"] is True
    assert results["overall"]["satisfaction"] == {"part": 2, "whole": 3, "percent": "66.67"}
    first = results["items"][0]
    assert (first["label"], first["satisfied"], first["answered"]) == ("前台接待态度", 2, 2)
    assert [(r["label"], r["count"], r["cumulative_percent"]) for r in results["pareto"]] == [
        ("报修响应速度", 1, "100.00")
    ]
    assert results["comparison"] is None
    by_area = hq.get(f"/surveys/campaigns/{pk}/results", {"pareto_by": "area"}).json()
    assert by_area["pareto"][0]["key"] == "engineering"

    closed = hq.post(f"/surveys/campaigns/{pk}/close", {"note": "到期"})
    assert closed.json()["status"] == "closed"
    late = resident.get(f"{API}/surveys/answer/{households['items'][1]['link'].split('/')[2]}")
    assert late.json()["message"] == "本次调查已结束,感谢您的关注"


def test_corrective_actions_through_the_api(world, answered):
    supervisor = Api(world.supervisor)
    item = answered.items.get(text="报修响应速度")
    due = str(timezone.localdate() + timedelta(days=30))
    opened = supervisor.post(
        f"/surveys/campaigns/{answered.pk}/actions",
        {
            "project": "SZHY",
            "owner": "handler",
            "item": item.pk,
            "cause": "派单慢",
            "measure": "一小时内派单",
            "due_on": due,
        },
    )
    assert opened.status_code == 201, opened.json()
    action = opened.json()
    assert (action["status"], action["item_text"], action["owner"]) == (
        "open",
        "报修响应速度",
        "handler",
    )
    done = Api(world.handler).post(f"/surveys/actions/{action['id']}/done", {"note": "已整改"})
    assert done.json()["status"] == "done"
    own = Api(world.handler).post(
        f"/surveys/actions/{action['id']}/verify", {"effective": True, "note": "好"}
    )
    assert own.status_code == 403
    verified = Api(world.quality).post(
        f"/surveys/actions/{action['id']}/verify", {"effective": True, "note": "抽查有效"}
    )
    assert (verified.json()["status"], verified.json()["verified_by"]) == ("verified", "quality")
    listed = supervisor.get(f"/surveys/campaigns/{answered.pk}/actions").json()
    assert [a["id"] for a in listed] == [action["id"]]
    wrong = supervisor.post(
        f"/surveys/campaigns/{answered.pk}/actions",
        {"project": "SZHY", "owner": "nobody", "cause": "c", "measure": "m", "due_on": due},
    )
    assert (wrong.status_code, wrong.json()["field"]) == (400, "owner")


def test_a_negative_item_order_is_a_422_naming_order_and_adds_nothing(world, rooms):
    """Was an IntegrityError (500) from the column's check constraint."""
    hq = Api(world.hq)
    pk = planned(hq)["id"]

    added = hq.post(
        f"/surveys/campaigns/{pk}/items", {"area": "security", "text": "门岗", "order": -1}
    )
    item = hq.get(f"/surveys/campaigns/{pk}").json()["items"][0]["id"]
    moved = hq.patch(f"/surveys/items/{item}", {"order": 40000})

    assert (added.status_code, added.json()["field"]) == (422, "order")
    assert added.json()["detail"] == "字段“order”有误:应不小于 0"
    assert (moved.status_code, moved.json()["detail"]) == (422, "字段“order”有误:应不大于 32767")
    assert len(hq.get(f"/surveys/campaigns/{pk}").json()["items"]) == 2


def test_errors_name_the_field(world, rooms):
    hq = Api(world.hq)
    missing = hq.post("/surveys/campaigns", {"name": "无日期"})
    assert (missing.status_code, missing.json()["field"]) == (422, "period_start")
    backwards = hq.post(
        "/surveys/campaigns",
        {"name": "倒序", "period_start": "2026-10-01", "period_end": "2026-09-01"},
    )
    assert (backwards.status_code, backwards.json()["field"]) == (400, "period_end")
    unknown = hq.post("/surveys/campaigns", {"name": "x", "projects": ["NOPE"], **period()})
    assert (unknown.status_code, unknown.json()["field"]) == (400, "projects")
    pk = planned(hq)["id"]
    bad_area = hq.post(f"/surveys/campaigns/{pk}/items", {"area": "pets", "text": "宠物"})
    assert (bad_area.status_code, bad_area.json()["field"]) == (400, "area")
    item = hq.get(f"/surveys/campaigns/{pk}").json()["items"][0]["id"]
    assert hq.patch(f"/surveys/items/{item}", {"text": "前台服务态度"}).json()["text"] == (
        "前台服务态度"
    )
    assert hq.delete(f"/surveys/items/{item}").status_code == 204
    renamed = hq.patch(f"/surveys/campaigns/{pk}", {"name": "改名后的调查"})
    assert renamed.json()["name"] == "改名后的调查"
    early = hq.post(f"/surveys/campaigns/{pk}/issue", {})
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    hq.post(f"/surveys/campaigns/{pk}/submit", {})
    Api(world.admin).post(f"/surveys/campaigns/{pk}/approve", {})
    hq.post(f"/surveys/campaigns/{pk}/issue", {})
    token = Invitation.objects.filter(campaign_id=pk).first().token
    bad_level = Client().post(
        f"{API}/surveys/answer/{token}",
        json.dumps({"answers": [{"item": 1, "level": "so-so"}]}),
        content_type="application/json",
    )
    assert (bad_level.status_code, bad_level.json()["field"]) == (422, "answers[0].level")
    foreign = Client().post(
        f"{API}/surveys/answer/{token}",
        json.dumps({"answers": [{"item": 999999, "level": S}]}),
        content_type="application/json",
    )
    assert (foreign.status_code, foreign.json()["field"]) == (400, "answers[0].item")
    assert Client().get(f"{API}/surveys/answer/{'x' * 32}").status_code == 404
    first = hq.get(f"/surveys/campaigns/{pk}").json()["items"][0]["id"]
    blank = Client().post(
        f"{API}/surveys/answer/{token}",
        json.dumps({"answers": [{"item": first, "level": NA}]}),
        content_type="application/json",
    )
    assert blank.status_code == 201  # a blank questionnaire is still a returned one


def test_roles_and_scope_through_the_api(world, answered):
    assert Api(world.agent).post("/surveys/campaigns", {"name": "x", **period()}).status_code == 403
    outsider = Api(world.outsider)
    assert outsider.get(f"/surveys/campaigns/{answered.pk}").status_code == 200  # touches GZLY
    theirs = outsider.get(f"/surveys/campaigns/{answered.pk}/results").json()
    assert [p["code"] for p in theirs["projects"]] == ["GZLY"]
    assert outsider.post(f"/surveys/campaigns/{answered.pk}/close", {}).status_code == 403
    assert Api(world.supervisor).get("/surveys/campaigns/999999").status_code == 404
    listed = Api(world.supervisor).get("/surveys/campaigns").json()
    assert [c["id"] for c in listed["items"]] == [answered.pk]
    assert Client().get(f"{API}/surveys/campaigns").status_code == 401


def test_the_list_costs_a_bounded_number_of_queries(world, answered, django_assert_max_num_queries):
    hq = Api(world.hq)
    for n in range(5):
        hq.post("/surveys/campaigns", {"name": f"调查{n}", "projects": ["SZHY"], **period()})
    with django_assert_max_num_queries(8):
        assert hq.get("/surveys/campaigns").json()["count"] == 6


def test_the_api_documents_the_survey_endpoints(world):
    schema = Api(world.hq).get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/surveys/campaigns",
        "/api/v1/surveys/campaigns/{pk}/results",
        "/api/v1/surveys/answer/{token}",
    ):
        assert path in paths, sorted(paths)
    answer = paths["/api/v1/surveys/answer/{token}"]["post"]
    assert "security" not in answer or answer["security"] in ([], [{}])  # no login
