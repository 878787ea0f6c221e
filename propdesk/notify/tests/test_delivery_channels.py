"""Delivering some channels only: the demo puts its staff's in-app notices in their lists as its
history runs, and never sends a message to the outside world."""

from datetime import timedelta

from propdesk.notify import services
from propdesk.notify.choices import Channel, Event, State
from propdesk.notify.models import Notification, OutboxMessage

from .helpers import ticket_with_empty_outbox


def test_a_run_limited_to_in_app_leaves_the_residents_messages_waiting(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(Event.TICKET_RESOLVED, [ticket.resident], key="r", ticket=ticket, now=now)
    services.queue(
        Event.WORK_ORDER_ASSIGNED,
        [world.handler],
        key=f"{ticket.pk}:wo:1",
        ticket=ticket,
        context={"work_order": 1, "department": "工程部", "deadline": now + timedelta(hours=4)},
        now=now,
    )
    outside = OutboxMessage.objects.exclude(channel=Channel.IN_APP)
    assert outside.exists()

    result = services.deliver_due(now=now + timedelta(minutes=1), channels=[Channel.IN_APP])

    assert result.sent == 1
    assert Notification.objects.filter(user=world.handler, ticket=ticket).count() == 1
    assert set(outside.values_list("state", flat=True)) == {State.PENDING}
    assert not outside.filter(attempts__gt=0).exists()
