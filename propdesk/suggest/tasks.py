"""The nightly retraining of every company's category model (issue 20 §3), booked by the worker
at start (``SuggestConfig.ready``) and by each run for the next night, as the other daily jobs
(callbacks' sampling, stats' reports) are."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from propdesk.core import clock

#: After the day's closures and before the morning's calls; clear of the 02:00 monthly reports.
RUN_AT_HOUR = 3


@task()
def retrain_category_models() -> int:
    """Train every company that has enough history; returns how many new versions."""
    from .training import train_all

    try:
        return sum(1 for _company, done in train_all() if done.model is not None)
    finally:
        ensure_booked()


def next_run(now: datetime) -> datetime:
    local = timezone.localtime(now)
    run = local.replace(hour=RUN_AT_HOUR, minute=0, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def ensure_booked(*, now: datetime | None = None) -> None:
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=retrain_category_models.module_path, status="READY"
    )
    if not waiting.exists():
        retrain_category_models.using(run_after=next_run(clock.resolve(now))).enqueue()
