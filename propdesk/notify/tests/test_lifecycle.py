"""The lifecycle tells people: a receipt at registration, the handler at dispatch, the result
to the resident, and a breach to the handler and the project's supervisors (in-app and by
email through a real SMTP server)."""

from datetime import datetime, timedelta

from propdesk.notify import services as notify
from propdesk.notify.models import Notification, OutboxMessage
from propdesk.sla import services as sla
from propdesk.sla.models import SlaClock
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI

from .helpers import smtp_server  # noqa: F401

T0 = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)


def test_registration_queues_the_residents_receipt_with_the_reply_time(world):
    ticket = register(world, T0)

    [receipt] = OutboxMessage.objects.filter(ticket=ticket, event="ticket_registered_receipt")
    assert receipt.channel == "sms"  # 张伟 prefers the phone; no WeChat or email on file
    assert ticket.number in receipt.body
    assert "9月9日 18:00前回复您" in receipt.body  # phone complaint: a reply the same day


def test_an_anonymous_request_tells_nobody(world):
    ticket = register(
        world, T0, reporter_type="anonymous", resident_id=None, project="SZHY", place="3栋大堂"
    )
    assert not OutboxMessage.objects.filter(ticket=ticket).exists()


def test_a_breach_reaches_the_handler_and_the_supervisor_in_app_and_by_email(
    world,
    smtp_server,  # noqa: F811
):
    world.supervisor.email = "supervisor@hy.example.com"
    world.supervisor.save()
    ticket = register(world, T0)
    services.accept(world.agent, ticket, now=T0 + timedelta(minutes=5))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", assignee="handler",
        deadline=T0 + timedelta(hours=4), now=T0 + timedelta(minutes=10),
    )  # fmt: skip
    assert notify.deliver_due(now=T0 + timedelta(minutes=11)).sent >= 1
    assert Notification.objects.filter(user=world.handler, ticket=ticket).count() == 1

    # Nobody resolves it: the 24-hour handling clock breaches; the sweep records it.
    result = sla.sweep(now=T0 + timedelta(hours=24, minutes=1))
    assert result.breached >= 1
    notify.deliver_due(now=T0 + timedelta(hours=24, minutes=2))

    handle = SlaClock.objects.get(ticket=ticket, kind="handle")
    supervisor_notes = Notification.objects.filter(user=world.supervisor, ticket=ticket)
    assert any("处理" in n.title and "超时" in n.title for n in supervisor_notes)
    mails = [m for m in smtp_server.messages if m["To"] == "supervisor@hy.example.com"]
    assert any(ticket.number in m["Subject"] for m in mails)
    # Sweeping again records and sends nothing twice.
    assert sla.sweep(now=T0 + timedelta(hours=25)).breached == 0
    before = len(smtp_server.messages)
    notify.deliver_due(now=T0 + timedelta(hours=25))
    assert len(smtp_server.messages) == before
    assert handle.state == "breached"


def test_a_reply_given_by_sms_is_sent_by_sms_and_one_by_phone_sends_nothing(world):
    ticket = register(world, T0)
    services.accept(world.agent, ticket, now=T0 + timedelta(minutes=5))

    services.reply_to_resident(
        world.agent, ticket, content="已联系电梯维保单位,今天16点前到场维修。", channel="sms",
        now=T0 + timedelta(minutes=20),
    )  # fmt: skip
    services.reply_to_resident(
        world.agent, ticket, content="电话告知了维修安排", channel="phone",
        now=T0 + timedelta(minutes=30),
    )  # fmt: skip

    [sms] = OutboxMessage.objects.filter(ticket=ticket, event="ticket_reply")
    assert (sms.channel, sms.address) == ("sms", world.resident.phone)
    assert "已联系电梯维保单位,今天16点前到场维修。" in sms.body
    assert ticket.number in sms.body


def test_a_reply_by_email_to_a_resident_without_an_address_is_recorded_as_given(world):
    ticket = register(world, T0)
    services.accept(world.agent, ticket, now=T0 + timedelta(minutes=5))

    services.reply_to_resident(
        world.agent, ticket, content="方案已发到您来信的邮箱", channel="email",
        now=T0 + timedelta(minutes=20),
    )  # fmt: skip

    # 张伟 has no email on file: the agent answered from the mailbox the request came to; the
    # reply is on record, and nothing is sent, least of all by another channel.
    assert ticket.replies.get().channel == "email"
    assert not OutboxMessage.objects.filter(ticket=ticket, event="ticket_reply").exists()


def test_a_reply_by_wechat_goes_by_wechat_even_to_a_resident_who_prefers_sms(world):
    ticket = register(world, T0)
    notify.bind_wechat(world.resident, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", now=T0)
    services.accept(world.agent, ticket, now=T0 + timedelta(minutes=5))

    services.reply_to_resident(
        world.agent, ticket, content="师傅下午2点上门", channel="wechat",
        now=T0 + timedelta(minutes=20),
    )  # fmt: skip

    [message] = OutboxMessage.objects.filter(ticket=ticket, event="ticket_reply")
    assert (message.channel, message.address) == ("wechat", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M")


def test_a_reply_by_sms_to_a_caller_who_is_not_on_file_goes_to_the_number_they_gave(world):
    ticket = register(
        world, T0, reporter_type="contact", resident_id=None, contact_name="刘先生",
        contact_phone="13811112222", project="SZHY", place="3栋大堂",
    )  # fmt: skip
    services.accept(world.agent, ticket, now=T0 + timedelta(minutes=5))

    services.reply_to_resident(
        world.agent, ticket, content="已安排保洁", channel="sms", now=T0 + timedelta(minutes=9)
    )

    [message] = OutboxMessage.objects.filter(ticket=ticket, event="ticket_reply")
    assert (message.channel, message.address) == ("sms", "13811112222")


def test_an_answer_given_by_sms_sends_the_result_once_not_a_reply_too(world):
    ticket = register(world, T0, kind="consultation", category="FEE-MGMT")

    services.answer(
        world.agent, ticket, content="物业费按建筑面积计收", channel="sms",
        now=T0 + timedelta(minutes=3),
    )  # fmt: skip

    assert not OutboxMessage.objects.filter(ticket=ticket, event="ticket_reply").exists()
    assert OutboxMessage.objects.filter(ticket=ticket, event="ticket_resolved").count() == 1
