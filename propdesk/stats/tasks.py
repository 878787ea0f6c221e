"""The monthly report's schedule: generated on the 3rd for the month before (SPEC §9)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from propdesk.core import clock

from . import reports


@task()
def generate_monthly_reports() -> int:
    """Write every report of the month before, then book the next run."""
    try:
        year, month = reports.month_before(timezone.localtime(clock.now()).date())
        return reports.generate_month(year, month)
    finally:
        ensure_booked()


def next_run(now: datetime) -> datetime:
    """02:00 on the next 3rd (today's, if it has not passed)."""
    local = timezone.localtime(now)
    run = local.replace(day=reports.GENERATE_ON, hour=2, minute=0, second=0, microsecond=0)
    if run <= local:
        run = (run.replace(day=1) + timedelta(days=32)).replace(day=reports.GENERATE_ON)
    return run


def ensure_booked(*, now: datetime | None = None) -> None:
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=generate_monthly_reports.module_path, status="READY"
    )
    if not waiting.exists():
        generate_monthly_reports.using(run_after=next_run(clock.resolve(now))).enqueue()
