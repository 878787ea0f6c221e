"""Who approves a compensation claim, by its assessed amount, along the chain (SPEC §8).

The seed says only that compensation is reported to the leaders for approval (涉及赔偿的由客户
服务部提交申请报告,报相关领导审批: seed 002 6.5.2 5)) and names no amounts; the defaults
below are what a new installation starts with, each a setting from the environment:

- up to ``CLAIM_MANAGER_LIMIT`` (2,000 yuan): the project manager;
- up to ``CLAIM_REGION_LIMIT`` (20,000 yuan): the project manager, then the region company;
- above: the project manager, the region company, then HQ customer service.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from .choices import ApprovalStep


def limits() -> tuple[Decimal, Decimal]:
    """The project manager's and the region's ceilings, in yuan."""
    return (
        Decimal(str(getattr(settings, "CLAIM_MANAGER_LIMIT", "2000"))),
        Decimal(str(getattr(settings, "CLAIM_REGION_LIMIT", "20000"))),
    )


def claim_steps(amount: Decimal) -> tuple[list[str], str]:
    """The steps the amount needs, in the chain's order, and why, as the approver reads it."""
    manager, region = limits()
    if amount <= manager:
        reason = _("赔偿 %(a)s 元,不超过 %(m)s 元:项目经理审批")
        return [ApprovalStep.PROJECT_MANAGER], reason % {"a": amount, "m": manager}
    if amount <= region:
        reason = _("赔偿 %(a)s 元,超过 %(m)s 元:项目经理、地区公司审批")
        return [ApprovalStep.PROJECT_MANAGER, ApprovalStep.REGION], reason % {
            "a": amount,
            "m": manager,
        }
    reason = _("赔偿 %(a)s 元,超过 %(r)s 元:项目经理、地区公司、总部审批")
    return [ApprovalStep.PROJECT_MANAGER, ApprovalStep.REGION, ApprovalStep.HQ], reason % {
        "a": amount,
        "r": region,
    }
