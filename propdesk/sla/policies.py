"""Choosing each clock's time limit for a ticket, and turning it into moments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from propdesk.core.cache import TtlCache
from propdesk.tickets.models import Ticket
from propdesk.worktime import arithmetic
from propdesk.worktime.arithmetic import WorkCalendar

from .choices import NATURAL_UNITS, ClockKind, ClockUnit
from .models import SlaPolicy

_rules: TtlCache[list[SlaPolicy]] = TtlCache(seconds=60)


def clear_cache() -> None:
    _rules.clear()


def _load_policies(company_id: int | None) -> list[SlaPolicy]:
    return list(
        SlaPolicy.objects.filter(is_active=True)
        .filter(Q(company__isnull=True) | Q(company_id=company_id))
        .select_related("category")
    )


def _policies(company_id: int | None) -> list[SlaPolicy]:
    """Active rules of the system and of this company, cached briefly per process."""
    return _rules.get(company_id, lambda: _load_policies(company_id))


def _matches(rule: SlaPolicy, ticket: Ticket) -> bool:
    if rule.project_id and rule.project_id != ticket.project_id:
        return False
    if rule.kind and rule.kind != ticket.kind:
        return False
    if rule.channel and rule.channel != ticket.channel:
        return False
    if rule.grade_level and rule.grade_level != ticket.grade_level:
        return False
    if rule.repair_scope and rule.repair_scope != ticket.repair_scope:
        return False
    if rule.only_long_disagreement and not ticket.long_disagreement:
        return False
    return not (
        rule.category_id
        and rule.category_id != ticket.category_id
        and rule.category_id != ticket.category.parent_id
    )


@dataclass(frozen=True)
class Limit:
    """The chosen rule (and any caps) for one clock of one ticket."""

    rule: SlaPolicy
    caps: tuple[SlaPolicy, ...] = ()


def limit_for(ticket: Ticket, clock: ClockKind) -> Limit | None:
    """The rule that sets this clock for this ticket, or None when no rule starts it."""
    matching = [r for r in _policies(ticket.company_id) if r.clock == clock and _matches(r, ticket)]
    regular = [r for r in matching if not r.is_cap]
    caps = tuple(r for r in matching if r.is_cap)
    if not regular and not caps:
        return None
    if not regular:
        return Limit(rule=caps[0], caps=caps[1:])
    # Scope first, so a company or project can override any system default (priority
    # included); then priority; then the rule naming more criteria.
    regular.sort(key=lambda r: (-r.scope_rank, -r.priority, -r.criteria_count, r.pk))
    return Limit(rule=regular[0], caps=caps)


def due_after(calendar: WorkCalendar, start: datetime, unit: str, amount: int) -> arithmetic.Due:
    if unit == ClockUnit.MINUTES:
        return arithmetic.add_natural(start, minutes=amount)
    if unit == ClockUnit.HOURS:
        return arithmetic.add_natural(start, minutes=amount * 60)
    if unit == ClockUnit.WORKING_MINUTES:
        return arithmetic.add_working_minutes(calendar, start, minutes=amount)
    if unit == ClockUnit.WORKING_HOURS:
        return arithmetic.add_working_minutes(calendar, start, minutes=amount * 60)
    if unit == ClockUnit.WORKING_DAYS:
        return arithmetic.add_working_days(calendar, start, days=amount)
    if unit == ClockUnit.SAME_DAY:
        return arithmetic.same_day(calendar, start)
    if unit == ClockUnit.CALENDAR_DAYS:
        return arithmetic.end_of_calendar_day(calendar, start, days=amount)
    if unit == ClockUnit.CALENDAR_MONTHS:
        return _end_of_calendar_month(calendar, start, amount)
    raise ValueError(f"no arithmetic for unit {unit!r}")


def _end_of_calendar_month(calendar: WorkCalendar, start: datetime, months: int) -> arithmetic.Due:
    """The close of working hours on the same date ``months`` calendar months later (the
    month's last day where that date does not exist), working day or not: a complaint in long
    disagreement is followed up "every month" (seed 002), a calendar month as SPEC §5 reads
    "one month"."""
    day = arithmetic.add_months(start, months, calendar.tz).date()
    return arithmetic.Due(datetime.combine(day, calendar.work_end, tzinfo=calendar.tz))


def minutes_between(calendar: WorkCalendar, unit: str, start: datetime, end: datetime) -> int:
    """Time from start to end in the clock's own minutes: natural, or working time."""
    if unit in NATURAL_UNITS:
        return max(0, int((end - start).total_seconds() // 60))
    return arithmetic.working_minutes_between(calendar, start, end)


def add_minutes(calendar: WorkCalendar, unit: str, start: datetime, minutes: int) -> datetime:
    if unit in NATURAL_UNITS:
        return start + timedelta(minutes=minutes)
    return arithmetic.add_working_minutes(calendar, start, minutes=minutes).at


@dataclass(frozen=True)
class Moments:
    due_at: datetime
    warn_at: datetime
    span_minutes: int
    warnings: tuple[str, ...]
    rule: SlaPolicy | None
    unit: str
    amount: int
    warning_percent: int


def moments_for(calendar: WorkCalendar, limit: Limit, start: datetime) -> Moments:
    """Due and warning moments of a clock started at ``start`` under ``limit``."""
    rule = limit.rule
    due = due_after(calendar, start, rule.unit, rule.amount)
    warnings = list(due.warnings)
    for cap in limit.caps:
        capped = due_after(calendar, start, cap.unit, cap.amount)
        warnings.extend(capped.warnings)
        if capped.at < due.at:
            due, rule = capped, cap
    return _with_warning(
        calendar,
        rule.unit,
        start,
        due.at,
        rule.warning_percent,
        rule,
        rule.amount,
        tuple(dict.fromkeys(warnings)),
    )


def fixed_moments(
    calendar: WorkCalendar, start: datetime, due_at: datetime, warning_percent: int = 80
) -> Moments:
    """A clock with an agreed moment rather than a rule (约定反馈, a work order's deadline)."""
    return _with_warning(calendar, ClockUnit.FIXED, start, due_at, warning_percent, None, 0, ())


def _with_warning(calendar, unit, start, due_at, percent, rule, amount, warnings) -> Moments:
    span = minutes_between(calendar, unit, start, due_at)
    warn_at = add_minutes(calendar, unit, start, span * percent // 100)
    return Moments(
        due_at=due_at,
        warn_at=min(warn_at, due_at),
        span_minutes=span,
        warnings=warnings,
        rule=rule,
        unit=unit,
        amount=amount,
        warning_percent=percent,
    )
