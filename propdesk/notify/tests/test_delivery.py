"""Delivering the outbox: in-app list, retries with backoff, giving up without losing the row,
recovering a message a stopped worker left half-sent, the delivery task."""

import logging
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult, get_date_max

from propdesk.core.errors import NotFound
from propdesk.notify import inbox, services
from propdesk.notify.choices import Channel, Event, State
from propdesk.notify.delivery import INTERRUPTED, backoff
from propdesk.notify.models import DeliveryAttempt, Notification, OutboxMessage
from propdesk.notify.providers import InAppProvider
from propdesk.notify.tasks import deliver_outbox

from .helpers import ticket_with_empty_outbox

FAILING_SMS = {"sms": "propdesk.notify.tests.helpers.FailingProvider"}


def _assign(world, ticket, now, key="wo:1"):
    return services.queue(
        Event.WORK_ORDER_ASSIGNED,
        [world.handler],
        key=f"{ticket.pk}:{key}",
        ticket=ticket,
        context={"work_order": 1, "department": "工程部", "deadline": now + timedelta(hours=4)},
        now=now,
    )


def test_in_app_delivery_fills_the_users_list_and_counts_unread(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    _assign(world, ticket, now)
    _assign(world, ticket, now + timedelta(minutes=1), key="wo:2")

    result = services.deliver_due(now=now + timedelta(minutes=1))

    assert result.sent == 2
    listed = list(inbox.notifications_for(world.handler))
    assert [n.created_at for n in listed] == [now + timedelta(minutes=1)] * 2
    assert listed[0].pk > listed[1].pk  # newest first
    assert listed[0].title.startswith(f"新工单 {ticket.number}-1")
    assert listed[0].ticket == ticket
    assert inbox.unread_count(world.handler) == 2
    assert inbox.unread_count(world.supervisor) == 0

    with pytest.raises(NotFound) as not_theirs:
        inbox.mark_read(world.supervisor, [listed[0].pk])
    assert not_theirs.value.field == "ids"
    assert inbox.mark_read(world.handler, [listed[0].pk], now=now) == 1
    assert inbox.unread_count(world.handler) == 1
    assert [n.pk for n in inbox.notifications_for(world.handler, unread_only=True)] == [
        listed[1].pk
    ]
    assert inbox.mark_all_read(world.handler, now=now) == 1
    assert inbox.unread_count(world.handler) == 0

    message = OutboxMessage.objects.first()
    assert message.state == State.SENT
    assert message.attempts == 1
    assert message.sent_at == now + timedelta(minutes=1)
    assert message.provider_ref.startswith("notification:")
    assert list(message.delivery_attempts.values_list("ok", "provider")) == [(True, "in_app")]


def test_delivering_an_in_app_message_twice_adds_one_entry(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    _assign(world, ticket, now)
    message = OutboxMessage.objects.get()

    provider = InAppProvider(Channel.IN_APP)
    assert provider.send(message) == provider.send(message)

    assert Notification.objects.filter(user=world.handler).count() == 1


def test_nothing_is_sent_before_its_time_and_nothing_twice(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    _assign(world, ticket, now + timedelta(minutes=5))

    assert services.deliver_due(now=now).sent == 0
    assert services.deliver_due(now=now + timedelta(minutes=5)).sent == 1
    assert services.deliver_due(now=now + timedelta(hours=1)).sent == 0
    assert Notification.objects.count() == 1
    assert DeliveryAttempt.objects.count() == 1


def test_backoff_doubles_from_one_minute_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 4, 6, 7, 12, 50)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 32, 60, 60, 60)
    ]


def test_a_provider_that_is_down_gets_retries_with_backoff_then_gives_up_keeping_the_row(
    world, now, settings
):
    settings.NOTIFY_PROVIDERS = FAILING_SMS
    settings.NOTIFY_MAX_ATTEMPTS = 4
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(Event.TICKET_REGISTERED_RECEIPT, [ticket.resident], key="r", now=now)
    message = OutboxMessage.objects.get()

    at = now
    for attempt, wait in enumerate((1, 2, 4), start=1):
        assert services.deliver_due(now=at).retrying == 1
        message.refresh_from_db()
        assert (message.state, message.attempts) == (State.PENDING, attempt)
        assert message.next_attempt_at == at + timedelta(minutes=wait)
        assert "gateway unreachable" in message.last_error
        assert services.deliver_due(now=message.next_attempt_at - timedelta(seconds=1)) == (
            services.DeliveryResult()
        )
        at = message.next_attempt_at

    assert services.deliver_due(now=at).failed == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.FAILED, 4)
    attempts = list(message.delivery_attempts.order_by("at"))
    assert [(a.ok, a.provider) for a in attempts] == [(False, "failing")] * 4
    assert services.deliver_due(now=at + timedelta(days=1)) == services.DeliveryResult()

    # The gateway is back: an administrator retries, and it goes out.
    settings.NOTIFY_PROVIDERS = {}
    assert services.retry_now([message.pk], now=at + timedelta(days=1)) == 1
    assert services.deliver_due(now=at + timedelta(days=1)).sent == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 5)


def test_a_refused_address_is_given_up_at_once(world, now, settings):
    settings.NOTIFY_PROVIDERS = {"sms": "propdesk.notify.tests.helpers.RefusingProvider"}
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(Event.TICKET_RESOLVED, [ticket.resident], key="r", ticket=ticket, now=now)

    assert services.deliver_due(now=now).failed == 1

    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts) == (State.FAILED, 1)
    assert "number does not exist" in message.last_error


def test_a_dead_channel_is_left_alone_for_the_rest_of_a_run_while_others_go_out(
    world, now, settings
):
    settings.NOTIFY_PROVIDERS = FAILING_SMS
    ticket = ticket_with_empty_outbox(world, now)
    for i in range(5):
        services.queue(Event.TICKET_RESOLVED, [ticket.resident], key=f"r{i}", now=now)
    _assign(world, ticket, now)

    result = services.deliver_due(now=now)

    assert (result.retrying, result.deferred, result.sent) == (3, 2, 1)
    untouched = OutboxMessage.objects.filter(channel=Channel.SMS, attempts=0)
    assert untouched.count() == 2
    assert all(m.state == State.PENDING and m.next_attempt_at == now for m in untouched)
    assert DeliveryAttempt.objects.filter(ok=False).count() == 3


def test_a_message_left_sending_by_a_stopped_worker_is_recovered_and_sent_once(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    _assign(world, ticket, now)
    _assign(world, ticket, now, key="wo:2")
    stuck, busy = OutboxMessage.objects.order_by("pk")
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        state=State.SENDING, claimed_at=now - timedelta(minutes=16)
    )
    OutboxMessage.objects.filter(pk=busy.pk).update(
        state=State.SENDING, claimed_at=now - timedelta(seconds=30)
    )

    result = services.deliver_due(now=now)

    assert (result.recovered, result.sent) == (1, 1)
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.state, stuck.attempts) == (State.SENT, 2)
    assert list(stuck.delivery_attempts.order_by("pk").values_list("ok", "error")) == [
        (False, INTERRUPTED),
        (True, ""),
    ]
    assert busy.state == State.SENDING  # its worker may still be at it
    assert Notification.objects.count() == 1


def test_the_sms_and_wechat_logging_provider_logs_with_the_phone_masked(world, now, caplog):
    ticket = ticket_with_empty_outbox(world, now)
    world.neighbour.preferred_contact = "wechat"
    world.neighbour.save()
    services.bind_wechat(world.neighbour, "oAbCdEfGhIjKlMnOpQrStUvWxYz1", now=now)
    services.queue(
        Event.TICKET_REGISTERED_RECEIPT,
        [ticket.resident, world.neighbour],
        key="r",
        ticket=ticket,
        now=now,
    )

    with caplog.at_level(logging.INFO, logger="propdesk.notify"):
        assert services.deliver_due(now=now).sent == 2

    assert "sms to 138****5678" in caplog.text
    assert "wechat to oAbC…xYz1" in caplog.text  # the bound WeChat, its openid shortened
    assert "13812345678" not in caplog.text
    assert "oAbCdEfGhIjKlMnOpQrStUvWxYz1" not in caplog.text
    assert f"编号 {ticket.number}" in caplog.text
    assert set(DeliveryAttempt.objects.values_list("provider", flat=True)) == {"logging"}


def test_the_delivery_task_sends_what_is_due_and_books_the_next_run(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    _assign(world, ticket, now)
    DBTaskResult.objects.all().delete()

    result = deliver_outbox.call()

    assert result["sent"] == 1
    booked = DBTaskResult.objects.get(task_path=deliver_outbox.module_path, status="READY")
    assert booked.run_after != get_date_max()
    services.ensure_delivery_booked()
    services.ensure_delivery_booked()
    assert DBTaskResult.objects.filter(task_path=deliver_outbox.module_path).count() == 1


@pytest.mark.parametrize("state", [State.SENT, State.SENDING])
def test_retry_now_leaves_sent_and_sending_messages_alone(world, now, state):
    ticket = ticket_with_empty_outbox(world, now)
    _assign(world, ticket, now)
    OutboxMessage.objects.update(state=state)

    assert services.retry_now(OutboxMessage.objects.values_list("pk", flat=True)) == 0
