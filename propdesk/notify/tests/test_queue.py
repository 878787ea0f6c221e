"""Queueing: rows live and die with the caller's transaction, each fact once per recipient and
channel, on the channels each recipient can be reached on."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult, get_date_max

from propdesk.notify import services
from propdesk.notify.choices import Channel, Event, State
from propdesk.notify.models import OutboxMessage
from propdesk.notify.services import Address
from propdesk.notify.tasks import deliver_outbox

from .helpers import ticket_with_empty_outbox

RECEIPT = Event.TICKET_REGISTERED_RECEIPT


def _waiting_kicks() -> int:
    return DBTaskResult.objects.filter(
        task_path=deliver_outbox.module_path, status="READY", run_after=get_date_max()
    ).count()


def test_queueing_inside_a_rolled_back_transaction_leaves_no_message_and_no_task(
    world, now, django_capture_on_commit_callbacks
):
    ticket = ticket_with_empty_outbox(world, now)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queued = services.queue(
            RECEIPT, [ticket.resident], key=f"ticket:{ticket.pk}", ticket=ticket, now=now
        )
        assert queued == 1
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the registration failed after all")

    assert OutboxMessage.objects.count() == 0
    assert callbacks == []
    assert _waiting_kicks() == 0


def test_a_committed_queue_asks_for_one_delivery_run_at_once(
    world, now, django_capture_on_commit_callbacks
):
    ticket = ticket_with_empty_outbox(world, now)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.queue(RECEIPT, [ticket.resident], key="a", ticket=ticket, now=now)
        services.queue(Event.WORK_ORDER_ASSIGNED, [world.handler], key="b", ticket=ticket, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        services.queue(Event.SLA_WARNING, [world.supervisor], key="c", ticket=ticket, now=now)

    assert OutboxMessage.objects.count() == 3
    assert _waiting_kicks() == 1  # one waiting run serves them all


def test_the_same_fact_is_queued_once_per_recipient_and_channel(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    world.handler.email = "handler@huayu.example"
    world.handler.save()
    key = f"ticket:{ticket.pk}:wo:1"

    first = services.queue(
        Event.WORK_ORDER_ASSIGNED, [world.handler], key=key, ticket=ticket, now=now
    )
    again = services.queue(
        Event.WORK_ORDER_ASSIGNED, [world.handler, world.handler], key=key, ticket=ticket, now=now
    )
    other_fact = services.queue(
        Event.WORK_ORDER_ASSIGNED, [world.handler], key=key + ":again", ticket=ticket, now=now
    )

    assert (first, again, other_fact) == (2, 0, 2)
    keys = sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert keys[:2] == [
        f"work_order_assigned:{key}:again:user:{world.handler.pk}:email",
        f"work_order_assigned:{key}:again:user:{world.handler.pk}:in_app",
    ]
    assert len(keys) == 4


def test_staff_are_told_in_the_app_and_by_email_when_they_have_one(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    world.supervisor.email = "supervisor@huayu.example"
    world.supervisor.save()
    world.manager.is_active = False
    world.manager.save()

    services.queue(
        Event.SLA_BREACHED,
        [world.supervisor, world.handler, world.manager],
        key="clock:1",
        ticket=ticket,
        context={"clock": "dispatch", "due_at": now},
        now=now,
    )

    rows = {(m.user_id, m.channel, m.address) for m in OutboxMessage.objects.all()}
    assert rows == {
        (world.supervisor.pk, Channel.IN_APP, ""),
        (world.supervisor.pk, Channel.EMAIL, "supervisor@huayu.example"),
        (world.handler.pk, Channel.IN_APP, ""),
    }
    message = OutboxMessage.objects.filter(channel=Channel.IN_APP).first()
    assert message.state == State.PENDING
    assert message.next_attempt_at == now
    assert message.language == "zh-hans"
    assert ticket.number in message.subject


@pytest.mark.parametrize(
    ("preferred", "email", "phone", "expected"),
    [
        ("phone", "", "13812345678", (Channel.SMS, "13812345678")),
        ("sms", "zhang@example.com", "13812345678", (Channel.SMS, "13812345678")),
        # WeChat needs the resident's bound WeChat (an openid); without one: SMS.
        ("wechat", "", "13812345678", (Channel.SMS, "13812345678")),
        ("email", "zhang@example.com", "13812345678", (Channel.EMAIL, "zhang@example.com")),
        ("email", "", "13812345678", (Channel.SMS, "13812345678")),
        ("visit", "zhang@example.com", "", (Channel.EMAIL, "zhang@example.com")),
        ("phone", "", "", None),
    ],
)
def test_a_resident_is_told_on_the_preferred_channel_else_by_sms(
    world, now, preferred, email, phone, expected
):
    ticket = ticket_with_empty_outbox(world, now)
    resident = world.resident
    resident.preferred_contact, resident.email, resident.phone = preferred, email, phone
    resident.save()

    services.queue(RECEIPT, [resident], key="r", ticket=ticket, now=now)

    rows = [(m.channel, m.address) for m in OutboxMessage.objects.all()]
    assert rows == ([expected] if expected else [])


def test_a_resident_who_bound_their_wechat_and_prefers_it_is_told_there(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    resident = world.resident
    resident.preferred_contact = "wechat"
    resident.save()
    services.bind_wechat(resident, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", now=now)

    services.queue(RECEIPT, [resident], key="r", ticket=ticket, now=now)

    [message] = OutboxMessage.objects.all()
    assert (message.channel, message.address) == (Channel.WECHAT, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
    assert message.masked_address == "o6_b…fL2M"


def test_an_anonymous_request_tells_nobody_and_channels_can_be_restricted(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    world.agent.email = "agent@huayu.example"
    world.agent.save()

    assert services.queue(RECEIPT, [None], key="anon", ticket=ticket, now=now) == 0
    services.queue(
        Event.ESCALATED,
        [world.agent],
        key="esc:1",
        ticket=ticket,
        context={"level": 2},
        channels=[Channel.IN_APP],
        now=now,
    )

    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == [Channel.IN_APP]


def test_a_contact_who_is_not_on_file_is_reached_by_address_in_their_language(world, now):
    ticket = ticket_with_empty_outbox(world, now)

    services.queue(
        RECEIPT,
        [Address(Channel.EMAIL, "visitor@example.com", language="en")],
        key="t",
        ticket=ticket,
        context={"reply_by": now},
        now=now,
    )

    message = OutboxMessage.objects.get()
    assert (message.channel, message.address, message.language) == (
        Channel.EMAIL,
        "visitor@example.com",
        "en",
    )
    assert message.subject == f"[华宇物业] Your request has been registered: {ticket.number}"
    assert message.context["reply_by"] == now.isoformat()  # kept as JSON, for the record
    with pytest.raises(ValueError):
        services.queue(RECEIPT, [Address(Channel.IN_APP, "x")], key="t2", now=now)
    with pytest.raises(ValueError):
        services.queue("no_such_event", [world.agent], key="t3", now=now)


def test_queue_many_writes_many_facts_in_one_go(world, now, django_assert_max_num_queries):
    ticket = ticket_with_empty_outbox(world, now)
    items = [
        services.Outgoing(
            event=Event.SLA_WARNING,
            recipients=[world.supervisor, world.manager],
            key=f"clock:{i}:warning",
            ticket=ticket,
            context={"clock": "handle", "due_at": now},
        )
        for i in range(30)
    ]

    with django_assert_max_num_queries(8):
        assert services.queue_many(items, now=now) == 60

    assert OutboxMessage.objects.count() == 60
