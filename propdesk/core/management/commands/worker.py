"""``propdesk worker``: reconcile the clocks, then run the background worker (timers, daily
reconcile, delivery, the monthly reports, the daily repair sampling). Run several on
PostgreSQL; they never take the same task (SKIP LOCKED)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from propdesk.core.worker import fail_dead_task_rows, start_steps, worker_id


class Command(BaseCommand):
    help = "Run the PropDesk background worker."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="poll every N seconds")
        parser.add_argument("--batch", action="store_true", help="exit when no task is ready")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--no-reconcile", action="store_true")

    def handle(self, *args, interval, batch, max_tasks, no_reconcile, **options):
        # Rows a killed worker left RUNNING are failed first (the outbox's delivery run repeats
        # this every minute); this worker's id names its host and process so that the next
        # one can tell when it is gone.
        lost = fail_dead_task_rows()
        if lost:
            self.stdout.write(f"{lost} task(s) of stopped workers marked failed")
        # The apps' start steps (core.worker): clocks reconciled and swept, delivery, reports
        # and the repair sampling booked.
        for start in start_steps():
            line = start.step(not no_reconcile)
            if line:
                self.stdout.write(line)
        worker_args = [
            "--interval",
            str(interval),
            "--queue-name",
            "*",
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            worker_id(),
        ]
        if batch:
            worker_args.append("--batch")
        if max_tasks is not None:
            worker_args += ["--max-tasks", str(max_tasks)]
        call_command("db_worker", *worker_args, verbosity=options["verbosity"])
