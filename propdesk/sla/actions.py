"""The SLA domain's moves on a ticket, offered by the API's actions endpoint and the ticket
page's move forms (registered from ``SlaConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from propdesk.tickets import schemas
from propdesk.tickets.actions import register_action
from propdesk.tickets.choices import GradeClass, GradeLevel
from propdesk.tickets.moves import FormField, MoveForms, add_move_form, reason_fields

from . import moves


def _escalate_form(forms: MoveForms) -> list[FormField]:
    return [FormField("reason", _("升级原因(如情绪激动、重点客户)"), "textarea", True)]


def _set_grade_form(forms: MoveForms) -> list[FormField]:
    return [
        FormField("level", _("等级"), "select", False, [("", "—"), *GradeLevel.choices]),
        FormField("grade_class", _("重要程度"), "select", False, [("", "—"), *GradeClass.choices]),
        *reason_fields(),
    ]


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
    add_move_form("escalate", _escalate_form, after="submit_plan")
    add_move_form("set_grade", _set_grade_form, after="escalate")
