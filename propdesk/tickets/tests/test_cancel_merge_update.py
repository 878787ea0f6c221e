"""Withdrawing, merging duplicates and correcting the record (SPEC §4): nothing is deleted and
every change is history."""

from __future__ import annotations

from datetime import timedelta

from propdesk.core.errors import InvalidInput, InvalidTransition
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status, WorkOrderStatus
from propdesk.tickets.models import Ticket

from .helpers import (  # noqa: F401
    assert_one_event,
    event_mark,
    events_since,
    fast_passwords,
    fresh,
    refused,
    register,
    ticket_in,
)

LATER = timedelta(hours=1)


def test_a_withdrawn_request_is_kept_with_its_reason_and_its_open_work_orders_cancelled(world, now):
    ticket = ticket_in(world, now, "in_progress")
    history = list(ticket.events.values_list("pk", flat=True))
    at = now + LATER
    mark = event_mark()

    services.cancel(world.agent, ticket, reason="住户自行找人修好了", now=at)

    ticket = fresh(ticket)
    assert ticket.status == Status.CANCELLED
    assert (ticket.cancelled_at, ticket.cancel_reason) == (at, "住户自行找人修好了")
    order = ticket.work_orders.get()
    assert (order.status, order.completed_at) == (WorkOrderStatus.CANCELLED, at)
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.CANCELLED,
        actor=world.agent,
        at=at,
        from_status=Status.IN_PROGRESS,
        to_status=Status.CANCELLED,
    )
    assert event.data["cancelled_work_orders"] == [1]
    assert list(ticket.events.values_list("pk", flat=True)) == [*history, event.pk]


def test_cancelling_needs_a_reason(world, now):
    ticket = ticket_in(world, now, "registered")

    refused(
        InvalidInput,
        lambda: services.cancel(world.agent, ticket, reason="", now=now + LATER),
        ticket,
        field="reason",
    )


def test_a_duplicate_merged_into_another_request_keeps_its_number_and_history(world, now):
    survivor = ticket_in(world, now, "accepted")
    duplicate = ticket_in(world, now, "dispatched")
    history = duplicate.events.count()
    at = now + LATER
    mark = event_mark()

    services.merge(world.supervisor, duplicate, into=survivor.number, note="同一部电梯", now=at)

    duplicate, survivor = fresh(duplicate), fresh(survivor)
    assert duplicate.status == Status.MERGED
    assert duplicate.merged_into == survivor
    assert duplicate.work_orders.get().status == WorkOrderStatus.CANCELLED
    assert survivor.status == Status.ACCEPTED
    assert list(survivor.merged_tickets.all()) == [duplicate]
    events = events_since(mark)
    assert [(e.ticket_id, e.kind, e.from_status, e.to_status) for e in events] == [
        (duplicate.pk, EventKind.MERGED, Status.DISPATCHED, Status.MERGED),
        (survivor.pk, EventKind.MERGED, "", ""),
    ]
    assert {(e.actor_id, e.at) for e in events} == {(world.supervisor.pk, at)}
    assert events[0].data["into"] == survivor.number
    assert events[1].data == {"merged_from": duplicate.number}
    assert duplicate.events.count() == history + 1


def test_a_request_cannot_be_merged_into_itself_or_into_nothing(world, now):
    ticket = ticket_in(world, now, "registered")
    at = now + LATER

    refused(
        InvalidInput,
        lambda: services.merge(world.supervisor, ticket, into=ticket.number, now=at),
        ticket,
        field="into",
    )
    refused(
        InvalidInput,
        lambda: services.merge(world.supervisor, ticket, into="SZHY-20260909-9999", now=at),
        ticket,
        field="into",
    )


def test_requests_of_different_projects_are_not_merged(world, now):
    ticket = ticket_in(world, now, "registered")
    elsewhere, _ = services.register_ticket(
        world.hq,
        services.NewTicket(
            kind="complaint",
            channel="phone",
            category="FAC-ELEV",
            description="电梯异响",
            resident_id=world.neighbour.pk,
        ),
        now=now,
    )
    at = now + LATER

    refused(
        InvalidInput,
        lambda: services.merge(world.hq, ticket, into=elsewhere.number, now=at),
        ticket,
        elsewhere,
        field="into",
    )
    # A supervisor of this project does not even see the other one: the same words as for a
    # request that does not exist.
    error = refused(
        InvalidInput,
        lambda: services.merge(world.supervisor, ticket, into=elsewhere.number, now=at),
        ticket,
        elsewhere,
        field="into",
    )
    assert error.message == f"诉求 {elsewhere.number} 不存在或不在您的数据范围内"


def test_a_request_is_not_merged_into_a_closed_cancelled_or_merged_one(world, now):
    ticket = ticket_in(world, now, "registered")
    at = now + LATER

    for state in ("closed", "cancelled", "merged"):
        target = ticket_in(world, now, state)
        refused(
            InvalidTransition,
            lambda target=target: services.merge(
                world.supervisor, ticket, into=target.number, now=at
            ),
            ticket,
            target,
        )


def test_correcting_the_record_writes_each_changed_field_with_old_and_new_value(world, now):
    ticket = ticket_in(world, now, "accepted")
    at = now + LATER
    mark = event_mark()

    services.update_ticket(
        world.agent,
        ticket,
        changes={
            "category": "FAC-WATER",
            "place": "3栋地下车库",
            "nature": "effective",
            "is_emergency": True,
            "expectation": ticket.expectation,  # unchanged: not recorded
        },
        now=at,
    )

    ticket = fresh(ticket)
    assert ticket.category.code == "FAC-WATER"
    assert (ticket.place, ticket.nature, ticket.is_emergency) == ("3栋地下车库", "effective", True)
    assert ticket.status == Status.ACCEPTED
    event = assert_one_event(mark, ticket, kind=EventKind.UPDATED, actor=world.agent, at=at)
    assert event.data == {
        "changes": {
            "category": ["FAC-ELEV", "FAC-WATER"],
            "place": ["", "3栋地下车库"],
            "nature": ["pending", "effective"],
            "is_emergency": [False, True],
        }
    }


def test_correcting_nothing_writes_no_event(world, now):
    ticket = ticket_in(world, now, "registered")

    mark = event_mark()
    services.update_ticket(
        world.agent, ticket, changes={"description": ticket.description}, now=now + LATER
    )

    assert events_since(mark) == []


def test_moving_the_request_to_another_room_moves_its_building_too(world, now):
    from conftest import make_room

    ticket = ticket_in(world, now, "registered")
    room = make_room(world.project, "5", "1", "0302")
    at = now + LATER
    mark = event_mark()

    services.update_ticket(world.agent, ticket, changes={"room_id": room.pk}, now=at)

    ticket = fresh(ticket)
    assert (ticket.room, ticket.building) == (room, room.building)
    event = assert_one_event(mark, ticket, kind=EventKind.UPDATED, actor=world.agent, at=at)
    assert event.data["changes"]["room_id"] == [world.room.pk, room.pk]
    assert event.data["changes"]["building_id"] == [world.room.building_id, room.building_id]


def test_reclassifying_a_repair_as_a_complaint_drops_what_only_a_repair_has(world, now):
    ticket = ticket_in(
        world, now, "accepted", kind="repair", category="FAC-LIGHT", repair_scope="common_area"
    )
    at = now + LATER
    mark = event_mark()

    services.update_ticket(world.agent, ticket, changes={"kind": "complaint"}, now=at)

    ticket = fresh(ticket)
    assert (ticket.kind, ticket.repair_scope) == ("complaint", "")
    event = assert_one_event(mark, ticket, kind=EventKind.UPDATED, actor=world.agent, at=at)
    assert event.data["changes"] == {
        "kind": ["repair", "complaint"],
        "repair_scope": ["common_area", ""],
    }


def test_a_paid_repair_cannot_be_reclassified_as_another_kind(world, now):
    ticket = ticket_in(
        world,
        now,
        "accepted",
        kind="repair",
        category="HOUSE-DOOR",
        repair_scope="in_home",
        is_paid_repair=True,
    )

    refused(
        InvalidInput,
        lambda: services.update_ticket(
            world.agent, ticket, changes={"kind": "complaint"}, now=now + LATER
        ),
        ticket,
        field="kind",
    )


def test_the_agreed_reply_time_can_be_set_after_registration(world, now):
    ticket = ticket_in(world, now, "registered")
    at = now + LATER

    services.update_ticket(
        world.agent, ticket, changes={"agreed_reply_at": now + timedelta(hours=3)}, now=at
    )

    assert fresh(ticket).agreed_reply_at == now + timedelta(hours=3)


def test_a_correction_is_refused_naming_the_field_that_is_wrong(world, now):
    ticket = ticket_in(world, now, "accepted")
    at = now + LATER
    cases = [
        ({"status": "closed"}, "status"),
        ({"number": "X-1"}, "number"),
        ({"category": "NOPE"}, "category"),
        ({"kind": "gossip"}, "kind"),
        ({"channel": "telepathy"}, "channel"),
        ({"nature": "maybe"}, "nature"),
        ({"description": "   "}, "description"),
        ({"room_id": world.other_room.pk}, "room_id"),
        ({"agreed_reply_at": now - timedelta(days=1)}, "agreed_reply_at"),
        ({"is_emergency": "very"}, "is_emergency"),
        ({"place": "大堂", "category": "NOPE"}, "category"),  # all or nothing
    ]
    for changes, field in cases:
        refused(
            InvalidInput,
            lambda changes=changes: services.update_ticket(
                world.agent, ticket, changes=changes, now=at
            ),
            ticket,
            field=field,
        )


def test_cancelled_and_merged_tickets_stay_in_the_database_with_their_numbers(world, now):
    cancelled = ticket_in(world, now, "cancelled")
    merged = ticket_in(world, now, "merged")

    assert Ticket.objects.filter(number=cancelled.number, status=Status.CANCELLED).exists()
    assert Ticket.objects.filter(number=merged.number, status=Status.MERGED).exists()
    assert [e.kind for e in merged.events.all()] == [EventKind.REGISTERED, EventKind.MERGED]
    assert [e.kind for e in cancelled.events.all()] == [
        EventKind.REGISTERED,
        EventKind.CANCELLED,
    ]
