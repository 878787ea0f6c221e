"""The moves on a ticket that the SLA domain owns: a manager's decision on the grade and an
agent's escalation by hand (SPEC §5). They lock and check the ticket through tickets.services
like any move; the grade and the escalation are written by this app's rules."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput
from propdesk.org.models import User
from propdesk.tickets.choices import GradeClass, GradeLevel
from propdesk.tickets.models import Ticket
from propdesk.tickets.services.guards import check_move, lock_ticket, require_text

from .escalation import escalate
from .grades import change_grade
from .models import GradeScale


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
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "escalate")
    reason = require_text(reason, "reason", _("升级原因"))
    if not escalate(
        ticket, to_level=ticket.escalation_level + 1, trigger="manual",
        at=clock.resolve(now), reason=reason, actor=actor,
    ):  # fmt: skip
        raise InvalidInput(_("已升级到最高层级"), field="reason")
    return ticket
