"""Two workers delivering at the same time on PostgreSQL take different messages: each one is
handed to its provider exactly once."""

import threading
import time

import pytest
from django.db import connection

from propdesk.notify import services
from propdesk.notify.choices import Channel, Event, State
from propdesk.notify.models import DeliveryAttempt, OutboxMessage

from .helpers import CountingProvider, ticket_with_empty_outbox


class SlowCountingProvider(CountingProvider):
    def send(self, message):
        time.sleep(0.002)  # long enough for the two workers to interleave
        return super().send(message)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_deliver_each_message_once(world, now, settings):
    settings.NOTIFY_PROVIDERS = {
        "in_app": "propdesk.notify.tests.test_workers.SlowCountingProvider"
    }
    CountingProvider.sent = []
    ticket = ticket_with_empty_outbox(world, now)
    services.queue_many(
        [
            services.Outgoing(
                event=Event.SLA_WARNING,
                recipients=[world.handler, world.supervisor],
                key=f"clock:{i}",
                ticket=ticket,
                context={"clock": "handle", "due_at": now},
                channels=[Channel.IN_APP],
            )
            for i in range(80)
        ],
        now=now,
    )
    start = threading.Barrier(2, timeout=10)
    results, errors = [], []

    def worker() -> None:
        try:
            start.wait()
            results.append(services.deliver_due(now=now))
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(r.sent for r in results) == 160
    assert sorted(CountingProvider.sent) == sorted(
        OutboxMessage.objects.values_list("pk", flat=True)
    )
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {(State.SENT, 1)}
    assert DeliveryAttempt.objects.count() == 160
