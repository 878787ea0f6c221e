"""The actions' clock in the worker: a sweep every few minutes, booked again after each run."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from propdesk.core import clock

#: Due times are ends of days and warnings their starts: a few minutes late is in time.
SWEEP_EVERY = timedelta(minutes=10)


@task()
def sweep_actions() -> dict:
    from .services.clock import sweep

    try:
        return sweep().as_dict()
    finally:
        ensure_booked()


def ensure_booked() -> None:
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.filter(
        task_path=sweep_actions.module_path, status="READY"
    ).exists():
        sweep_actions.using(run_after=clock.now() + SWEEP_EVERY).enqueue()
