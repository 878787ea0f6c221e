"""The outbox in the admin: readable, not editable, and failed messages can be retried."""

from django.test import Client
from django.utils import translation

from propdesk.notify import services
from propdesk.notify.choices import Event, State
from propdesk.notify.models import OutboxMessage
from propdesk.org.models import User

from .helpers import ticket_with_empty_outbox


def _admin_client() -> Client:
    root = User.objects.create_superuser("root", "root@huayu.example", "pw-root")
    client = Client()
    client.force_login(root)
    return client


def test_an_administrator_reads_the_outbox_and_retries_what_failed(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(Event.TICKET_RESOLVED, [ticket.resident], key="r", ticket=ticket, now=now)
    services.queue(
        Event.ESCALATED, [world.manager], key="e", ticket=ticket, context={"level": 1}, now=now
    )
    services.deliver_due(now=now)
    failed = OutboxMessage.objects.get(channel="sms")
    OutboxMessage.objects.filter(pk=failed.pk).update(state=State.FAILED, attempts=24)
    client = _admin_client()

    listing = client.get("/admin/notify/outboxmessage/")
    detail = client.get(f"/admin/notify/outboxmessage/{failed.pk}/change/")
    attempts = client.get("/admin/notify/deliveryattempt/")
    inbox = client.get("/admin/notify/notification/")
    retried = client.post(
        "/admin/notify/outboxmessage/",
        {"action": "retry_now", "_selected_action": [failed.pk]},
        follow=True,
    )

    assert [r.status_code for r in (listing, detail, attempts, inbox, retried)] == [200] * 5
    assert "张伟" in listing.content.decode()
    assert "138****5678" in detail.content.decode()
    assert "13812345678" not in detail.content.decode()  # phones stay masked
    assert "<textarea" not in detail.content.decode()  # read-only
    failed.refresh_from_db()
    assert failed.state == State.PENDING


def test_the_labels_read_in_english_too():
    with translation.override("en"):
        assert str(Event.TICKET_REGISTERED_RECEIPT.label) == "Registration receipt"
        assert str(OutboxMessage._meta.verbose_name_plural) == "Outbox messages"
        assert str(State.FAILED.label) == "Failed"
