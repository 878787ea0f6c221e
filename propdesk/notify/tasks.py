"""Background entry point: deliver the outbox (a thin wrapper over the services)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def deliver_outbox() -> dict:
    """Send every message that is due, then make sure the next run is booked.

    Runs at once after a transaction queued messages (a "kick") and every poll interval for
    retries; several may run side by side, each taking different messages.
    """
    try:
        return services.deliver_due().as_dict()
    finally:
        services.ensure_delivery_booked()  # booked even when this run failed
