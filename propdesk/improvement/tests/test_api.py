"""Corrective and preventive actions through /api/v1/actions, end to end: opened from a
request, a hot issue, a monthly report line and from nothing; reported done; verified by a
named person who is not the owner; and every refusal — 403 for a role or scope that may not,
409 for a move done twice or from the wrong state, 400 naming the field, 404 for another
project's action. Nothing is ever deleted: the history only grows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.core.tests.scene import Scene
from propdesk.improvement.models import ActionEvent, CorrectiveAction
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import ApiClient, earlier

pytestmark = pytest.mark.django_db


def due(days: int = 14) -> str:
    return str(timezone.localdate() + timedelta(days=days))


def body(**more) -> dict:
    return {"owner": "handler", "cause": "维保单位响应慢", "measure": "约谈维保单位,签补充协议",
            "due_on": due(), **more}  # fmt: skip


def test_from_a_request_to_verified_and_closed(world):
    ticket = register(world, earlier())
    supervisor, handler, quality = ApiClient(world.supervisor), ApiClient(world.handler), None
    opened = supervisor.post(
        "/actions", body(source="ticket", ticket=ticket.number, verifier="quality")
    )
    assert opened.status_code == 201, opened.json()
    action = opened.json()
    assert (action["source"], action["ticket"], action["project"], action["status"]) == (
        "ticket",
        ticket.number,
        "SZHY",
        "open",
    )
    assert (action["owner"], action["verifier"], action["opened_by"]) == (
        "handler",
        "quality",
        "supervisor",
    )
    pk = action["id"]
    # Verifying before it is done: the wrong state.
    quality = ApiClient(world.quality)
    early = quality.post(f"/actions/{pk}/verify", {"effective": True, "note": "好"})
    assert early.status_code == 409
    done = handler.post(f"/actions/{pk}/done", {"note": "已签补充协议"})
    assert (done.status_code, done.json()["status"]) == (200, "done")
    twice = handler.post(f"/actions/{pk}/done", {"note": "再报一次"})
    assert twice.status_code == 409
    # The owner never verifies; another verifier does not when one is named.
    own = handler.post(f"/actions/{pk}/verify", {"effective": True, "note": "自己看"})
    assert own.status_code == 403
    other = ApiClient(world.manager).post(f"/actions/{pk}/verify", {"effective": True, "note": "x"})
    assert other.status_code == 403
    blank = quality.post(f"/actions/{pk}/verify", {"effective": True, "note": " "})
    assert (blank.status_code, blank.json()["field"]) == (400, "note")
    verified = quality.post(f"/actions/{pk}/verify", {"effective": True, "note": "一个月无困人"})
    assert verified.status_code == 200
    got = verified.json()
    assert (got["status"], got["verified_by"]) == ("verified", "quality")
    assert [e["kind"] for e in got["events"]] == ["opened", "done", "verified"]
    again = quality.post(f"/actions/{pk}/verify", {"effective": True, "note": "再验"})
    assert again.status_code == 409
    read = supervisor.get(f"/actions/{pk}").json()
    assert read["status_display"] == "已验证关闭"


def test_not_effective_sends_it_back_with_a_new_date(world):
    supervisor = ApiClient(world.supervisor)
    pk = supervisor.post("/actions", body(source="other", project="SZHY")).json()["id"]
    ApiClient(world.handler).post(f"/actions/{pk}/done", {"note": "已通知"})
    back = ApiClient(world.manager).post(
        f"/actions/{pk}/verify", {"effective": False, "note": "仍有投诉", "due_on": due(30)}
    )
    got = back.json()
    assert (got["status"], got["due_on"]) == ("open", due(30))
    assert [e["kind"] for e in got["events"]] == ["opened", "done", "rejected"]
    past = ApiClient(world.handler).post(f"/actions/{pk}/done", {"note": "第二次整改"})
    assert past.json()["status"] == "done"


def test_from_a_hot_issue_and_a_report_line(world):
    issue = Scene(world).hot_issue()
    quality = ApiClient(world.quality)
    opened = quality.post("/actions", body(source="hot_issue", hot_issue=issue.pk,
                                            kind="preventive"))  # fmt: skip
    assert opened.status_code == 201, opened.json()
    assert (opened.json()["hot_issue"], opened.json()["kind"]) == (issue.pk, "preventive")
    line = quality.post("/actions", body(
        source="report_line", project="SZHY", report=12, report_month="2026-11",
        report_scope="华苑", report_line="投诉处理及时率:85.00%",
    ))  # fmt: skip
    assert line.status_code == 201, line.json()
    got = line.json()
    assert (got["report"], got["report_month"], got["report_line"]) == (
        12,
        "2026-11",
        "投诉处理及时率:85.00%",
    )
    listed = quality.get("/actions", {"source": "report_line"}).json()
    assert [a["id"] for a in listed["items"]] == [got["id"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "ticket"}, "ticket"),
        ({"source": "hot_issue"}, "hot_issue"),
        ({"source": "survey_item"}, "campaign"),
        ({"source": "report_line", "project": "SZHY", "report_line": "x"}, "report_month"),
        ({"source": "report_line", "project": "SZHY", "report_month": "2026-11"}, "report_line"),
        ({"source": "other"}, "project"),
        ({"source": "other", "project": "NOPE"}, "project"),
        ({"source": "other", "project": "SZHY", "owner": "nobody"}, "owner"),
        ({"source": "other", "project": "SZHY", "owner": "gz_handler"}, "owner"),
        ({"source": "other", "project": "SZHY", "verifier": "handler"}, "verifier"),
        ({"source": "other", "project": "SZHY", "verifier": "agent"}, "verifier"),
        ({"source": "other", "project": "SZHY", "cause": " "}, "cause"),
        ({"source": "other", "project": "SZHY", "measure": ""}, "measure"),
        ({"source": "other", "project": "SZHY", "due_on": "2020-01-01"}, "due_on"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, change, field):
    from conftest import make_user

    make_user("gz_handler", "handler", world.company, projects=[world.other_project])
    answer = ApiClient(world.supervisor).post("/actions", body(**change))
    assert (answer.status_code, answer.json().get("field")) == (400, field), answer.json()
    assert not CorrectiveAction.objects.exists()


def test_roles_and_scope(world):
    ticket = register(world, earlier())
    agent = ApiClient(world.agent).post("/actions", body(source="ticket", ticket=ticket.number))
    assert agent.status_code == 403
    outsider = ApiClient(world.outsider).post(
        "/actions", body(source="ticket", ticket=ticket.number)
    )
    assert outsider.status_code == 403  # a request of another project
    pk = (
        ApiClient(world.supervisor)
        .post("/actions", body(source="ticket", ticket=ticket.number))
        .json()["id"]
    )
    # Another project's action is not shown to exist.
    assert ApiClient(world.outsider).get(f"/actions/{pk}").status_code == 404
    done = ApiClient(world.outsider).post(f"/actions/{pk}/done", {"note": "x"})
    assert done.status_code == 404
    assert ApiClient(world.outsider).get("/actions").json()["count"] == 0
    # In scope but neither the owner nor an opener.
    assert ApiClient(world.agent).post(f"/actions/{pk}/done", {"note": "x"}).status_code == 403
    ApiClient(world.handler).post(f"/actions/{pk}/done", {"note": "已整改"})
    for who in (world.supervisor, world.region_user):  # not verifiers
        answer = ApiClient(who).post(f"/actions/{pk}/verify", {"effective": True, "note": "x"})
        assert answer.status_code == 403
    mine = ApiClient(world.handler).get("/actions", {"mine": True}).json()
    assert [a["id"] for a in mine["items"]] == [pk]


def test_events_are_never_changed_or_deleted(world):
    pk = ApiClient(world.supervisor).post("/actions", body(source="other", project="SZHY"))
    event = ActionEvent.objects.get(action_id=pk.json()["id"])
    with pytest.raises(ValueError, match="never changed"):
        event.save()
    with pytest.raises(ValueError, match="never deleted"):
        event.delete()
