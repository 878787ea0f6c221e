"""Moves through HTTP, one behaviour at a time (the table of every move is in
test_api_actions.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from propdesk.tickets.models import FeeStandard, Ticket, WorkOrder

from .helpers import register, walk
from .test_api_helpers import ApiClient, earlier, later, quick_password_hashing  # noqa: F401


def test_transfer_returns_the_old_order_and_makes_a_new_one(world):
    ticket = walk(world, earlier(), "dispatched")

    body = ApiClient(world.supervisor).act(
        ticket.number,
        "transfer",
        work_order=1,
        department="SZHY-SEC",
        reason="门禁归保安部管",
        deadline=later(hours=2),
    )

    orders = body.json()["work_orders"]
    assert [(o["sequence"], o["department"], o["status"]) for o in orders] == [
        (1, "SZHY-ENG", "returned"),
        (2, "SZHY-SEC", "dispatched"),
    ]
    assert orders[0]["return_reason"] == "门禁归保安部管"


def test_unsatisfied_callback_reopens_the_ticket(world):
    ticket = walk(world, earlier(), "resolved")

    response = ApiClient(world.agent).act(
        ticket.number, "callback", satisfaction="dissatisfied", comment="还是不好用"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "reopened"
    assert response.json()["reopen_count"] == 1
    assert (
        "dispatch"
        in ApiClient(world.supervisor).get(f"/tickets/{ticket.number}").json()["allowed_actions"]
    )


def test_contested_close_by_a_manager_records_the_position(world):
    ticket = walk(world, earlier(), "dispatched")

    response = ApiClient(world.manager).act(
        ticket.number,
        "close",
        reason="disagreement",
        note="已按合同履行,附维保记录",
        has_case_value=True,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["closure_reason"], body["has_case_value"]) == (
        "closed",
        "disagreement",
        True,
    )
    assert body["closure_note"] == "已按合同履行,附维保记录"
    assert body["work_orders"][0]["status"] == "cancelled"


def test_update_records_old_and_new_values(world):
    ticket = register(world, earlier())

    ApiClient(world.agent).act(ticket.number, "update", category="FAC-ACCESS")

    events = ApiClient(world.agent).get(f"/tickets/{ticket.number}/events").json()
    moves = [e for e in events if not e["kind"].startswith("sla_")]
    assert moves[-1]["kind"] == "updated"
    assert moves[-1]["data"]["changes"] == {"category": ["FAC-ELEV", "FAC-ACCESS"]}


def test_an_empty_body_is_enough_for_a_move_without_fields(world):
    ticket = register(world, earlier())

    response = ApiClient(world.agent).client.post(
        f"/api/v1/tickets/{ticket.number}/actions/accept", "", content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


# ---- refusals ----


def test_move_from_a_wrong_state_is_409_in_plain_chinese(world):
    ticket = walk(world, earlier(), "dispatched")

    response = ApiClient(world.agent).act(ticket.number, "accept")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "诉求当前状态为“已派单”,不能执行“受理”(允许的状态:已登记)",
        "code": "invalid_transition",
    }


@pytest.mark.parametrize(
    ("state", "action", "body"),
    [
        ("registered", "callback", {"satisfaction": "satisfied"}),
        ("registered", "dispatch", {"department": "SZHY-ENG", "deadline": "2099-01-01T10:00"}),
        ("closed", "cancel", {"reason": "撤回"}),
        ("resolved", "close", {"reason": "satisfied"}),
        ("in_progress", "start", {"work_order": 1}),
        ("callback_done", "callback", {"satisfaction": "satisfied"}),
    ],
)
def test_moves_not_allowed_from_the_state_are_409(world, state, action, body):
    ticket = walk(world, earlier(), state)

    response = ApiClient(world.supervisor).act(ticket.number, action, **body)

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["detail"]
    assert Ticket.objects.get(pk=ticket.pk).status == state


def test_dispatching_twice_to_the_same_department_is_409(world):
    ticket = walk(world, earlier(), "dispatched")

    response = ApiClient(world.supervisor).act(
        ticket.number, "dispatch", department="SZHY-ENG", deadline=later(hours=3)
    )

    assert response.status_code == 409
    assert response.json()["field"] == "department"


@pytest.mark.parametrize(
    ("state", "role", "action", "body", "detail"),
    [
        (
            "accepted",
            "agent",
            "dispatch",
            {"department": "SZHY-ENG", "deadline": "2099-01-01T10:00"},
            "您的角色(客服专员)不能执行“派单”",
        ),
        ("registered", "quality", "accept", {}, "您的角色(品质)不能执行“受理”"),
        ("registered", "handler", "cancel", {"reason": "x"}, "您的角色(部门处理人)不能执行“撤销”"),
        (
            "dispatched",
            "agent",
            "close",
            {"reason": "disagreement", "note": "x"},
            "您的角色(客服专员)不能执行“关闭(异议/超出职权)”",
        ),
    ],
)
def test_move_by_a_role_that_may_not_make_it_is_403(world, state, role, action, body, detail):
    ticket = walk(world, earlier(), state)

    response = ApiClient(world.user(role)).act(ticket.number, action, **body)

    assert response.status_code == 403
    assert response.json() == {"detail": detail, "code": "permission_denied"}


def test_handler_of_another_department_may_not_start_the_order(world):
    ticket = walk(world, earlier(), "dispatched")  # to engineering

    response = ApiClient(world.security_handler).act(ticket.number, "start", work_order=1)

    assert response.status_code == 403
    assert response.json()["detail"] == "这张工单不属于您的部门"


def test_move_outside_the_scope_is_403_and_reveals_nothing(world):
    ticket = walk(world, earlier(), "registered")

    response = ApiClient(world.outsider).act(ticket.number, "accept")

    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    assert Ticket.objects.get(pk=ticket.pk).status == "registered"


def test_unknown_action_is_404_listing_the_real_ones(world):
    ticket = register(world, earlier())

    response = ApiClient(world.agent).act(ticket.number, "approve")

    assert response.status_code == 404
    assert response.json()["field"] == "action"
    assert "approve" in response.json()["detail"]
    assert "dispatch" in response.json()["detail"]


def test_move_on_an_unknown_ticket_is_404(world):
    response = ApiClient(world.agent).act("SZHY-20260101-0042", "accept")

    assert response.status_code == 404
    assert "SZHY-20260101-0042" in response.json()["detail"]


def test_unknown_work_order_is_404_naming_it(world):
    ticket = walk(world, earlier(), "dispatched")

    response = ApiClient(world.handler).act(ticket.number, "start", work_order=7)

    assert response.status_code == 404
    assert response.json()["field"] == "work_order"


@pytest.mark.parametrize(
    ("state", "role", "action", "body", "field"),
    [
        ("in_progress", "agent", "reply", {"channel": "phone"}, "content"),
        ("accepted", "supervisor", "dispatch", {"deadline": "2099-01-01T10:00"}, "department"),
        ("resolved", "agent", "callback", {"comment": "满意"}, "satisfaction"),
        ("dispatched", "handler", "return", {"work_order": 1}, "reason"),
        ("dispatched", "handler", "start", {}, "work_order"),
        ("registered", "supervisor", "merge", {}, "into"),
        ("callback_done", "agent", "close", {}, "reason"),
        ("dispatched", "handler", "start", {"work_order": "first"}, "work_order"),
    ],
)
def test_missing_or_malformed_body_field_is_422_naming_it(world, state, role, action, body, field):
    ticket = walk(world, earlier(), state)

    response = ApiClient(world.user(role)).act(ticket.number, action, **body)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert field in response.json()["detail"]
    assert response.json()["code"] == "invalid_input"


def test_missing_field_message_is_readable(world):
    ticket = walk(world, earlier(), "in_progress")

    response = ApiClient(world.agent).act(ticket.number, "reply", channel="phone")

    assert response.json()["detail"] == "字段“content”有误:必须填写"


@pytest.mark.parametrize(
    ("state", "action", "body", "field"),
    [
        ("accepted", "dispatch", {"department": "SZHY-ENG"}, "deadline"),
        (
            "accepted",
            "dispatch",
            {"department": "NOPE", "deadline": "2099-01-01T10:00"},
            "department",
        ),
        (
            "accepted",
            "dispatch",
            {"department": "GZLY-ENG", "deadline": "2099-01-01T10:00"},
            "department",
        ),
        (
            "accepted",
            "dispatch",
            {"department": "SZHY-ENG", "deadline": "2099-01-01T10:00", "assignee": "guard"},
            "assignee",
        ),
        ("resolved", "callback", {"satisfaction": "ok"}, "satisfaction"),
        (
            "resolved",
            "callback",
            {"satisfaction": "satisfied", "method": "visit"},
            "resident_confirmation",
        ),
        ("callback_done", "close", {"reason": "bored"}, "reason"),
        ("in_progress", "reply", {"content": "好", "channel": "pigeon"}, "channel"),
        ("registered", "update", {"kind": "rant"}, "kind"),
        ("registered", "update", {"room_id": 0}, "room_id"),
        ("registered", "merge", {"into": "SZHY-20200101-0001"}, "into"),
    ],
)
def test_bad_value_in_a_body_is_400_naming_the_field(world, state, action, body, field):
    ticket = walk(world, earlier(), state)

    response = ApiClient(world.supervisor).act(ticket.number, action, **body)

    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field


def test_dispatch_deadline_in_the_past_is_400(world):
    ticket = walk(world, earlier(), "accepted")
    past = (timezone.now() - timedelta(minutes=5)).isoformat()

    response = ApiClient(world.supervisor).act(
        ticket.number, "dispatch", department="SZHY-ENG", deadline=past
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "完成时限必须晚于现在",
        "code": "invalid_input",
        "field": "deadline",
    }


def test_naive_deadline_is_shanghai_local_time(world):
    ticket = walk(world, earlier(), "accepted")
    local = (timezone.localtime() + timedelta(days=1)).replace(
        hour=17, minute=30, second=0, microsecond=0, tzinfo=None
    )

    response = ApiClient(world.supervisor).act(
        ticket.number, "dispatch", department="SZHY-ENG", deadline=local.isoformat()
    )

    assert response.status_code == 200
    assert response.json()["work_orders"][0]["deadline"] == local.isoformat() + "+08:00"
    stored = WorkOrder.objects.get(ticket=ticket).deadline
    assert timezone.localtime(stored).replace(tzinfo=None) == local
    assert stored.utcoffset() == timedelta(0)  # kept in UTC: 09:30Z
    assert stored.hour == 9


def test_aware_deadline_keeps_its_own_offset(world):
    ticket = walk(world, earlier(), "accepted")
    deadline = (timezone.now() + timedelta(days=1)).replace(microsecond=0)

    ApiClient(world.supervisor).act(
        ticket.number, "dispatch", department="SZHY-ENG", deadline=deadline.isoformat()
    )

    assert WorkOrder.objects.get(ticket=ticket).deadline == deadline


def test_naive_agreed_reply_time_in_an_update_is_local_time(world):
    ticket = register(world, earlier())
    local = (timezone.localtime() + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=None
    )

    response = ApiClient(world.agent).act(
        ticket.number, "update", agreed_reply_at=local.isoformat()
    )

    assert response.status_code == 200
    assert response.json()["agreed_reply_at"] == local.isoformat() + "+08:00"


def test_paid_repair_is_dispatched_with_its_quote(world):
    FeeStandard.objects.create(
        company=world.company, code="LOCK", name="更换门锁", unit="把", price=Decimal("80.00")
    )
    ticket = walk(
        world, earlier(), "accepted", kind="repair", repair_scope="in_home", is_paid_repair=True
    )
    appointment = (timezone.localtime() + timedelta(days=1)).replace(
        hour=15, minute=0, second=0, microsecond=0, tzinfo=None
    )

    response = ApiClient(world.supervisor).act(
        ticket.number,
        "dispatch",
        department="SZHY-ENG",
        appointment_at=appointment.isoformat(),
        fee_items=[
            {"standard": "LOCK", "quantity": "1"},
            {"name": "辅材", "unit": "批", "unit_price": "12.50", "quantity": 2},
        ],
        fee_agreement_note="住户电话同意报价",
    )

    assert response.status_code == 200, response.json()
    [order] = response.json()["work_orders"]
    assert Decimal(order["fee_total"]) == Decimal("105.00")
    assert [(i["name"], Decimal(i["amount"])) for i in order["fee_items"]] == [
        ("更换门锁", Decimal("80.00")),
        ("辅材", Decimal("25.00")),
    ]
    # The booked appointment is the deadline.
    assert order["deadline"] == appointment.isoformat() + "+08:00"


@pytest.mark.parametrize(
    ("fee_items", "field", "status"),
    [
        ([], "fee_items", 400),
        ([{"standard": "NOPE", "quantity": "1"}], "fee_items[0].standard", 400),
        ([{"name": "辅材", "quantity": "0", "unit_price": "1"}], "fee_items[0].quantity", 400),
        ([{"name": "辅材", "quantity": "lots"}], "fee_items[0].quantity", 422),
    ],
)
def test_bad_quote_of_a_paid_repair_names_the_line(world, fee_items, field, status):
    ticket = walk(
        world, earlier(), "accepted", kind="repair", repair_scope="in_home", is_paid_repair=True
    )

    response = ApiClient(world.supervisor).act(
        ticket.number,
        "dispatch",
        department="SZHY-ENG",
        appointment_at=later(days=1),
        fee_items=fee_items,
        fee_agreement_note="同意",
    )

    assert response.status_code == status, response.json()
    assert response.json()["field"] == field
