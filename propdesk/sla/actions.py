"""The SLA domain's moves on a ticket, offered by the API's actions endpoint and the console's
move forms (registered from ``SlaConfig.ready``)."""

from __future__ import annotations

from propdesk.tickets import schemas
from propdesk.tickets.actions import register_action

from . import moves


def register() -> None:
    register_action(
        "escalate",
        schemas.ReasonIn,
        lambda u, t, b: moves.escalate_by_hand(u, t, reason=b.reason),
        after="reopen",
    )
    register_action(
        "set_grade",
        schemas.SetGradeIn,
        lambda u, t, b: moves.set_grade(
            u, t, reason=b.reason, level=b.level, grade_class=b.grade_class
        ),
        after="escalate",
    )
