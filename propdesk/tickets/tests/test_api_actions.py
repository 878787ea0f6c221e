"""POST /tickets/{number}/actions/{action}: every move through HTTP, and how each can be refused."""

from __future__ import annotations

import pytest

from propdesk.tickets.actions import ACTIONS
from propdesk.tickets.models import Ticket, TicketEvent

from .helpers import register, walk
from .test_api_helpers import ApiClient, earlier, later, quick_password_hashing  # noqa: F401

# (action, from state, who, body, status afterwards). Bodies are functions: deadlines are
# relative to the moment the test runs, and merge needs a second ticket.
MOVES = [
    ("accept", "registered", "agent", lambda w: {"note": "已向住户复述确认"}, "accepted"),
    (
        "answer",
        "registered",
        "agent",
        lambda w: {"content": "电梯今晚例行维保,明早 7 点恢复", "channel": "phone"},
        "resolved",
    ),
    (
        "dispatch",
        "accepted",
        "supervisor",
        lambda w: {
            "department": "SZHY-ENG",
            "deadline": later(hours=4),
            "assignee": "handler",
            "instructions": "带上主板备件",
        },
        "dispatched",
    ),
    (
        "return",
        "dispatched",
        "handler",
        lambda w: {"work_order": 1, "reason": "门禁归保安部管"},
        "accepted",
    ),
    (
        "transfer",
        "dispatched",
        "supervisor",
        lambda w: {"work_order": 1, "department": "SZHY-SEC", "reason": "门禁归保安部管"},
        "dispatched",
    ),
    ("start", "dispatched", "handler", lambda w: {"work_order": 1}, "in_progress"),
    (
        "note",
        "dispatched",
        "handler",
        lambda w: {"text": "已联系维保公司,下午到场", "work_order": 1},
        "dispatched",
    ),
    (
        "reply",
        "in_progress",
        "agent",
        lambda w: {"content": "维修人员已到场", "channel": "sms"},
        "in_progress",
    ),
    ("suspend", "dispatched", "supervisor", lambda w: {"reason": "等厂家配件"}, "suspended"),
    ("resume", "suspended", "supervisor", lambda w: {"note": "配件已到"}, "dispatched"),
    ("resolve", "in_progress", "handler", lambda w: {"result": "更换了主板"}, "resolved"),
    (
        "complete_work_order",
        "in_progress",
        "handler",
        lambda w: {"work_order": 1, "result": "更换了主板"},
        "resolved",
    ),
    (
        "callback",
        "resolved",
        "agent",
        lambda w: {"satisfaction": "very_satisfied", "comment": "修得很快"},
        "callback_done",
    ),
    ("close", "callback_done", "agent", lambda w: {"reason": "satisfied"}, "closed"),
    ("reopen", "closed", "agent", lambda w: {"reason": "电梯又坏了"}, "reopened"),
    (
        "escalate",
        "dispatched",
        "agent",
        lambda w: {"reason": "业主情绪激动,要求见项目经理"},
        "dispatched",
    ),
    (
        "set_grade",
        "accepted",
        "supervisor",
        lambda w: {"level": "2", "grade_class": "hot", "reason": "业主已联系电视台"},
        "accepted",
    ),
    (
        "submit_plan",
        "dispatched",
        "supervisor",
        lambda w: {"plan": "工程部更换电梯控制柜,物业承担维修费,三日内完成并回复业主"},
        "dispatched",
    ),
    (
        "delay_callback",
        "resolved",
        "handler",
        lambda w: {"working_days": 2, "reason": "补漆需晾干两天再看效果"},
        "resolved",
    ),
    (
        "merge",
        "registered",
        "supervisor",
        lambda w: {"into": register(w, earlier()).number, "note": "同一部电梯"},
        "merged",
    ),
    ("cancel", "registered", "agent", lambda w: {"reason": "住户来电撤回"}, "cancelled"),
    (
        "update",
        "registered",
        "agent",
        lambda w: {"category": "FAC-ACCESS", "place": "3栋大堂"},
        "registered",
    ),
]


def test_every_action_of_the_api_is_exercised_below():
    assert {m[0] for m in MOVES} == set(ACTIONS)


@pytest.mark.parametrize(
    ("action", "state", "role", "body", "after"), MOVES, ids=[m[0] for m in MOVES]
)
def test_move_through_http(world, action, state, role, body, after):
    ticket = walk(world, earlier(), state)
    client = ApiClient(world.user(role))
    events_before = ticket.events.count()

    response = client.act(ticket.number, action, **body(world))

    assert response.status_code == 200, response.json()
    assert response.json()["number"] == ticket.number
    assert response.json()["status"] == after
    assert Ticket.objects.get(pk=ticket.pk).status == after
    assert TicketEvent.objects.filter(ticket=ticket).count() > events_before
