"""A killed worker: its messages fall free when their 60-second lease runs out and the next run
is booked for that moment; the worker started in its place sends what is due at once; a live
worker renews the lease of its batch; a task row the killed worker left RUNNING is marked
failed."""

import os
from datetime import timedelta

from django_tasks_db.models import DBTaskResult, get_date_max

from propdesk.core import clock
from propdesk.core.worker import fail_dead_task_rows, start_steps
from propdesk.notify import delivery, services
from propdesk.notify.choices import Event, State
from propdesk.notify.delivery import _renew
from propdesk.notify.models import OutboxMessage
from propdesk.notify.tasks import deliver_outbox

from .helpers import ticket_with_empty_outbox


def _queue(world, now, n=2):
    ticket = ticket_with_empty_outbox(world, now)
    for i in range(n):
        services.queue(Event.TICKET_RESOLVED, [ticket.resident], key=f"r{i}", now=now)
    return list(OutboxMessage.objects.order_by("pk"))


def test_a_stranded_message_goes_out_about_a_minute_later(world, now):
    stranded, _ = _queue(world, now)
    OutboxMessage.objects.filter(pk=stranded.pk).update(state=State.SENDING, claimed_at=now)

    assert services.next_recovery_at(now=now) == now + timedelta(seconds=61)
    assert services.deliver_due(now=now + timedelta(seconds=59)).recovered == 0
    result = services.deliver_due(now=now + timedelta(seconds=61))

    assert (result.recovered, result.sent) == (1, 1)
    stranded.refresh_from_db()
    assert stranded.state == State.SENT


def test_the_run_after_a_lease_runs_out_is_booked_for_that_moment(world, now):
    stranded, _ = _queue(world, now)
    OutboxMessage.objects.filter(pk=stranded.pk).update(
        state=State.SENDING, claimed_at=now - timedelta(seconds=30)
    )
    DBTaskResult.objects.all().delete()

    services.ensure_delivery_booked(now=now, by=services.next_recovery_at(now=now))

    booked = DBTaskResult.objects.get(task_path=deliver_outbox.module_path)
    assert booked.run_after == now + timedelta(seconds=31)  # sooner than the poll's minute


def test_a_live_worker_renews_its_batch_and_skips_what_another_took_back(world, now):
    first, second = _queue(world, now)
    OutboxMessage.objects.update(state=State.SENDING, claimed_at=now)
    batch = list(OutboxMessage.objects.order_by("pk"))
    # Meanwhile the second one's lease ran out and another worker took it back.
    OutboxMessage.objects.filter(pk=second.pk).update(state=State.PENDING, claimed_at=None)

    assert _renew(batch, lambda: now + timedelta(seconds=10)) == set()  # too early to renew
    lost = _renew(batch, lambda: now + timedelta(seconds=25))

    assert lost == {second.pk}
    first.refresh_from_db()
    assert first.claimed_at == now + timedelta(seconds=25)
    assert batch[0].claimed_at == now + timedelta(seconds=25)


def test_a_task_row_left_running_by_a_killed_worker_is_marked_failed(world, now):
    DBTaskResult.objects.all().delete()
    deliver_outbox.enqueue()
    deliver_outbox.enqueue()
    deliver_outbox.enqueue()
    dead, alive, old = DBTaskResult.objects.order_by("enqueued_at", "id")
    import socket

    host = socket.gethostname()[:40]
    gone = 2**22 + 12345  # above the default pid_max: no such process
    DBTaskResult.objects.filter(id=dead.id).update(
        status="RUNNING", started_at=now, worker_ids=[f"{host}:{gone}:abcdefgh"]
    )
    DBTaskResult.objects.filter(id=alive.id).update(
        status="RUNNING", started_at=now, worker_ids=[f"{host}:{os.getpid()}:abcdefgh"]
    )
    DBTaskResult.objects.filter(id=old.id).update(
        status="RUNNING", started_at=now - timedelta(hours=7), worker_ids=["elsewhere:1:x"]
    )

    assert fail_dead_task_rows(now) == 2

    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert (statuses[dead.id], statuses[alive.id], statuses[old.id]) == (
        "FAILED",
        "RUNNING",
        "FAILED",
    )


def test_a_worker_started_after_a_kill_sends_what_is_due_now_and_books_the_recovery(world, now):
    # The killed worker had claimed the first message 20 s ago; the second was still waiting,
    # and the next periodic run is most of a minute away.
    stranded, _ = _queue(world, now)
    OutboxMessage.objects.filter(pk=stranded.pk).update(
        state=State.SENDING, claimed_at=now - timedelta(seconds=20)
    )
    DBTaskResult.objects.all().delete()
    services.ensure_delivery_booked(now=now - timedelta(seconds=5))

    [notify_start] = [s for s in start_steps() if s.name == "notify"]
    with clock.frozen(now):
        notify_start.step(True)

    runs = sorted(
        DBTaskResult.objects.filter(
            task_path=deliver_outbox.module_path, status="READY"
        ).values_list("run_after", flat=True)
    )
    # At once (django-tasks-db's "no run_after"), when the lease runs out, and the periodic run.
    assert runs == [
        now + timedelta(seconds=41),
        now + timedelta(seconds=55),
        get_date_max(),
    ]


def test_a_worker_starting_with_nothing_due_only_books_the_periodic_run(world, now):
    _queue(world, now)
    OutboxMessage.objects.update(state=State.SENT, sent_at=now)
    DBTaskResult.objects.all().delete()

    services.resume_delivery(now=now)

    [booked] = DBTaskResult.objects.filter(task_path=deliver_outbox.module_path)
    assert booked.run_after == now + services.poll_interval()


def test_a_recovered_message_goes_out_before_those_queued_after_it(world, now, monkeypatch):
    stranded, later = _queue(world, now)
    OutboxMessage.objects.filter(pk=stranded.pk).update(state=State.SENDING, claimed_at=now)
    # Queued while the stranded message's lease ran (a backlog behind it).
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(seconds=30))
    at = now + timedelta(seconds=61)

    assert services.recover_stuck(now=at) == 1

    stranded.refresh_from_db()
    assert (stranded.state, stranded.next_attempt_at) == (State.PENDING, now)
    monkeypatch.setattr(delivery, "CLAIM_BATCH", 1)
    assert [m.pk for m in delivery._claim(at, set())] == [stranded.pk]
