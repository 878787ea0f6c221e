"""Who must approve a handling plan (issue 21, SPEC §4–§5), by default:

- 一级/二级, 重大/热点, or any compensation → the project manager;
- compensation over ``PLAN_REGION_AMOUNT`` yuan → the region company as well;
- 重大/热点 → reviewed by HQ customer service as well.

The steps run in the chain's order (project manager → region → HQ). A plan no rule touches
needs no approval: it is approved as it is submitted, and that is recorded.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from propdesk.tickets.choices import GradeClass, GradeLevel
from propdesk.tickets.models import Ticket

from .choices import ApprovalStep

CHAIN = (ApprovalStep.PROJECT_MANAGER, ApprovalStep.REGION, ApprovalStep.HQ)


def region_amount() -> Decimal:
    return Decimal(str(getattr(settings, "PLAN_REGION_AMOUNT", "5000")))


def approval_steps(ticket: Ticket, amount: Decimal | None) -> tuple[list[str], list[str]]:
    """The steps this plan needs, in order, and the reason of each rule that applied."""
    needed: set[str] = set()
    reasons: list[str] = []
    if ticket.grade_level in (GradeLevel.LEVEL_1, GradeLevel.LEVEL_2):
        needed.add(ApprovalStep.PROJECT_MANAGER)
        reasons.append(_("%(g)s投诉") % {"g": GradeLevel(ticket.grade_level).label})
    if ticket.grade_class in (GradeClass.MAJOR, GradeClass.HOT):
        needed |= {ApprovalStep.PROJECT_MANAGER, ApprovalStep.HQ}
        reasons.append(_("%(c)s投诉,需总部客服审核") % {"c": GradeClass(ticket.grade_class).label})
    if amount:
        needed.add(ApprovalStep.PROJECT_MANAGER)
        reasons.append(_("涉及补偿 %(a)s 元") % {"a": amount})
        if amount > region_amount():
            needed.add(ApprovalStep.REGION)
            reasons.append(_("补偿超过 %(limit)s 元,需地区公司审批") % {"limit": region_amount()})
    return [step for step in CHAIN if step in needed], reasons
