"""Everything is history (SPEC §4): one event per move, in order, never edited or deleted, and
no ticket is ever deleted with its history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from propdesk.callbacks import services as callback_services
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status
from propdesk.tickets.models import Ticket, TicketEvent

from .helpers import SLA_EVENT_KINDS, fast_passwords, fresh, register, ticket_in  # noqa: F401


def test_a_whole_life_is_told_by_one_event_per_move(world, now, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    step = iter(now + timedelta(minutes=10 * i) for i in range(1, 100))
    times: list = []

    def at():
        times.append(next(step))
        return times[-1]

    t = register(world, now)
    times.append(now)
    services.accept(world.agent, t, now=at())
    services.update_ticket(world.agent, t, changes={"nature": "effective"}, now=at())
    services.dispatch(
        world.supervisor, t, department="SZHY-ENG", deadline=now + timedelta(days=1), now=at()
    )
    services.reply_to_resident(world.agent, t, content="已派工程部", channel="phone", now=at())
    services.start(world.handler, t, work_order=1, now=at())
    services.add_progress_note(world.handler, t, text="等配件", work_order=1, now=at())
    services.suspend(world.supervisor, t, reason="等配件", now=at())
    services.resume(world.supervisor, t, now=at())
    services.transfer(
        world.supervisor, t, work_order=1, department="SZHY-SEC", reason="门禁问题", now=at()
    )
    services.add_attachment(world.security_handler, t, _png(), now=at())
    services.complete_work_order(world.security_handler, t, work_order=2, result="好了", now=at())
    completed_at = times[-1]
    times.append(completed_at)
    callback_services.record_callback(world.agent, t, satisfaction="dissatisfied", now=at())
    # The unsatisfied callback reopened it: straight back to dispatch.
    services.dispatch(
        world.supervisor, t, department="SZHY-ENG", deadline=now + timedelta(days=2), now=at()
    )
    services.return_work_order(world.handler, t, work_order=3, reason="不归工程部", now=at())
    services.close(
        world.manager, t, reason="disagreement", note="已按规范处理,住户仍有异议", now=at()
    )
    services.reopen(world.agent, t, reason="住户提供了新证据", now=at())
    services.cancel(world.agent, t, reason="住户与开发商和解", now=at())

    history = list(
        fresh(t)
        .events.exclude(kind__in=SLA_EVENT_KINDS, actor__isnull=True)  # system consequences
        .values_list("kind", "from_status", "to_status", "actor__username", "at")
    )
    assert history == list(
        zip(
            [
                EventKind.REGISTERED,
                EventKind.ACCEPTED,
                EventKind.UPDATED,
                EventKind.DISPATCHED,
                EventKind.REPLIED,
                EventKind.STARTED,
                EventKind.PROGRESS_NOTED,
                EventKind.SUSPENDED,
                EventKind.RESUMED,
                EventKind.TRANSFERRED,
                EventKind.ATTACHMENT_ADDED,
                EventKind.WORK_ORDER_COMPLETED,
                EventKind.RESOLVED,
                EventKind.CALLBACK_RECORDED,
                EventKind.DISPATCHED,
                EventKind.WORK_ORDER_RETURNED,
                EventKind.CLOSED,
                EventKind.REOPENED,
                EventKind.CANCELLED,
            ],
            [
                "",
                "registered",
                "",
                "accepted",
                "",
                "dispatched",
                "",
                "in_progress",
                "suspended",
                "in_progress",
                "",
                "",
                "dispatched",
                "resolved",
                "reopened",
                "dispatched",
                "accepted",
                "closed",
                "reopened",
            ],
            [
                "registered",
                "accepted",
                "",
                "dispatched",
                "",
                "in_progress",
                "",
                "suspended",
                "in_progress",
                "dispatched",
                "",
                "",
                "resolved",
                "reopened",
                "dispatched",
                "accepted",
                "closed",
                "reopened",
                "cancelled",
            ],
            [
                "agent",
                "agent",
                "agent",
                "supervisor",
                "agent",
                "handler",
                "handler",
                "supervisor",
                "supervisor",
                "supervisor",
                "guard",
                "guard",
                "guard",
                "agent",
                "supervisor",
                "handler",
                "manager",
                "agent",
                "agent",
            ],
            times,
            strict=True,
        )
    )
    t = fresh(t)
    assert t.status == Status.CANCELLED
    assert t.reopen_count == 2
    assert t.work_orders.count() == 3


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("门禁.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)


def test_an_event_cannot_be_edited(world, now):
    ticket = ticket_in(world, now, "accepted")
    event = ticket.events.get(kind=EventKind.ACCEPTED)

    event.note = "改写历史"
    with pytest.raises(TypeError, match="immutable"):
        event.save()

    assert TicketEvent.objects.get(pk=event.pk).note == ""


def test_an_event_cannot_be_deleted(world, now):
    ticket = ticket_in(world, now, "accepted")
    event = ticket.events.first()

    with pytest.raises(TypeError, match="immutable"):
        event.delete()

    assert TicketEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda t: TicketEvent.objects.filter(ticket=t).update(note="改写"),
        lambda t: TicketEvent.objects.filter(ticket=t).delete(),
        lambda t: TicketEvent.objects.all().delete(),
        lambda t: t.events.update(note="改写"),
        lambda t: t.events.all().delete(),
        lambda t: TicketEvent.objects.bulk_update(list(t.events.all()), ["note"]),
    ],
    ids=["update", "delete", "delete-all", "related-update", "related-delete", "bulk-update"],
)
def test_events_cannot_be_rewritten_in_bulk(world, now, rewrite):
    ticket = ticket_in(world, now, "dispatched")
    before = list(TicketEvent.objects.order_by("pk").values())

    with pytest.raises(TypeError, match="immutable"), transaction.atomic():
        rewrite(ticket)

    assert list(TicketEvent.objects.order_by("pk").values()) == before


def test_a_ticket_with_history_cannot_be_deleted(world, now):
    ticket = ticket_in(world, now, "cancelled")

    with pytest.raises(ProtectedError):
        ticket.delete()

    assert Ticket.objects.filter(pk=ticket.pk, status=Status.CANCELLED).exists()
