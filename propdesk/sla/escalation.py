"""Level-by-level escalation (逐级升级, SPEC §5): handler → supervisor → project manager →
region → HQ. A breach escalates one level, staying breached escalates again every configured
span, every reopen from the threshold on escalates, grades 一级/二级 go to the project manager at
once with region and HQ told, and an agent may escalate by hand. Each step is an event and
tells the people at the new level; meeting the breached clock ends a breach's escalation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from propdesk.core.cache import TtlCache
from propdesk.org.choices import Role
from propdesk.org.models import User
from propdesk.org.services import staff_in_roles
from propdesk.tickets.choices import TERMINAL_STATUSES, EventKind
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.services import system as ticket_system

from .choices import ClockState
from .models import EscalationLevel, EscalationPolicy, SlaClock

ROLE_AT = {
    EscalationLevel.SUPERVISOR: Role.SUPERVISOR,
    EscalationLevel.PROJECT_MANAGER: Role.PROJECT_MANAGER,
    EscalationLevel.REGION: Role.REGION,
    EscalationLevel.HQ: Role.HQ,
}


@dataclass(frozen=True)
class Policy:
    breach_hold_hours: int = 24
    reopen_threshold: int = 1
    grade_levels_at_once: tuple[str, ...] = ("1", "2")
    grade_classes_at_once: tuple[str, ...] = ("major", "hot", "important")
    top_level: int = EscalationLevel.HQ


def _listed(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def _specificity(p: EscalationPolicy) -> tuple[bool, bool, int]:
    """A project's policy over its company's over the system's; of two alike, the newest (the
    same choice wherever a policy is looked up)."""
    return (p.project_id is not None, p.company_id is not None, p.pk)


#: Every escalation policy row: a handful, read on each registration that changes a grade.
#: Saving or deleting one clears this process's copy (apps.py); others see it within a minute.
_rows: TtlCache[list[EscalationPolicy]] = TtlCache(seconds=60)


def clear_cache() -> None:
    _rows.clear()


def _choose(rows: Iterable[EscalationPolicy], project_id: int, company_id: int) -> Policy:
    fits = [
        p for p in rows
        if p.project_id == project_id
        or (p.project_id is None and p.company_id in (company_id, None))
    ]  # fmt: skip
    return _policy(max(fits, key=_specificity, default=None))


def policy_for(ticket: Ticket) -> Policy:
    rows = _rows.get(None, lambda: list(EscalationPolicy.objects.all()))
    return _choose(rows, ticket.project_id, ticket.company_id)


def _policy(best: EscalationPolicy | None) -> Policy:
    if best is None:
        return Policy()
    return Policy(
        breach_hold_hours=best.breach_hold_hours,
        reopen_threshold=best.reopen_threshold,
        grade_levels_at_once=_listed(best.grade_levels_at_once),
        grade_classes_at_once=_listed(best.grade_classes_at_once),
        top_level=best.top_level,
    )


def people_at(ticket: Ticket, level: int) -> list[User]:
    """The staff at one level of the ticket's organisation path."""
    return people_at_levels(ticket, (level,))


def people_at_levels(ticket: Ticket, levels: Iterable[int]) -> list[User]:
    """The staff at these levels, in one query: each level's people in id order, level after
    level as given, everyone once. Each level has its own role, so a person's role says
    which level they were found at."""
    roles = [ROLE_AT[EscalationLevel(level)] for level in levels if level in ROLE_AT]
    return staff_in_roles(ticket, roles)


def escalate(
    ticket: Ticket,
    *,
    to_level: int,
    trigger: str,
    at: datetime,
    reason: str = "",
    actor: User | None = None,
    also_tell: tuple[int, ...] = (),
    due_at: datetime | None = None,
    policy: Policy | None = None,
) -> bool:
    """Raise the ticket (locked by the caller) to ``to_level`` if higher; one event; the people
    at the new level (and at ``also_tell`` levels) are notified. ``policy``: the ticket's
    escalation policy when the caller has already read it."""
    level = escalation_target(ticket, to_level, policy or policy_for(ticket))
    if level is None:
        return False
    before = ticket.escalation_level
    ticket_system.set_escalation_level(ticket, level)
    ticket_system.add_events(
        [escalated_event(ticket, before, level, trigger=trigger, at=at, reason=reason,
                         actor=actor)]
    )  # fmt: skip
    tell_escalation(ticket, level, trigger=trigger, at=at, reason=reason, also_tell=also_tell,
                    due_at=due_at)  # fmt: skip
    return True


# escalate() in its three parts, for a caller that writes the ticket and its events itself
# (grades.change_grades: one UPDATE and one INSERT for grades and escalation together).


def escalation_target(ticket: Ticket, to_level: int, policy: Policy) -> int | None:
    """The level ``to_level`` puts the ticket at (never above the policy's top), or None when
    that is not above where it is."""
    level = min(to_level, policy.top_level)
    return level if level > ticket.escalation_level else None


def escalated_event(
    ticket: Ticket,
    before: int,
    level: int,
    *,
    trigger: str,
    at: datetime,
    reason: str = "",
    actor: User | None = None,
) -> TicketEvent:
    """The ``escalated`` event, not yet written."""
    return ticket_system.event(
        EventKind.ESCALATED, at, ticket=ticket, actor=actor, note=reason,
        data={"from": before, "to": level, "trigger": trigger},
    )  # fmt: skip


def tell_escalation(
    ticket: Ticket,
    level: int,
    *,
    trigger: str,
    at: datetime,
    reason: str = "",
    also_tell: tuple[int, ...] = (),
    due_at: datetime | None = None,
) -> None:
    """Queue the news for the people at the new level and at the ``also_tell`` levels."""
    from propdesk.notify.services import Outgoing, queue_many

    people = people_at_levels(ticket, (level, *also_tell))
    queue_many(
        [
            Outgoing(
                "escalated", people, key=f"ticket:{ticket.pk}:level:{level}:{trigger}",
                ticket=ticket,
                context={"level": level, "reason": reason or trigger, "due_at": due_at},
                # Nobody reads the count of new messages: the insert alone keeps them once.
                look_up=False,
            )
        ],
        now=at,
    )  # fmt: skip


def breach_level(ticket: Ticket, at: datetime, policy: Policy) -> tuple[int, SlaClock | None]:
    """The level the ticket's open breaches call for: one level at the breach, one more for
    each further span it stays breached."""
    hold = max(1, policy.breach_hold_hours) * 3600
    best, cause = 0, None
    for clock in SlaClock.objects.filter(
        ticket=ticket, state=ClockState.BREACHED, met_at__isnull=True
    ):
        held = (at - clock.breached_at).total_seconds() if clock.breached_at else 0
        level = 1 + int(max(0, held) // hold)
        if level > best:
            best, cause = level, clock
    return best, cause


def escalate_breaches(ticket_id: int, at: datetime) -> bool:
    """Bring one ticket to the level its breaches call for (idempotent)."""
    from django.db import transaction

    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",), no_key=True)
            .select_related("project")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None or ticket.status in TERMINAL_STATUSES:
            return False
        policy = policy_for(ticket)
        level, clock = breach_level(ticket, at, policy)
        if clock is None:
            return False
        return escalate(
            ticket, to_level=level, trigger="breach", at=at, due_at=clock.due_at,
            reason=str(clock.get_kind_display()), policy=policy,
        )  # fmt: skip


def held_breach_sweep(at: datetime) -> int:
    """Every open ticket with an unmet breach is brought to its level (the periodic sweep).

    One grouped query reads each such ticket's level and earliest unmet breach; only the
    tickets whose breaches now call for a higher level are locked and escalated, so a sweep
    over thousands of long-breached tickets already at their level costs one query."""
    from django.db.models import Min
    from django.db.models.functions import Coalesce

    rows = (
        SlaClock.objects.filter(state=ClockState.BREACHED, met_at__isnull=True)
        .exclude(ticket__status__in=list(TERMINAL_STATUSES))
        .values("ticket_id", "ticket__project_id", "ticket__company_id", "ticket__escalation_level")
        # due_at is never after breached_at: a breach not yet stamped is read as early, so
        # this filter may let through a ticket with nothing to do, never hold one back.
        .annotate(first_breach=Min(Coalesce("breached_at", "due_at")))
        .order_by("ticket_id")
    )
    policies = _policies()
    due = []
    for row in rows:
        policy = policies(row["ticket__project_id"], row["ticket__company_id"])
        hold = max(1, policy.breach_hold_hours) * 3600
        held = max(0.0, (at - row["first_breach"]).total_seconds())
        if min(1 + int(held // hold), policy.top_level) > row["ticket__escalation_level"]:
            due.append(row["ticket_id"])
    return sum(escalate_breaches(pk, at) for pk in due)


def _policies():
    """``policy_for`` over every policy row read once: (project, company) → Policy."""
    rows = list(EscalationPolicy.objects.all())
    cache: dict[tuple[int, int], Policy] = {}

    def lookup(project_id: int, company_id: int) -> Policy:
        key = (project_id, company_id)
        if key not in cache:
            cache[key] = _choose(rows, project_id, company_id)
        return cache[key]

    return lookup


def deescalate_if_settled(ticket: Ticket, at: datetime) -> None:
    """A breach put right ends its escalation, unless another breach, a reopen, a grade or a
    person put the ticket up the chain."""
    if ticket.escalation_level == 0:
        return
    if SlaClock.objects.filter(ticket=ticket, state=ClockState.BREACHED, met_at__isnull=True):
        return
    other_causes = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).exclude(
        data__trigger="breach"
    )
    if other_causes.exists():
        return
    before = ticket.escalation_level
    ticket_system.set_escalation_level(ticket, 0)
    ticket_system.add_event(
        EventKind.DEESCALATED, at, ticket=ticket, data={"from": before, "to": 0}
    )
