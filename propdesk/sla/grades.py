"""Grades (SPEC §5): facts on a request decide its 等级 (一级–四级) and its 重大/热点/重要/一般,
by two configurable rule tables read top-down. Grades go up automatically when a fact changes
(and in the periodic sweep); going down is a manual decision with a reason. Every change is a
``grade_changed`` event naming the rule — or the person — that caused it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.cache import TtlCache
from propdesk.org.models import User
from propdesk.tickets.choices import (
    WORKING_STATUSES,
    EventKind,
    GradeClass,
    GradeLevel,
    Kind,
    Nature,
)
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import system as ticket_system
from propdesk.worktime.arithmetic import add_months, full_months_between

from .models import GradeRule, GradeScale

#: The longest calendar month: an age rule of N months can only hold for requests received at
#: least N × 28 days ago (the sweep's filter is drawn from that, the rule itself is exact).
SHORTEST_MONTH_DAYS = 28
#: Severity order: a smaller rank is more severe.
LEVEL_RANK = {GradeLevel.LEVEL_1: 1, GradeLevel.LEVEL_2: 2, GradeLevel.LEVEL_3: 3,
              GradeLevel.LEVEL_4: 4}  # fmt: skip
CLASS_RANK = {GradeClass.MAJOR: 1, GradeClass.HOT: 2, GradeClass.IMPORTANT: 3,
              GradeClass.GENERAL: 4}  # fmt: skip

#: The facts a rule may test, and what they mean.
FACTS = {
    "kind": "request kind (complaint, repair …)",
    "complainant_count": "number of complainants",
    "claimed_amount": "amount claimed, yuan (0 when none)",
    "media_exposure": "none | risk | exposed | brand_damage",
    "litigation": "none | risk | filed",
    "government_referral": "referred by a government hotline or office",
    "major_accident": "major accident with injury, death or property loss",
    "serious_public_harm": "accused of seriously harming environment, facilities or morals",
    "demands_return_or_compensation": "quality/design/contract dispute demanding return or "
    "large compensation",
    "false_sales_information": "false information given in sales",
    "needs_outside_support": "needs outside advisers or another company's support",
    "is_repeat": "the same problem complained about again after it was handled",
    "promise_unmet_raised_again": "a promised or contracted service not delivered or clearly "
    "wrong, raised again and again without a fix (规程 4.4)",
    "economic_loss_our_fault": "our fault caused the customer a significant economic loss "
    "(规程 4.4)",
    "nature": "effective | assist | invalid | pending (effective: caused by our failure)",
    "same_kind_residents_30d": "different complainants of the project with a complaint of the "
    "same category within one calendar month up to this one (complaints only)",
    "days_unresolved_our_fault": "whole calendar days since receipt while unresolved through "
    "our fault",
    "months_unresolved_our_fault": "whole calendar months since receipt while unresolved "
    "through our fault (one month: the same date in the next month, or its last day)",
}
OPERATORS = {"==", "!=", ">=", ">", "<=", "<", "in"}

_tables: TtlCache[dict[str, list[GradeRule]]] = TtlCache(seconds=60)


def clear_cache() -> None:
    _tables.clear()


def validate_rule(rule: GradeRule) -> None:
    valid = GradeLevel.values if rule.scale == GradeScale.LEVEL else GradeClass.values
    if rule.result not in valid:
        raise ValidationError({"result": _("结果须为:%(v)s") % {"v": ", ".join(valid)}})
    if not isinstance(rule.conditions, list):
        raise ValidationError({"conditions": _("条件须为列表")})
    for condition in rule.conditions:
        if not isinstance(condition, dict) or set(condition) != {"fact", "op", "value"}:
            raise ValidationError({"conditions": _("每个条件须有 fact、op、value")})
        if condition["fact"] not in FACTS:
            raise ValidationError({"conditions": _("未知的事实“%(f)s”") % {"f": condition["fact"]}})
        if condition["op"] not in OPERATORS:
            raise ValidationError({"conditions": _("未知的比较“%(o)s”") % {"o": condition["op"]}})


def _rules(company_id: int | None) -> dict[str, list[GradeRule]]:
    return _tables.get(company_id, lambda: _load_tables(company_id))


def _load_tables(company_id: int | None) -> dict[str, list[GradeRule]]:
    rules = list(
        GradeRule.objects.filter(is_active=True).filter(
            Q(company__isnull=True) | Q(company_id=company_id)
        )
    )
    # A company's own table replaces the system one for that scale.
    tables: dict[str, list[GradeRule]] = {}
    for scale in GradeScale.values:
        own = [r for r in rules if r.scale == scale and r.company_id == company_id]
        system = [r for r in rules if r.scale == scale and r.company_id is None]
        tables[scale] = sorted(own if company_id and own else system,
                               key=lambda r: (r.order, r.pk))  # fmt: skip
    return tables


def _window_start(ticket: Ticket) -> datetime:
    """One calendar month back, from the local midnight of the same date (its last day where
    that date does not exist): a complaint of 31 March counts those from 28 February on."""
    month_ago = add_months(ticket.received_at, -1, timezone.get_current_timezone())
    return month_ago.replace(hour=0, minute=0, second=0, microsecond=0)


def same_kind_residents(ticket: Ticket) -> int:
    """Different complainants (residents, else contact phones) of the ticket's project with a
    complaint of the same category received within the month up to this one. Complaints only
    (SPEC §5): repairs, consultations, suggestions and praise never make a complaint 热点 or
    三级; withdrawn or merged requests do not count either."""
    if ticket.kind != Kind.COMPLAINT:
        return 0
    window = Ticket.objects.filter(
        project_id=ticket.project_id,
        category_id=ticket.category_id,
        kind=Kind.COMPLAINT,
        received_at__gte=_window_start(ticket),
        received_at__lte=ticket.received_at,
    ).exclude(status__in=["merged", "cancelled"])
    people = set()
    for resident_id, phone, pk in window.values_list("resident_id", "contact_phone", "pk"):
        people.add(("r", resident_id) if resident_id else ("p", phone) if phone else ("t", pk))
    return len(people)


def facts_of(ticket: Ticket, now: datetime) -> dict[str, Any]:
    unresolved_our_fault = ticket.status in WORKING_STATUSES and ticket.nature == Nature.EFFECTIVE
    return {
        "kind": ticket.kind,
        "complainant_count": ticket.complainant_count,
        "claimed_amount": ticket.claimed_amount or Decimal(0),
        "media_exposure": ticket.media_exposure,
        "litigation": ticket.litigation,
        "government_referral": ticket.government_referral,
        "major_accident": ticket.major_accident,
        "serious_public_harm": ticket.serious_public_harm,
        "demands_return_or_compensation": ticket.demands_return_or_compensation,
        "false_sales_information": ticket.false_sales_information,
        "needs_outside_support": ticket.needs_outside_support,
        "is_repeat": ticket.is_repeat or ticket.repeat_of_id is not None,
        "promise_unmet_raised_again": ticket.promise_unmet_raised_again,
        "economic_loss_our_fault": ticket.economic_loss_our_fault,
        "nature": ticket.nature,
        "same_kind_residents_30d": same_kind_residents(ticket),
        # Ages count from receipt, never from the typing in (SPEC §5).
        "days_unresolved_our_fault": (now - ticket.received_at).days if unresolved_our_fault else 0,
        "months_unresolved_our_fault": (
            full_months_between(ticket.received_at, now, timezone.get_current_timezone())
            if unresolved_our_fault
            else 0
        ),
    }


def _holds(condition: dict[str, Any], facts: dict[str, Any]) -> bool:
    left, op, right = facts[condition["fact"]], condition["op"], condition["value"]
    if isinstance(left, Decimal) and isinstance(right, int | float | str):
        right = Decimal(str(right))
    if op == "in":
        return left in right
    return {
        "==": left == right,
        "!=": left != right,
        ">=": left >= right,
        ">": left > right,
        "<=": left <= right,
        "<": left < right,
    }[op]


def decide(table: list[GradeRule], facts: dict[str, Any]) -> GradeRule | None:
    """The first rule of the table whose conditions all hold."""
    for rule in table:
        if all(_holds(c, facts) for c in rule.conditions):
            return rule
    return None


def change_grade(ticket: Ticket, scale: str, to: str, reason: str, at: datetime,
            actor=None, manual: bool = False, note: str = "") -> None:  # fmt: skip
    change_grades(ticket, [(scale, to, reason)], at, actor=actor, manual=manual, note=note)


def change_grades(
    ticket: Ticket,
    changes: list[tuple[str, str, str]],
    at: datetime,
    *,
    actor: User | None = None,
    manual: bool = False,
    note: str = "",
) -> None:
    """Set grades — ``(scale, to, reason)`` each — and the escalation a more severe grade calls
    for, in one UPDATE of the ticket and one INSERT of the events: per scale, its escalation
    (if it is the one that escalates) and its ``grade_changed`` event, in the order one
    change_grade() after another used to write them."""
    from .escalation import (
        EscalationLevel,
        escalated_event,
        escalation_target,
        policy_for,
        tell_escalation,
    )

    befores: list[str] = []
    fields: list[str] = []
    for scale, to, reason in changes:
        field = "grade_level" if scale == GradeScale.LEVEL else "grade_class"
        reason_field = "grade_reason" if scale == GradeScale.LEVEL else "grade_class_reason"
        befores.append(getattr(ticket, field))
        setattr(ticket, field, to)
        setattr(ticket, reason_field, reason[:200])
        fields += [field, reason_field]
    # Which scale escalates, if any: 一级/二级, and 重大/热点/重要 put the project manager on it
    # at once, region and HQ told (SPEC §5, seed 002 4.1.3). Once it is raised there, a second
    # scale finds nothing higher to raise it to.
    policy = None
    escalation: tuple[int, int, int, str] | None = None  # (change, from, to, reason)
    for i, ((scale, to, reason), before) in enumerate(zip(changes, befores, strict=True)):
        rank = LEVEL_RANK if scale == GradeScale.LEVEL else CLASS_RANK
        if escalation is not None or rank.get(to, 4) >= rank.get(before, 4):
            continue
        policy = policy or policy_for(ticket)  # read once for both scales
        at_once = (
            policy.grade_levels_at_once if scale == GradeScale.LEVEL
            else policy.grade_classes_at_once
        )  # fmt: skip
        level = escalation_target(ticket, EscalationLevel.PROJECT_MANAGER, policy)
        if to in at_once and level is not None:
            escalation = (i, ticket.escalation_level, level, reason)
            ticket.escalation_level = level
            fields.append("escalation_level")
    ticket_system.save_grades(ticket, fields)
    events = []
    for i, ((scale, to, reason), before) in enumerate(zip(changes, befores, strict=True)):
        if escalation is not None and escalation[0] == i:
            events.append(
                escalated_event(ticket, escalation[1], escalation[2], trigger="grade", at=at,
                                reason=reason)
            )  # fmt: skip
        events.append(
            ticket_system.event(
                EventKind.GRADE_CHANGED, at, ticket=ticket, actor=actor, note=note,
                data={"scale": scale, "from": before, "to": to, "rule": reason,
                      "manual": manual},
            )
        )  # fmt: skip
    ticket_system.add_events(events)
    if escalation is not None:
        tell_escalation(
            ticket, escalation[2], trigger="grade", at=at, reason=escalation[3],
            also_tell=(EscalationLevel.REGION, EscalationLevel.HQ),
        )  # fmt: skip


#: Comparisons on the age fact an age filter can be drawn from (at least N days). "==" is
#: not one: a rule true on one day only stops blocking the rules below it the day after.
_AT_LEAST = {">=": 0, ">": 1}
#: The age facts, and the fewest days one unit of each can be.
_AGE_FACTS = {"days_unresolved_our_fault": 1, "months_unresolved_our_fault": SHORTEST_MONTH_DAYS}


def age_rule_filter(at: datetime) -> Q | None:
    """The requests an age rule could grade higher at ``at``: old enough for the rule's
    ``days_unresolved_our_fault`` threshold and, on the rule's scale, below its result (every
    rule of every company counts: a wider filter, never a narrower one). None when no active
    rule reads the age; a condition on the age this cannot draw (below N days, exactly N, one
    of a list) gives every request at least a day old.

    The sweep is for what time alone changes. Every other fact changes with an event that
    re-grades the request then (registration, correction, a new member of its same-kind
    group), and a rule edited by an administrator applies to requests graded from then on."""
    found = Q()
    any_rule = False
    for rule in GradeRule.objects.filter(is_active=True):
        ages = [c for c in rule.conditions if c.get("fact") in _AGE_FACTS]
        if not ages:
            continue
        any_rule = True
        drawable = [c for c in ages if c.get("op") in _AT_LEAST and isinstance(c.get("value"), int)]
        if len(drawable) != len(ages):
            return Q(received_at__lte=at - timedelta(days=1))
        days = max((c["value"] + _AT_LEAST[c["op"]]) * _AGE_FACTS[c["fact"]] for c in drawable)
        field, rank = (
            ("grade_level", LEVEL_RANK)
            if rule.scale == GradeScale.LEVEL
            else ("grade_class", CLASS_RANK)
        )
        if rule.result not in rank:
            continue
        below = [g for g, r in rank.items() if r > rank[rule.result]]
        found |= Q(received_at__lte=at - timedelta(days=days), **{f"{field}__in": below})
    return found if any_rule else None


def evaluate(ticket: Ticket, at: datetime, *, group_size: int = 0) -> list[str]:
    """Apply both tables to the ticket; raise its grades where a rule says more severe.
    ``group_size`` is the size of a same-kind group the ticket is known to belong to (from a
    later member's window). Returns the scales that changed. Never lowers a grade."""
    facts = facts_of(ticket, at)
    facts["same_kind_residents_30d"] = max(facts["same_kind_residents_30d"], group_size)
    tables = _rules(ticket.company_id)
    changes = []
    for scale, field, rank in (
        (GradeScale.LEVEL, "grade_level", LEVEL_RANK),
        (GradeScale.CLASS, "grade_class", CLASS_RANK),
    ):
        rule = decide(tables[scale], facts)
        if rule is not None and rank[rule.result] < rank[getattr(ticket, field)]:
            changes.append((scale, rule.result, rule.name))
    if changes:
        # Both scales read the same facts, and nothing one change does moves the other's
        # decision: decided first, saved together.
        change_grades(ticket, changes, at)
    return [scale for scale, _to, _reason in changes]


def regrade_group(ticket_id: int, at: datetime) -> int:
    """After a request arrives (or is reclassified), the open requests of the same project and
    category in its month window are its group: when the group reaches the rule's size, each
    member's grade rises too (SPEC §5). Each member is locked and evaluated in its own short
    transaction, so no registration ever waits on another ticket's lock."""
    from django.db import transaction

    newcomer = Ticket.objects.filter(pk=ticket_id).first()
    if newcomer is None or newcomer.kind != Kind.COMPLAINT:
        return 0
    size = same_kind_residents(newcomer)
    peers = list(
        Ticket.objects.filter(
            project_id=newcomer.project_id,
            category_id=newcomer.category_id,
            received_at__gte=_window_start(newcomer),
            received_at__lte=newcomer.received_at,
            status__in=list(WORKING_STATUSES),
            kind=Kind.COMPLAINT,
        )
        .exclude(pk=newcomer.pk)
        .values_list("pk", flat=True)
        .order_by("pk")[:500]
    )
    changed = 0
    for pk in peers:
        with transaction.atomic():
            peer = Ticket.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)
            changed += bool(evaluate(peer, at, group_size=size))
    return changed
