"""The facts the grade rules read, and the manual grade decision (SPEC §5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput
from propdesk.org.models import User

from ..choices import GradeClass, GradeLevel, Litigation, MediaExposure
from ..models import Ticket
from .guards import check_move, lock_ticket, require_text

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


@transaction.atomic
def set_grade(
    actor: User,
    ticket: Ticket,
    *,
    reason: str,
    level: str | None = None,
    grade_class: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A manager's decision on the grade, up or down, with the reason recorded (the rules only
    ever raise it)."""
    from propdesk.sla.grades import change_grade
    from propdesk.sla.models import GradeScale

    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "set_grade")
    reason = require_text(reason, "reason", _("调整等级的原因"))
    if level is None and grade_class is None:
        raise InvalidInput(_("请选择等级或重要程度"), field="level")
    if level is not None and level not in GradeLevel.values:
        raise InvalidInput(_("等级须为 1–4"), field="level")
    if grade_class is not None and grade_class not in GradeClass.values:
        raise InvalidInput(
            _("重要程度须为:%(o)s") % {"o": ", ".join(GradeClass.values)}, field="grade_class"
        )
    at = clock.resolve(now)
    label = _("人工调整:%(who)s") % {"who": actor}
    if level is not None and level != ticket.grade_level:
        change_grade(ticket, GradeScale.LEVEL, level, label, at, actor=actor, manual=True,
                     note=reason)  # fmt: skip
    if grade_class is not None and grade_class != ticket.grade_class:
        change_grade(ticket, GradeScale.CLASS, grade_class, label, at, actor=actor,
                     manual=True, note=reason)  # fmt: skip
    return ticket


@transaction.atomic
def escalate_by_hand(
    actor: User, ticket: Ticket, *, reason: str, now: datetime | None = None
) -> Ticket:
    """An agent escalates one level by hand: a very emotional or key customer (SPEC §5)."""
    from propdesk.sla.escalation import escalate

    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "escalate")
    reason = require_text(reason, "reason", _("升级原因"))
    if not escalate(
        ticket, to_level=ticket.escalation_level + 1, trigger="manual",
        at=clock.resolve(now), reason=reason, actor=actor,
    ):  # fmt: skip
        raise InvalidInput(_("已升级到最高层级"), field="reason")
    return ticket
