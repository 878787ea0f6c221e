"""The real worker against PostgreSQL: a breach is recorded within seconds of the due moment,
exactly once, with two workers running side by side."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from propdesk.sla.models import SlaClock
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import TicketEvent
from propdesk.tickets.tests.helpers import register


def _start_worker(database_url: str, tmp_path, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PROPDESK_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "worker-test",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "propdesk", "worker", "--interval", "0.2", "--no-reconcile"],
        env=env,
        stdout=(tmp_path / f"{name}.log").open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_record_a_breach_within_seconds_and_only_once(world, tmp_path):
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    # Registered 59 min 54 s ago: the one-hour dispatch clock falls due in six seconds.
    ticket = register(world, timezone.now() - timedelta(minutes=59, seconds=54))
    clock = SlaClock.objects.get(ticket=ticket, kind="dispatch")

    workers = [_start_worker(database_url, tmp_path, f"worker{i}") for i in (1, 2)]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if TicketEvent.objects.filter(
                ticket=ticket, kind=EventKind.SLA_BREACHED, data__clock_id=clock.pk
            ).exists():
                break
            time.sleep(0.2)
        time.sleep(2)  # give a second firing every chance to happen
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=15)

    # Only this clock's events: at some times of day another one-hour clock of the ticket (the
    # first reply, counted in working hours) falls due in the same minute.
    breaches = list(
        TicketEvent.objects.filter(
            ticket=ticket, kind=EventKind.SLA_BREACHED, data__clock_id=clock.pk
        )
    )
    logs = "\n".join((tmp_path / f"worker{i}.log").read_text() for i in (1, 2))
    assert len(breaches) == 1, logs
    assert breaches[0].data["clock"] == "dispatch"
    assert timedelta(0) <= breaches[0].at - clock.due_at < timedelta(seconds=5)
    warnings = TicketEvent.objects.filter(
        ticket=ticket, kind=EventKind.SLA_WARNING, data__clock_id=clock.pk
    )
    assert warnings.count() == 1
    clock.refresh_from_db()
    assert clock.state == "breached"
