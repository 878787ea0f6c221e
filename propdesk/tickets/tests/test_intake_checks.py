"""Registration names every refusal at once (SPEC §3): each field to correct with its own
message, through the service, a check that writes nothing, and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from propdesk.core.errors import InvalidInput, OutOfScope
from propdesk.tickets import services
from propdesk.tickets.models import Ticket, TicketEvent

from .helpers import fast_passwords  # noqa: F401
from .scenarios import new_ticket_data
from .test_api_helpers import ApiClient, phone_complaint, quick_password_hashing  # noqa: F401


def fields(errors) -> list[str]:
    return [e.field for e in errors]


def test_every_wrong_field_is_named_at_once_and_nothing_is_written(world, now):
    data = new_ticket_data(
        kind="rant",
        description=" ",
        category="NOPE",
        received_at=now + timedelta(days=1),
        contact_phone="1" * 21,
    )

    with pytest.raises(InvalidInput) as refused:
        services.register_ticket(world.agent, data, now=now)

    assert fields(refused.value.errors) == [
        "kind",
        "description",
        "category",
        "received_at",
        "contact_phone",
    ]
    # Raised as the first, as before: a caller that reads one error reads that one.
    assert refused.type is InvalidInput
    assert (refused.value.field, refused.value.message) == ("kind", refused.value.errors[0].message)
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()


def test_one_wrong_field_is_refused_as_before(world, now):
    with pytest.raises(InvalidInput) as refused:
        services.register_ticket(world.agent, new_ticket_data(category="NOPE"), now=now)

    assert refused.type is InvalidInput
    assert refused.value.field == "category"
    assert refused.value.errors == [refused.value]


def test_the_check_alone_names_the_same_refusals_and_writes_nothing(world, now):
    data = new_ticket_data(description="", received_at=now + timedelta(hours=2))

    errors = services.validate_ticket(world.agent, data, now=now)

    assert fields(errors) == ["description", "received_at"]
    assert services.validate_ticket(world.agent, new_ticket_data(), now=now) == []
    assert not Ticket.objects.exists()


def test_the_check_names_the_scope_too(world, now):
    data = new_ticket_data(description="")

    errors = services.validate_ticket(world.outsider, data, now=now)

    assert "description" in fields(errors)
    assert any(isinstance(e, OutOfScope) for e in errors)


def test_a_description_is_limited_in_length(world, now):
    limit = services.DESCRIPTION_MAX_LENGTH
    ticket, _ = services.register_ticket(
        world.agent, new_ticket_data(description="漏" * limit), now=now
    )
    assert len(ticket.description) == limit

    errors = services.validate_ticket(
        world.agent, new_ticket_data(description="漏" * (limit + 1)), now=now
    )
    assert fields(errors) == ["description"]
    assert str(limit) in errors[0].message


def test_the_api_answers_every_refused_field(world):
    agent = ApiClient(world.agent)
    body = phone_complaint(world, category="NOPE", description="", channel="pigeon")

    response = agent.post("/tickets", body)

    assert response.status_code == 400
    answer = response.json()
    assert answer["field"] == "channel"
    assert [e["field"] for e in answer["errors"]] == ["channel", "description", "category"]
    assert all(e["detail"] for e in answer["errors"])
    assert Ticket.objects.count() == 0
