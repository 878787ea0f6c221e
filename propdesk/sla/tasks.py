"""Background entry points: clock timers and the periodic sweeps (thin wrappers)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def fire_clock(clock_id: int, moment: str, version: int) -> str:
    """Re-check the clock at its moment. Idempotent: safe to run twice, late, or stale."""
    return services.fire(clock_id, moment, version)


@task()
def regrade_group(ticket_id: int, at: str) -> int:
    """Raise the grades of a new request's same-kind group (SPEC §5)."""
    from datetime import datetime

    from .grades import regrade_group as regrade

    return regrade(ticket_id, datetime.fromisoformat(at))


@task()
def escalate_breaches(ticket_id: int, at: str) -> bool:
    """A breach escalates its request one level (SPEC §5), in its own transaction."""
    from datetime import datetime

    from .escalation import escalate_breaches as escalate

    return escalate(ticket_id, datetime.fromisoformat(at))


@task()
def sweep_clocks() -> dict:
    """Every few minutes: warnings and breaches whose moment passed without their timer."""
    try:
        return services.sweep().as_dict()
    finally:
        services.ensure_periodic()  # booked even when the sweep failed


@task()
def reconcile_clocks() -> dict:
    """Daily repair of lost timers (also run when a worker starts)."""
    try:
        return services.reconcile().as_dict()
    finally:
        services.ensure_periodic()


@task()
def replan_clocks(since: str) -> int:
    """After a calendar change: the open clocks over the changed days, on the new calendar."""
    from datetime import date

    from propdesk.worktime.services import clear_cache

    from .replan import replan_after_calendar_change

    clear_cache()  # this worker may hold the calendar as it was for minutes yet
    return replan_after_calendar_change(date.fromisoformat(since))


@task()
def replan_from_receipt() -> int:
    """Once, after migration sla 0011: the running clocks that counted from registration,
    counted from receipt (SPEC §5), each move an event on its ticket."""
    from .replan import replan_from_receipt as replan

    return replan()


@task()
def start_follow_ups() -> int:
    """Once, after migration sla 0014: the open complaints accepted before the follow-up clock
    existed get theirs (SPEC §4)."""
    from .follow_up import start_missing

    return start_missing()
