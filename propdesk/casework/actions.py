"""The plan move of the ticket page and of ``POST /tickets/{number}/actions/submit_plan``: the
text and, when money is offered, the amount; casework's submit replaces tickets' own so that
every plan gets its version and its approvers (registered from ``CaseworkConfig.ready``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field

from propdesk.tickets.actions import register_action
from propdesk.tickets.moves import FormField, MoveForms, add_move_form


class PlanSubmitIn(Schema):
    plan: str = Field(description="the handling plan (处理方案)")
    amount: Decimal | str | None = Field(
        None, description="compensation offered to the resident, in yuan (two decimals)"
    )


def _plan_form(forms: MoveForms) -> list[FormField]:
    return [
        FormField("plan", _("处理方案"), "textarea", True),
        FormField(
            "amount", _("补偿金额(元)"), "text", False,
            help=_("涉及补偿时填写;金额决定审批人(项目经理,超过限额报地区公司)"),
        ),
    ]  # fmt: skip


def _submit(user, ticket, body: PlanSubmitIn):
    from . import services

    services.submit_plan(user, ticket, text=body.plan, amount=body.amount)
    return ticket


def register() -> None:
    register_action("submit_plan", PlanSubmitIn, _submit, after="set_grade")
    add_move_form("submit_plan", _plan_form, after="resume")
