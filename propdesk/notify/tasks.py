"""Background entry point: deliver the outbox (a thin wrapper over the services)."""

from __future__ import annotations

from django_tasks import task

from propdesk.core.worker import fail_dead_task_rows

from . import services


@task()
def deliver_outbox() -> dict:
    """Send every message that is due, then make sure the next run is booked.

    Runs at once after a transaction queued messages (a "kick") and every poll interval for
    retries; several may run side by side, each taking different messages.
    """
    try:
        # The one task that runs every minute also frees the task rows of killed workers.
        fail_dead_task_rows()
        return services.deliver_due().as_dict()
    finally:
        # Booked even when this run failed; sooner when another worker's lease runs out first.
        services.ensure_delivery_booked(by=services.next_recovery_at())
