"""The ticket page lists each message sent to the resident with its delivery state, and a
provider's refusal in its own words (SPEC §10)."""

from __future__ import annotations

from django.urls import reverse

from propdesk.notify.choices import State
from propdesk.notify.models import OutboxMessage
from propdesk.tickets.tests.helpers import register

from .test_lifecycle import T0


def test_the_ticket_page_shows_the_messages_to_the_resident_and_why_one_failed(world, client):
    ticket = register(world, T0)
    receipt = OutboxMessage.objects.get(ticket=ticket, event="ticket_registered_receipt")
    OutboxMessage.objects.filter(pk=receipt.pk).update(
        state=State.FAILED, last_error="isv.SMS_TEMPLATE_ILLEGAL: 模板不合法"
    )

    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket", args=[ticket.number])).content.decode()

    assert 'id="resident-messages"' in page
    assert "登记回执" in page and "发送失败" in page and "模板不合法" in page
    assert world.resident.phone not in page  # masked, as everywhere


def test_a_resident_who_declined_notices_gets_none_and_the_agent_is_told_to_call(world, client):
    world.resident.accepts_messages = False
    world.resident.save()
    ticket = register(world, T0)
    assert not OutboxMessage.objects.filter(ticket=ticket, user__isnull=True).exists()

    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket", args=[ticket.number])).content.decode()

    assert 'id="resident-declined"' in page and "请电话联系" in page
