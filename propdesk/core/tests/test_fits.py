"""Text longer than its column, or a number past its precision, is a 400 naming the field
(core.fits): PostgreSQL answered both with a DataError, a 500 (found by fuzzing the API)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from propdesk.core.errors import InvalidInput
from propdesk.core.fits import check_fits
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import (  # noqa: F401
    ApiClient,
    earlier,
    phone_complaint,
    quick_password_hashing,
)


@pytest.mark.parametrize(("field", "limit"), [("place", 200), ("contact_name", 50)])
def test_a_new_ticket_with_text_longer_than_its_column_is_refused(world, field, limit):
    body = phone_complaint(world, **{field: "长" * 201})

    response = ApiClient(world.agent).post("/tickets", body)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["detail"] == f"最多 {limit} 个字"
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


def test_text_of_exactly_the_columns_length_is_kept(world):
    response = ApiClient(world.agent).post("/tickets", phone_complaint(world, place="楼" * 200))

    assert response.status_code == 201
    assert Ticket.objects.get().place == "楼" * 200


def test_a_decimal_past_its_columns_digits_is_refused_before_the_database(world):
    ticket = register(world, earlier())
    ticket.claimed_amount = Decimal("1e12")

    with pytest.raises(InvalidInput) as refused:
        check_fits(ticket)

    assert refused.value.field == "claimed_amount"
