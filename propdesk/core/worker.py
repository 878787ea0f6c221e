"""What ``propdesk worker`` does before it starts taking tasks, contributed by each app from its
``AppConfig.ready()`` so that core names no domain: the SLA domain reconciles its clocks and
books its sweeps, notify books delivery, stats the monthly reports, callbacks the daily repair
sampling. Each step is idempotent: several workers may start at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: ``step(reconcile)`` does its part and returns a line for the terminal, or None.
#: ``reconcile`` is False under ``--no-reconcile`` (skip the slow catch-up, book only).
Step = Callable[[bool], "str | None"]


@dataclass(frozen=True)
class StartStep:
    order: int
    name: str
    step: Step


_steps: dict[str, StartStep] = {}


def on_start(name: str, step: Step, *, order: int) -> None:
    _steps[name] = StartStep(order, name, step)


def start_steps() -> list[StartStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


# --- task rows left running by a worker that was killed ----------------------------------
#
# django-tasks-db marks a task RUNNING when a worker takes it and FAILED or SUCCESSFUL when it
# ends; a worker killed in between (SIGKILL, the machine lost) leaves the row RUNNING for ever.
# ``propdesk worker`` names itself host:pid:random, so a worker on the same host can tell that
# the process holding a row is gone; a row of another host is taken as dead after
# TASK_RUNNING_LIMIT. The work itself is not lost: every task is re-runnable and its next run
# is booked by the domain (the outbox's delivery, the clocks' sweep and reconcile).

DEAD_WORKER = "worker stopped while running the task (killed); marked failed"


def worker_id() -> str:
    """This process's worker id for ``db_worker --worker-id`` (at most 64 characters)."""
    import os
    import socket

    from django.utils.crypto import get_random_string

    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _process_gone(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def _dead(worker_ids: list[str], host: str, started_at, limit) -> bool:
    last = worker_ids[-1] if worker_ids else ""
    parts = last.split(":")
    if len(parts) == 3 and parts[0] == host and parts[1].isdigit():
        return _process_gone(int(parts[1]))
    return started_at is not None and started_at < limit


def fail_dead_task_rows(now=None) -> int:
    """Mark FAILED the task rows left RUNNING by a worker that is gone: one on this host whose
    process no longer exists, or any started more than ``TASK_RUNNING_LIMIT`` seconds ago
    (default 6 hours). Returns how many; safe to run from several workers at once."""
    import socket
    from datetime import timedelta

    from django.conf import settings
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from . import clock

    at = clock.resolve(now)
    limit = at - timedelta(seconds=int(getattr(settings, "TASK_RUNNING_LIMIT", 6 * 3600)))
    host = socket.gethostname()[:40]
    with transaction.atomic():
        running = list(
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status="RUNNING")
            .only("id", "worker_ids", "started_at")[:1000]
        )
        dead = [r.id for r in running if _dead(r.worker_ids, host, r.started_at, limit)]
        if dead:
            DBTaskResult.objects.filter(id__in=dead, status="RUNNING").update(
                status="FAILED",
                finished_at=at,
                exception_class_path="propdesk.core.worker.WorkerLost",
                traceback=DEAD_WORKER,
            )
    return len(dead)
