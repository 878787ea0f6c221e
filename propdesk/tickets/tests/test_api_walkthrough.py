"""A new user's first complaint through the API, from the phone call to the closed file.

Read it top to bottom as a script: each step is what a person (or the program they wrote)
does next, using only what earlier answers told them.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.core.management import call_command
from django.utils import timezone

from .test_api_helpers import ApiClient, quick_password_hashing  # noqa: F401


def token_for(username: str) -> str:
    """What the administrator runs: ``propdesk token create --user NAME``."""
    out = io.StringIO()
    call_command("token", "create", "--user", username, "--name", "walk-through", stdout=out)
    return out.getvalue().strip()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.json()
    return response.json()


def test_phone_complaint_from_registration_to_close_with_its_full_history(world):
    agent = ApiClient(token=token_for("agent"))
    supervisor = ApiClient(token=token_for("supervisor"))
    handler = ApiClient(token=token_for("handler"))

    # 1. The agent checks who they are and which lists to choose from.
    me = ok(agent.get("/me"))
    assert (me["role"], me["projects"]) == ("agent", ["SZHY"])
    taxonomy = ok(agent.get("/taxonomy"))
    facilities = next(c for c in taxonomy["categories"] if c["name"] == "设备设施")
    elevator = next(c for c in facilities["children"] if c["name"] == "电梯")

    # 2. A resident calls from 13812345678: who is it, and which home?
    [caller] = ok(agent.get("/residents", {"phone": "13812345678"}))
    assert caller["name"] == "张伟"
    assert caller["phone"] == "138****5678"
    [home] = caller["rooms"]

    # 3. Register the complaint, read back to the resident before saving.
    ticket = ok(
        agent.post(
            "/tickets",
            {
                "kind": "complaint",
                "channel": "phone",
                "category": elevator["code"],
                "description": "3栋2单元电梯停在12楼不动,按钮没反应,家里有老人",
                "expectation": "今天之内修好,并回电告知",
                "resident_id": caller["id"],
                "room_id": home["room_id"],
                "client_ref": "call-20260909-0001",
            },
        ),
        201,
    )
    number = ticket["number"]
    assert ticket["status"] == "registered"
    assert ticket["room"]["label"] == "3栋2单元1101"
    assert "accept" in ticket["allowed_actions"]

    # 4. The agent accepts it (首问责任制): it is now the service centre's.
    assert ok(agent.act(number, "accept", note="已复述确认"))["status"] == "accepted"

    # 5. The supervisor finds the engineering department and dispatches with a deadline.
    departments = ok(supervisor.get("/departments", {"project": ticket["project"]}))
    engineering = next(d for d in departments if d["kind"] == "engineering")
    deadline = timezone.localtime() + timedelta(hours=4)
    dispatched = ok(
        supervisor.act(
            number,
            "dispatch",
            department=engineering["code"],
            deadline=deadline.isoformat(),
            instructions="电梯困停,优先处理",
        )
    )
    assert dispatched["status"] == "dispatched"
    [order] = dispatched["work_orders"]
    assert (order["department"], order["status"]) == (engineering["code"], "dispatched")

    # 6. The handler sees the order in their queue, starts it and completes it.
    [queued] = ok(handler.get("/work-orders", {"mine": "true"}))
    assert (queued["ticket"], queued["sequence"]) == (number, order["sequence"])
    started = ok(handler.act(number, "start", work_order=queued["sequence"]))
    assert started["status"] == "in_progress"
    assert started["work_orders"][0]["assignee"] == "handler"
    completed = ok(
        handler.act(
            number,
            "complete_work_order",
            work_order=queued["sequence"],
            result="更换了召唤按钮主板,电梯恢复运行",
        )
    )
    assert completed["status"] == "resolved"
    assert completed["resolution"] == "更换了召唤按钮主板,电梯恢复运行"
    assert ok(handler.get("/work-orders", {"mine": "true"})) == []

    # 7. The agent tells the resident, calls back, and closes.
    replied = ok(agent.act(number, "reply", channel="phone", content="电梯已修好,请您试用"))
    assert replied["replies"][0]["content"] == "电梯已修好,请您试用"
    called = ok(agent.act(number, "callback", satisfaction="satisfied", comment="修得及时"))
    assert called["status"] == "callback_done"
    closed = ok(agent.act(number, "close", reason="satisfied"))
    assert (closed["status"], closed["closure_reason"]) == ("closed", "satisfied")
    assert closed["allowed_actions"] == ["reopen"]

    # 8. The whole history, in order: who did what, and the state before and after.
    events = ok(agent.get(f"/tickets/{number}/events"))
    assert [(e["kind"], e["from_status"], e["to_status"], e["actor"]) for e in events] == [
        ("registered", "", "registered", "agent"),
        ("accepted", "registered", "accepted", "agent"),
        ("dispatched", "accepted", "dispatched", "supervisor"),
        ("started", "dispatched", "in_progress", "handler"),
        ("work_order_completed", "", "", "handler"),
        ("resolved", "in_progress", "resolved", "handler"),
        ("replied", "", "", "agent"),
        ("callback_recorded", "resolved", "callback_done", "agent"),
        ("closed", "callback_done", "closed", "agent"),
    ]
    assert [e["kind_display"] for e in events] == [
        "登记",
        "受理",
        "派单",
        "开始处理",
        "工单完成",
        "解决",
        "回复住户",
        "回访",
        "关闭",
    ]
    times = [datetime.fromisoformat(e["at"]) for e in events]
    assert times == sorted(times)
    assert all(t.utcoffset() == timedelta(hours=8) for t in times)
    assert events[2]["data"]["department"] == engineering["code"]
    assert events[7]["data"]["satisfaction"] == "satisfied"
    assert events[8]["data"]["reason"] == "satisfied"

    # The retried registration (same client_ref) still finds the same, now closed, ticket.
    again = agent.post(
        "/tickets",
        {
            "kind": "complaint",
            "channel": "phone",
            "category": elevator["code"],
            "description": "重复提交",
            "resident_id": caller["id"],
            "client_ref": "call-20260909-0001",
        },
    )
    assert (again.status_code, again.json()["number"], again.json()["status"]) == (
        200,
        number,
        "closed",
    )
