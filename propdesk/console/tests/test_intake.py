"""Intake: find the caller, fill the form, read it back, register; refusals named; the
household file and the same-place check shown beside the form."""

import pytest
from django.utils import timezone

from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register


def form(world, **overrides):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "3栋电梯停在12楼",
        "expectation": "今天修好",
        "reporter_type": "resident",
        "resident_id": world.resident.pk,
        "room_id": world.room.pk,
        "client_ref": "console-test-1",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def test_the_read_back_comes_first_then_the_ticket_is_registered(world, client):
    client.force_login(world.agent)
    review = client.post("/intake/", form(world))
    html = review.content.decode()
    assert review.status_code == 200
    assert 'id="readback"' in html and "张伟" in html and "3栋2单元1101" in html
    assert not Ticket.objects.exists()
    saved = client.post("/intake/", form(world, confirmed="1"))
    ticket = Ticket.objects.get()
    assert saved.headers["Location"] == f"/tickets/{ticket.number}/"
    assert (ticket.resident, ticket.room, ticket.expectation) == (
        world.resident,
        world.room,
        "今天修好",
    )
    # Pressing the button twice registers once.
    client.post("/intake/", form(world, confirmed="1"))
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": ""}, "description"),
        ({"category": ""}, "category"),
        ({"received_at": "not a time"}, "received_at"),
    ],
)
def test_a_missing_or_wrong_field_is_named_and_nothing_is_saved(world, client, overrides, field):
    client.force_login(world.agent)
    answer = client.post("/intake/", form(world, **overrides))
    assert answer.status_code == 400
    assert f'name="{field}"' in answer.content.decode()
    assert 'id="intake-error"' in answer.content.decode()
    assert not Ticket.objects.exists()


def test_the_caller_is_found_by_phone_and_the_household_file_shown(world, client):
    client.force_login(world.agent)
    found = client.get("/intake/household/", {"phone": "5678"}).content.decode()
    assert "张伟" in found and "3栋2单元1101" in found
    register(world, timezone.now())
    household = client.get(
        "/intake/household/", {"resident": world.resident.pk, "room": world.room.pk}
    )
    assert "未结诉求 (1)" in household.content.decode()


def test_what_is_open_at_the_same_place_is_shown_before_saving(world, client):
    earlier = register(world, timezone.now())
    client.force_login(world.agent)
    similar = client.get(
        "/intake/similar/",
        {"room_id": world.room.pk, "category": "FAC-ELEV", "description": "电梯又坏了"},
    )
    assert earlier.number in similar.content.decode()


def test_an_outsider_cannot_register_in_another_project(world, client):
    client.force_login(world.outsider)
    answer = client.post("/intake/", form(world, confirmed="1"))
    assert answer.status_code in (400, 403)
    assert not Ticket.objects.exists()


def test_the_read_back_shows_a_phone_kept_unvalidated_with_its_warning(world, client):
    client.force_login(world.agent)

    kept = client.post("/intake/", form(world, contact_phone="abc")).content.decode()
    assert 'id="readback-phone-warning"' in kept and "未能核实" in kept
    valid = client.post("/intake/", form(world, contact_phone="+86 755 1234 5678")).content
    assert "0755 1234 5678" in valid.decode()
    assert "readback-phone-warning" not in valid.decode()


@pytest.mark.parametrize("typed", ["+86 755 2233 4455", "0755-22334455", "4455"])
def test_the_caller_is_found_whichever_way_the_number_is_typed(world, client, typed):
    from propdesk.residents.models import Residency, Resident

    caller = Resident.objects.create(company=world.company, name="陈静", phone="075522334455")
    Residency.objects.create(resident=caller, room=world.room, relation="tenant")
    client.force_login(world.agent)

    found = client.get("/intake/household/", {"phone": typed}).content.decode()

    assert "陈静" in found and "张伟" not in found
