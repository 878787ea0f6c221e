"""The facts the grade rules read (SPEC §5). The grade itself is the SLA domain's: its rules
(``sla.grades``) and a manager's decision (``sla.moves.set_grade``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from propdesk.core.errors import InvalidInput

from ..choices import Litigation, MediaExposure
from ..models import Ticket

BOOLEAN_FACTS = {
    "government_referral",
    "major_accident",
    "serious_public_harm",
    "demands_return_or_compensation",
    "false_sales_information",
    "needs_outside_support",
    "is_repeat",
    "promise_unmet_raised_again",
    "economic_loss_our_fault",
}
GRADE_FACT_FIELDS = BOOLEAN_FACTS | {
    "complainant_count",
    "claimed_amount",
    "media_exposure",
    "litigation",
    "repeat_of",
}


def clean_fact(ticket: Ticket, name: str, value: Any) -> Any:
    """The value to store for a grade fact, or InvalidInput naming the field."""
    if name in BOOLEAN_FACTS:
        if not isinstance(value, bool):
            raise InvalidInput(_("须为是或否"), field=name)
        return value
    if name == "complainant_count":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidInput(_("投诉人数须为正整数"), field=name)
        return value
    if name == "claimed_amount":
        if value in (None, ""):
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise InvalidInput(_("索赔金额须为数字"), field=name) from None
        # The bound first: quantize fails on 1e30 (past the context's 28 digits), a 500.
        if not amount.is_finite() or not 0 <= amount < 10**12:
            raise InvalidInput(_("索赔金额须为不超过两位小数的非负金额"), field=name)
        if amount != amount.quantize(Decimal("0.01")):
            raise InvalidInput(_("索赔金额须为不超过两位小数的非负金额"), field=name)
        return amount
    if name == "media_exposure":
        if value not in MediaExposure.values:
            raise InvalidInput(_("媒体曝光须为:%(o)s") % {"o": ", ".join(MediaExposure.values)},
                               field=name)  # fmt: skip
        return value
    if name == "litigation":
        if value not in Litigation.values:
            raise InvalidInput(_("诉讼须为:%(o)s") % {"o": ", ".join(Litigation.values)},
                               field=name)  # fmt: skip
        return value
    if name == "repeat_of":
        if value in (None, ""):
            return None
        original = Ticket.objects.filter(number=value, project_id=ticket.project_id).first()
        if original is None or original.pk == ticket.pk:
            raise InvalidInput(_("本项目没有编号为 %(n)s 的诉求") % {"n": value}, field=name)
        return original
    raise InvalidInput(_("字段不能修改:%(f)s") % {"f": name}, field=name)
