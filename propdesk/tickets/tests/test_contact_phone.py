"""A contact phone at registration (SPEC §3): stored in the one form of residents/phones.py,
and kept as typed with a warning when it cannot be validated, never dropped."""

from __future__ import annotations

import pytest

from propdesk.core.errors import InvalidInput
from propdesk.tickets import services
from propdesk.tickets.models import Ticket

from .helpers import fast_passwords, refused  # noqa: F401
from .scenarios import new_ticket_data
from .test_api_helpers import ApiClient, phone_complaint, quick_password_hashing  # noqa: F401


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+86 755 1234 5678", "075512345678"),
        ("0755-12345678", "075512345678"),
        ("0755-12345678 转 801", "075512345678-801"),
        ("+86 137-0000-1111", "13700001111"),
    ],
)
def test_a_contact_phone_is_stored_in_its_one_form(world, now, typed, stored):
    ticket, _ = services.register_ticket(world.agent, new_ticket_data(contact_phone=typed), now=now)

    assert Ticket.objects.get(pk=ticket.pk).contact_phone == stored


def test_abc_is_kept_as_typed_not_dropped(world, now):
    ticket, _ = services.register_ticket(
        world.agent, new_ticket_data(contact_name="", contact_phone="abc"), now=now
    )

    assert Ticket.objects.get(pk=ticket.pk).contact_phone == "abc"


def test_a_phone_longer_than_the_column_is_refused_and_nothing_saved(world, now):
    refused(
        InvalidInput,
        lambda: services.register_ticket(
            world.agent, new_ticket_data(contact_phone="0755-12345678 转 80112345"), now=now
        ),
        field="contact_phone",
    )
    assert not Ticket.objects.exists()


def test_the_api_answers_a_warning_for_a_phone_kept_unvalidated(world):
    agent = ApiClient(world.agent)
    body = phone_complaint(
        world, reporter_type="contact", resident_id=None, contact_name="", contact_phone="abc"
    )

    response = agent.post("/tickets", body)

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["contact_phone"] == "***"  # masked like every phone, but kept
    assert "未能核实" in answer["contact_phone_warning"]
    assert agent.get(f"/tickets/{answer['number']}").json()["contact_phone_warning"]
    assert Ticket.objects.get().contact_phone == "abc"


def test_a_valid_phone_has_no_warning_in_the_api(world):
    agent = ApiClient(world.agent)

    response = agent.post("/tickets", phone_complaint(world, contact_phone="0755-12345678"))

    assert response.status_code == 201
    assert response.json()["contact_phone"] == "075*****5678"
    assert response.json()["contact_phone_warning"] == ""


def test_tickets_are_found_by_a_phone_written_another_way(world, now):
    services.register_ticket(world.agent, new_ticket_data(contact_phone="0755-12345678"), now=now)

    for text in ("+86 755 1234 5678", "0755 1234 5678", "12345678"):
        found = services.filter_tickets(
            services.tickets_for(world.agent), services.TicketFilter(text=text), now=now
        )
        assert found.count() == 1, text
