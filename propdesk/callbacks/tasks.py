"""The daily repair sampling (SPEC §6): every morning each project's month of in-home repairs
is brought to the 30% callback target, without anyone having to press the button."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from propdesk.core import clock

logger = logging.getLogger(__name__)

#: Early enough that the day's callbacks are in the agents' queue when they start.
RUN_AT_HOUR = 7


def months_to_sample(today: date) -> list[date]:
    """This month, and the month before while its last repairs can still be sampled: a
    repair resolved on the 30th awaits its callback into the next month's first days."""
    this = today.replace(day=1)
    before = (this - timedelta(days=1)).replace(day=1)
    return [before, this] if today.day <= 7 else [this]


def sample_all(*, now: datetime | None = None) -> int:
    """Book the missing sample callbacks of every active project; returns how many."""
    from propdesk.org.models import Project

    from .services import propose_repair_samples

    at = clock.resolve(now)
    months = months_to_sample(timezone.localtime(at).date())
    booked = 0
    for project in Project.objects.filter(is_active=True).order_by("pk"):
        for month in months:
            try:
                with transaction.atomic():
                    booked += len(propose_repair_samples(project, month, now=at))
            except IntegrityError:
                # Someone booked one of these repairs at the same moment (the console's
                # button, another worker): that project's month is left for tomorrow's run,
                # the other projects go on.
                logger.warning("repair sampling of %s %s met a concurrent booking", project, month)
    return booked


@task()
def sample_repairs() -> int:
    """Once a day: the sampling, then the next day's run booked."""
    try:
        return sample_all()
    finally:
        ensure_booked()


def next_run(now: datetime) -> datetime:
    local = timezone.localtime(now)
    run = local.replace(hour=RUN_AT_HOUR, minute=0, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def ensure_booked(*, now: datetime | None = None) -> None:
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=sample_repairs.module_path, status="READY")
    if not waiting.exists():
        sample_repairs.using(run_after=next_run(clock.resolve(now))).enqueue()
