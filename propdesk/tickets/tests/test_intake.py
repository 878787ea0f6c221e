"""Registering a request (登记, SPEC §3): what intake records, which place it takes, idempotent
retries, and every refusal naming the field to correct."""

from __future__ import annotations

from datetime import timedelta

import pytest

from propdesk.core.errors import InvalidInput, OutOfScope
from propdesk.org.models import Company
from propdesk.residents.models import Residency, Resident
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status
from propdesk.tickets.models import Category, Ticket

from .helpers import (  # noqa: F401
    assert_one_event,
    event_mark,
    events_since,
    fast_passwords,
    refused,
    register,
)
from .scenarios import new_ticket_data


def resident_data(world, **overrides) -> services.NewTicket:
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "电梯停在12楼不动",
        "resident_id": world.resident.pk,
    }
    data.update(overrides)
    return services.NewTicket(**data)


def test_a_registered_request_records_who_when_where_what_and_the_expectation(world, now):
    received = now - timedelta(minutes=20)
    mark = event_mark()

    ticket, created = services.register_ticket(
        world.agent,
        resident_data(
            world,
            expectation="今天修好",
            received_at=received,
            agreed_reply_at=now + timedelta(hours=2),
            channel="visit",
        ),
        now=now,
    )

    assert created
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.project, ticket.company) == (
        Status.REGISTERED,
        world.project,
        world.company,
    )
    assert (ticket.resident, ticket.room, ticket.building) == (
        world.resident,
        world.room,
        world.room.building,
    )
    assert (ticket.contact_name, ticket.contact_phone) == ("张伟", "13812345678")
    assert (ticket.received_at, ticket.registered_at, ticket.registered_by) == (
        received,
        now,
        world.agent,
    )
    assert ticket.agreed_reply_at == now + timedelta(hours=2)
    assert (ticket.description, ticket.expectation, ticket.channel) == (
        "电梯停在12楼不动",
        "今天修好",
        "visit",
    )
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.REGISTERED,
        actor=world.agent,
        at=now,
        to_status=Status.REGISTERED,
    )
    assert event.data == {"channel": "visit", "kind": "complaint"}


def test_a_retry_with_the_same_client_ref_returns_the_same_ticket_and_writes_nothing(world, now):
    data = resident_data(world, client_ref="wx-20260909-001")
    first, created_first = services.register_ticket(world.agent, data, now=now)
    mark = event_mark()

    again, created_again = services.register_ticket(
        world.supervisor, data, now=now + timedelta(minutes=1)
    )

    assert (created_first, created_again) == (True, False)
    assert again == first
    assert Ticket.objects.filter(client_ref="wx-20260909-001").count() == 1
    assert first.events.count() == 1
    assert events_since(mark) == []
    assert register(world, now).number == "SZHY-20260909-0002"


def test_a_retry_by_someone_outside_the_project_does_not_reveal_the_ticket(world, now):
    data = resident_data(world, client_ref="wx-20260909-002")
    services.register_ticket(world.agent, data, now=now)

    refused(OutOfScope, lambda: services.register_ticket(world.outsider, data, now=now))


def test_the_residents_only_home_is_the_place_even_with_family_on_file(world, now):
    spouse = Resident.objects.create(company=world.company, name="王芳", phone="13611112222")
    Residency.objects.create(resident=spouse, room=world.room, relation="family")

    ticket, _ = services.register_ticket(world.agent, resident_data(world), now=now)

    assert ticket.room == world.room


def test_a_resident_who_moved_house_files_from_the_home_they_live_in_now(world, now):
    from conftest import make_room

    new_home = make_room(world.project, "7", "1", "0901")
    Residency.objects.filter(resident=world.resident).update(is_active=False)
    Residency.objects.create(resident=world.resident, room=new_home, relation="owner")
    buyer = Resident.objects.create(company=world.company, name="赵敏", phone="13511112222")
    Residency.objects.create(resident=buyer, room=world.room, relation="owner")

    ticket, _ = services.register_ticket(world.agent, resident_data(world), now=now)

    assert ticket.room == new_home


def test_a_resident_with_two_homes_must_say_which(world, now):
    from conftest import make_room

    second = make_room(world.project, "8", "1", "0101")
    Residency.objects.create(resident=world.resident, room=second, relation="owner")

    refused(
        InvalidInput,
        lambda: services.register_ticket(
            world.agent, resident_data(world, project="SZHY"), now=now
        ),
        field="place",
    )
    ticket, _ = services.register_ticket(
        world.agent, resident_data(world, room_id=second.pk), now=now
    )
    assert ticket.room == second


def test_an_anonymous_request_keeps_no_contact_and_needs_a_place(world, now):
    ticket, _ = services.register_ticket(
        world.agent,
        new_ticket_data(
            reporter_type="anonymous", contact_name="", contact_phone="", place="2号门岗"
        ),
        now=now,
    )

    assert (ticket.resident, ticket.contact_name, ticket.contact_phone) == (None, "", "")
    assert ticket.place == "2号门岗"


def test_a_contact_phone_is_kept_as_digits(world, now):
    ticket, _ = services.register_ticket(
        world.agent, new_ticket_data(contact_phone="+86 137-0000-1111"), now=now
    )

    assert ticket.contact_phone == "13700001111"


def test_a_received_time_a_little_ahead_is_clock_skew_and_accepted(world, now):
    ticket, _ = services.register_ticket(
        world.agent, new_ticket_data(received_at=now + timedelta(minutes=4)), now=now
    )

    assert ticket.received_at == now + timedelta(minutes=4)


def test_registration_is_refused_naming_the_field_to_correct(world, now):
    other_company = Company.objects.create(code="XX", name="别家物业")
    stranger = Resident.objects.create(company=other_company, name="陌生人", phone="13000000000")
    Category.objects.filter(code="FAC-GATE").update(is_active=False)
    cases = [
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"category": "NOPE"}, "category"),
        ({"category": "FAC-GATE"}, "category"),  # switched off
        ({"kind": "gossip"}, "kind"),
        ({"channel": "telepathy"}, "channel"),
        ({"reporter_type": "ghost"}, "reporter_type"),
        ({"nature": "maybe"}, "nature"),
        ({"kind": "repair", "repair_scope": "everywhere"}, "repair_scope"),
        ({"kind": "help", "help_type": "aliens"}, "help_type"),
        ({"repair_scope": "in_home"}, "repair_scope"),  # a complaint is not a repair
        ({"is_paid_repair": True}, "repair_scope"),
        ({"help_type": "medical"}, "help_type"),  # a complaint is not a help request
        ({"received_at": now + timedelta(minutes=6)}, "received_at"),
        ({"received_at": now + timedelta(days=1)}, "received_at"),
        (
            {"received_at": now - timedelta(hours=1), "agreed_reply_at": now - timedelta(hours=2)},
            "agreed_reply_at",
        ),
        ({"project": "NOPE"}, "project"),
        ({"project": None, "place": "大堂"}, "project"),
        ({"room_id": 999999}, "room_id"),
        ({"room_id": world.other_room.pk}, "room_id"),  # not in SZHY
        ({"building_id": 999999}, "building_id"),
        ({"building_id": world.other_room.building_id}, "building_id"),
        ({"place": "  "}, "place"),
        ({"reporter_type": "resident"}, "resident_id"),  # no resident chosen
        ({"resident_id": 999999}, "resident_id"),
        ({"resident_id": stranger.pk, "reporter_type": "resident"}, "resident_id"),
        ({"reporter_type": "contact", "contact_name": "", "contact_phone": ""}, "contact_name"),
        # Kept as typed when it cannot be validated, but never cut: longer than the column.
        ({"contact_phone": "1" * 21}, "contact_phone"),
        ({"reporter_type": "anonymous", "contact_phone": ""}, "reporter_type"),  # has a name
        ({"reporter_type": "anonymous", "contact_name": ""}, "reporter_type"),  # has a phone
        (
            {
                "reporter_type": "anonymous",
                "contact_name": "",
                "contact_phone": "",
                "resident_id": world.resident.pk,
            },
            "reporter_type",
        ),
    ]
    for overrides, field in cases:
        data = new_ticket_data(**overrides)
        refused(
            InvalidInput,
            lambda data=data: services.register_ticket(world.agent, data, now=now),
            field=field,
        )


def test_registering_for_a_room_or_resident_outside_ones_scope_is_refused(world, now):
    refused(
        InvalidInput,
        lambda: services.register_ticket(
            world.agent, new_ticket_data(project=None, room_id=world.other_room.pk), now=now
        ),
        field="room_id",
    )
    refused(
        InvalidInput,
        lambda: services.register_ticket(
            world.agent,
            new_ticket_data(project=None, resident_id=world.neighbour.pk),
            now=now,
        ),
        field="resident_id",
    )
    refused(
        OutOfScope,
        lambda: services.register_ticket(
            world.agent,
            new_ticket_data(
                project="GZLY", place="大门", resident_id=None, reporter_type="anonymous"
            ),
            now=now,
        ),
        field="project",
    )


def test_a_resident_of_another_project_of_the_company_is_refused_and_not_read_back(world, now):
    """The resident must live in the request's project: a resident of 丽苑 named on a request
    of 华苑 is refused even for someone who works in both, with nothing of them read back."""
    both = world.hq  # the whole company: 丽苑's residents are in the scope, not in the project
    for actor in (world.agent, both):
        error = refused(
            InvalidInput,
            lambda actor=actor: services.register_ticket(
                actor,
                new_ticket_data(
                    project="SZHY", room_id=world.room.pk, resident_id=world.neighbour.pk
                ),
                now=now,
            ),
            field="resident_id",
        )
        assert "李娜" not in error.message and "13987654321" not in error.message
    # Someone who works in both may register for 丽苑's resident: their home tells the project.
    ticket, _ = services.register_ticket(
        both,
        new_ticket_data(project=None, place="", reporter_type="resident", contact_name="",
                        contact_phone="", resident_id=world.neighbour.pk),
        now=now,
    )  # fmt: skip
    assert (ticket.project, ticket.room, ticket.contact_name) == (
        world.other_project, world.other_room, "李娜",
    )  # fmt: skip


def test_a_category_switched_off_is_refused_at_once_though_it_was_just_used(world, now):
    services.register_ticket(world.agent, new_ticket_data(category="FAC-GATE"), now=now)
    gate = Category.objects.get(code="FAC-GATE")  # read once, and kept for a minute
    gate.is_active = False
    gate.save()  # as the admin saves it

    with pytest.raises(InvalidInput) as refused:
        services.register_ticket(world.agent, new_ticket_data(category="FAC-GATE"), now=now)
    assert refused.value.field == "category"
