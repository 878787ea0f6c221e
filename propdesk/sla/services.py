"""Firing timers and reconciling clocks: set-based, re-runnable, safe with several workers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from propdesk.core import clock as core_clock
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import TicketEvent

from . import engine
from .choices import ClockState
from .models import SlaClock

BATCH = 2000


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
            if at < clock.warn_at:
                return "early"
            engine.warn(clock, at)
            return "warned"
        if at < clock.due_at:
            return "early"
        engine.breach(clock, at)
        return "breached"


@dataclass
class ReconcileResult:
    breached: int = 0
    warned: int = 0
    rescheduled: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _events(clocks: list[SlaClock], kind: EventKind, at: datetime) -> list[TicketEvent]:
    return [
        TicketEvent(
            ticket_id=c.ticket_id,
            kind=kind,
            at=at,
            work_order_id=c.work_order_id,
            data={"clock": c.kind, "clock_id": c.pk, "due_at": c.due_at.isoformat()},
        )
        for c in clocks
    ]


def _breach_overdue(at: datetime) -> int:
    """Every running clock past its due moment is breached, in batches, one event each."""
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                SlaClock.objects.select_for_update(skip_locked=True)
                .filter(state=ClockState.RUNNING, due_at__lte=at)
                .only(
                    "pk",
                    "ticket_id",
                    "work_order_id",
                    "kind",
                    "due_at",
                    "warn_task_id",
                    "due_task_id",
                )
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
            TicketEvent.objects.bulk_create(_events(batch, EventKind.SLA_BREACHED, at))
            total += len(batch)


def _warn_due(at: datetime) -> int:
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                SlaClock.objects.select_for_update(skip_locked=True)
                .filter(state=ClockState.RUNNING, warned_at__isnull=True, warn_at__lte=at)
                .only("pk", "ticket_id", "work_order_id", "kind", "due_at")
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return total
            SlaClock.objects.filter(pk__in=[c.pk for c in batch]).update(warned_at=at)
            TicketEvent.objects.bulk_create(_events(batch, EventKind.SLA_WARNING, at))
            total += len(batch)


def _reschedule_lost() -> int:
    """Running clocks whose due timer is no longer waiting get their timers again."""
    from django_tasks_db.models import DBTaskResult

    ready_ids = DBTaskResult.objects.filter(status="READY").values("id")
    lost = SlaClock.objects.filter(state=ClockState.RUNNING).exclude(
        Exists(ready_ids.filter(id=OuterRef("due_task_id")))
    )
    total = 0
    while True:
        with transaction.atomic():
            batch = list(lost.select_for_update(skip_locked=True).order_by("pk")[:BATCH])
            if not batch:
                return total
            engine.schedule_many(batch)
            total += len(batch)


def reconcile(*, now: datetime | None = None) -> ReconcileResult:
    """Repair every clock whose timer was lost: breaches and warnings whose moment has passed
    are recorded now (once), and running clocks without a waiting timer get one."""
    at = core_clock.resolve(now)
    result = ReconcileResult()
    result.breached = _breach_overdue(at)
    result.warned = _warn_due(at)
    result.rescheduled = _reschedule_lost()
    return result


def ensure_daily_reconcile(*, now: datetime | None = None) -> None:
    """Keep one reconcile waiting for the next 03:00 local time (each run books the next)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from .tasks import reconcile_clocks

    if DBTaskResult.objects.filter(task_path=reconcile_clocks.module_path, status="READY").exists():
        return
    local = timezone.localtime(core_clock.resolve(now))
    next_run = local.replace(hour=3, minute=0, second=0, microsecond=0)
    if next_run <= local:
        next_run += timedelta(days=1)
    reconcile_clocks.using(run_after=next_run).enqueue()
