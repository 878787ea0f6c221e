"""Email through a real SMTP server (aiosmtpd in a thread): what arrives, and what happens
while the server is down — messages wait in the outbox and go out once when it is back."""

from datetime import timedelta

from propdesk.notify import services
from propdesk.notify.choices import Channel, Event, State
from propdesk.notify.models import DeliveryAttempt, OutboxMessage

from .helpers import smtp_server, ticket_with_empty_outbox  # noqa: F401


def _resident_by_email(world):
    resident = world.resident
    resident.email, resident.preferred_contact = "zhang.wei@example.com", "email"
    resident.save()
    return resident


def test_a_receipt_arrives_by_email_with_the_ticket_number(world, now, smtp_server):  # noqa: F811
    ticket = ticket_with_empty_outbox(world, now)
    resident = _resident_by_email(world)
    services.queue(
        Event.TICKET_REGISTERED_RECEIPT,
        [resident],
        key=f"ticket:{ticket.pk}",
        ticket=ticket,
        context={"reply_by": now + timedelta(hours=2)},
        now=now,
    )

    assert services.deliver_due(now=now).sent == 1

    [mail] = smtp_server.messages
    assert mail["To"] == "zhang.wei@example.com"
    # Django folds a long encoded subject onto the next line; readers drop the fold's space.
    assert mail["Subject"].strip() == f"【华宇物业】您的投诉已登记，编号 {ticket.number}"
    body = mail.get_content()
    assert f"编号 {ticket.number}" in body
    assert "张伟，您好" in body
    assert "我们将在 9月9日 12:00 前回复您。" in body
    message = OutboxMessage.objects.get()
    assert mail["Message-ID"] == message.provider_ref
    assert smtp_server.inbox.envelopes == [("service@huayu.example", ["zhang.wei@example.com"])]


def test_with_the_server_stopped_mail_waits_and_goes_out_once_when_it_is_back(
    world,
    now,
    smtp_server,  # noqa: F811
):
    ticket = ticket_with_empty_outbox(world, now)
    world.handler.email = "handler@huayu.example"
    world.handler.save()
    resident = _resident_by_email(world)
    services.queue(
        Event.TICKET_RESOLVED, [resident], key=f"ticket:{ticket.pk}", ticket=ticket, now=now
    )
    services.queue(
        Event.WORK_ORDER_ASSIGNED,
        [world.handler],
        key=f"ticket:{ticket.pk}:wo:1",
        ticket=ticket,
        context={"work_order": 1, "department": "工程部"},
        now=now,
    )
    smtp_server.stop()

    first = services.deliver_due(now=now)
    second = services.deliver_due(now=now + timedelta(minutes=1))

    assert (first.sent, first.retrying) == (1, 2)  # the in-app notice needs no SMTP server
    assert (second.sent, second.retrying) == (0, 2)
    mails = OutboxMessage.objects.filter(channel=Channel.EMAIL)
    for message in mails:
        assert (message.state, message.attempts) == (State.PENDING, 2)
        assert message.next_attempt_at == now + timedelta(minutes=1 + 2)
        assert message.sent_at is None
        assert "Connection refused" in message.last_error or "Errno" in message.last_error
    assert DeliveryAttempt.objects.filter(ok=False).count() == 4
    assert services.deliver_due(now=now + timedelta(minutes=2)) == services.DeliveryResult()

    smtp_server.start()
    back = services.deliver_due(now=now + timedelta(minutes=3))
    again = services.deliver_due(now=now + timedelta(hours=2))

    assert (back.sent, again.sent) == (2, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "handler@huayu.example",
        "zhang.wei@example.com",
    ]
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert all(ticket.number in s for s in subjects)
    for message in mails:
        message.refresh_from_db()
        assert (message.state, message.attempts) == (State.SENT, 3)
        assert message.sent_at == now + timedelta(minutes=3)
        assert list(message.delivery_attempts.values_list("ok", flat=True)) == [
            False,
            False,
            True,
        ]


def test_a_mailbox_the_server_refuses_is_given_up_while_the_others_go_out(
    world,
    now,
    smtp_server,  # noqa: F811
):
    ticket = ticket_with_empty_outbox(world, now)
    world.agent.email, world.supervisor.email = "nobody@huayu.example", "boss@huayu.example"
    world.agent.save()
    world.supervisor.save()
    services.queue(
        Event.ESCALATED,
        [world.agent, world.supervisor],
        key="esc:1",
        ticket=ticket,
        context={"level": 1},
        channels=[Channel.EMAIL],
        now=now,
    )

    result = services.deliver_due(now=now)

    assert (result.sent, result.failed) == (1, 1)
    refused = OutboxMessage.objects.get(address="nobody@huayu.example")
    assert (refused.state, refused.attempts) == (State.FAILED, 1)
    assert "550" in refused.last_error
    assert [m["To"] for m in smtp_server.messages] == ["boss@huayu.example"]
