"""Background entry points: the timer that fires at a clock's warning or due moment."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def fire_clock(clock_id: int, moment: str, version: int) -> str:
    """Re-check the clock at its moment. Idempotent: safe to run twice, late, or stale."""
    return services.fire(clock_id, moment, version)


@task()
def reconcile_clocks() -> dict:
    """Daily repair of lost timers (also run when a worker starts)."""
    result = services.reconcile().as_dict()
    services.ensure_daily_reconcile()
    return result
