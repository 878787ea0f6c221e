"""Firing timers, sweeping and reconciling clocks: set-based, re-runnable, safe with several
workers (row locks with SKIP LOCKED, and a version on every timer)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from propdesk.core import clock as core_clock
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import TicketEvent
from propdesk.tickets.services import system as ticket_system

from . import engine
from .choices import ClockState
from .models import SlaClock
from .notices import clock_notices

if TYPE_CHECKING:
    from django_tasks.base import Task

BATCH = 2000
#: Finished timer rows are kept this long (to read what a worker did), then pruned.
KEEP_FINISHED_TIMERS = timedelta(days=7)
#: The safety-net sweep of overdue warnings and breaches runs this often.
SWEEP_EVERY = timedelta(minutes=5)


def fire(clock_id: int, moment: str, version: int, *, now: datetime | None = None) -> str:
    """What a timer does: under the clock's row lock, record the warning or the breach if the
    clock is still running at the version the timer was set for and the moment has come."""
    at = core_clock.resolve(now)
    with transaction.atomic():
        clock = SlaClock.objects.select_for_update().filter(pk=clock_id).first()
        if clock is None or clock.timer_version != version or clock.state != ClockState.RUNNING:
            return "stale"
        if moment == "warning":
            if clock.warned_at is not None:
                return "already warned"
            if at >= clock.due_at:
                return "too late to warn"  # the due timer records the breach itself
            if at < clock.warn_at:
                engine.schedule(clock)  # ran early (clock skew): set it again
                return "early"
            engine.warn(clock, at)
            return "warned"
        if at < clock.due_at:
            engine.schedule(clock)
            return "early"
        engine.breach(clock, at)
        return "breached"


@dataclass
class ReconcileResult:
    breached: int = 0
    warned: int = 0
    rescheduled: int = 0
    pruned: int = 0
    graded: int = 0
    escalated: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _events(clocks: list[SlaClock], kind: EventKind, at: datetime) -> list[TicketEvent]:
    return [
        ticket_system.event(
            kind,
            at,
            ticket=c.ticket_id,
            work_order_id=c.work_order_id,
            data={"clock": c.kind, "clock_id": c.pk, "due_at": c.due_at.isoformat()},
        )
        for c in clocks
    ]


_FIELDS = ("pk", "ticket_id", "work_order_id", "kind", "due_at", "warn_task_id", "due_task_id")


def breach_overdue(at: datetime) -> int:
    """Every running clock past its due moment is breached, in batches, one event each.

    Rows another transaction holds (a move, a timer) are skipped: that one settles them.
    """
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                SlaClock.objects.select_for_update(skip_locked=True)
                .filter(state=ClockState.RUNNING, due_at__lte=at)
                .only(*_FIELDS)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return total
            engine.drop_timers_of(batch)
            SlaClock.objects.filter(pk__in=[c.pk for c in batch]).update(
                state=ClockState.BREACHED,
                breached_at=F("due_at"),
                timer_version=F("timer_version") + 1,
                warn_task_id=None,
                due_task_id=None,
            )
            ticket_system.add_events(_events(batch, EventKind.SLA_BREACHED, at))
            clock_notices(batch, EventKind.SLA_BREACHED, at)
            engine.escalate_later([c.ticket_id for c in batch], at)
            total += len(batch)


def warn_due(at: datetime) -> int:
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                SlaClock.objects.select_for_update(skip_locked=True)
                .filter(state=ClockState.RUNNING, warned_at__isnull=True, warn_at__lte=at)
                .only(*_FIELDS)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return total
            from django_tasks_db.models import DBTaskResult

            warn_ids = [c.warn_task_id for c in batch if c.warn_task_id]
            DBTaskResult.objects.filter(id__in=warn_ids, status="READY").delete()
            SlaClock.objects.filter(pk__in=[c.pk for c in batch]).update(
                warned_at=at, warn_task_id=None
            )
            ticket_system.add_events(_events(batch, EventKind.SLA_WARNING, at))
            clock_notices(batch, EventKind.SLA_WARNING, at)
            total += len(batch)


def _reschedule_lost() -> int:
    """Running clocks whose due timer is no longer waiting get their timers again.

    One read-only anti-join finds them (no locks held while it scans); each batch is then
    locked (skipping rows a move or timer holds) and checked again before it is repaired.
    """
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY", id=OuterRef("due_task_id"))
    lost_ids = list(
        SlaClock.objects.filter(state=ClockState.RUNNING)
        .exclude(Exists(waiting))
        .values_list("pk", flat=True)
    )
    total = 0
    for start in range(0, len(lost_ids), BATCH):
        with transaction.atomic():
            lost = list(
                SlaClock.objects.select_for_update(skip_locked=True)
                .filter(pk__in=lost_ids[start : start + BATCH], state=ClockState.RUNNING)
                .exclude(Exists(waiting))
                .order_by("pk")
            )
            if lost:
                engine.schedule_many(lost)
                total += len(lost)
    return total


def prune_finished_timers(at: datetime) -> int:
    from django_tasks_db.models import DBTaskResult

    total = 0
    old = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=at - KEEP_FINISHED_TIMERS
    )
    while True:
        ids = list(old.values_list("id", flat=True)[:BATCH])
        if not ids:
            return total
        total += DBTaskResult.objects.filter(id__in=ids).delete()[0]


def grade_sweep(at: datetime) -> int:
    """Age-based grades (unresolved through our fault for a week, 15 days, a month): only
    open requests of our own fault that an age rule now grades above their grade are read
    (grades.age_rule_filter, in the query), in batches, each under its row lock."""

    from propdesk.tickets.choices import WORKING_STATUSES, Nature
    from propdesk.tickets.models import Ticket

    from .grades import age_rule_filter, evaluate

    due = age_rule_filter(at)
    if due is None:
        return 0  # no active rule grades by age
    candidates = (
        Ticket.objects.filter(status__in=list(WORKING_STATUSES), nature=Nature.EFFECTIVE)
        .filter(due)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    changed = 0
    last = 0
    while True:
        ids = list(candidates.filter(pk__gt=last)[:BATCH])
        if not ids:
            return changed
        last = ids[-1]
        with transaction.atomic():
            for ticket in (
                Ticket.objects.select_for_update(of=("self",), no_key=True, skip_locked=True)
                .filter(pk__in=ids)
                .order_by("pk")
            ):
                changed += bool(evaluate(ticket, at))


def sweep(*, now: datetime | None = None) -> ReconcileResult:
    """The cheap part, every few minutes: warnings and breaches whose moment has passed."""
    from .escalation import held_breach_sweep

    at = core_clock.resolve(now)
    result = ReconcileResult(breached=breach_overdue(at), warned=warn_due(at))
    result.escalated = held_breach_sweep(at)
    return result


def reconcile(*, now: datetime | None = None) -> ReconcileResult:
    """Repair every clock whose timer was lost: breaches and warnings whose moment has passed
    are recorded now (once), running clocks without a waiting timer get one, and finished
    timer rows older than a week are removed."""
    at = core_clock.resolve(now)
    result = sweep(now=at)
    result.rescheduled = _reschedule_lost()
    result.pruned = prune_finished_timers(at)
    result.graded = grade_sweep(at)
    return result


def _book(task: Task[[], Any], run_after: datetime) -> None:
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists():
        task.using(run_after=run_after).enqueue()


def ensure_periodic(*, now: datetime | None = None) -> None:
    """Keep the periodic work booked: a sweep within five minutes, a reconcile at 03:00."""
    from .tasks import reconcile_clocks, sweep_clocks

    at = core_clock.resolve(now)
    _book(sweep_clocks, at + SWEEP_EVERY)
    local = timezone.localtime(at)
    next_run = local.replace(hour=3, minute=0, second=0, microsecond=0)
    if next_run <= local:
        next_run += timedelta(days=1)
    _book(reconcile_clocks, next_run)
