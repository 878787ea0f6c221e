"""A claimed amount of 1e30 made ``quantize`` fail (decimal.InvalidOperation, a 500) before the
bound was checked: now a 400 naming ``claimed_amount``, and the ticket is unchanged."""

from __future__ import annotations

import pytest

from .helpers import register
from .test_api_helpers import ApiClient, earlier, quick_password_hashing  # noqa: F401


@pytest.mark.parametrize("amount", ["1e30", "1e12", "-1", "12.345"])
def test_an_impossible_claimed_amount_is_refused_naming_it(world, amount):
    ticket = register(world, earlier())

    response = ApiClient(world.agent).act(ticket.number, "update", claimed_amount=amount)

    assert response.status_code == 400, response.content
    assert response.json()["field"] == "claimed_amount"
    ticket.refresh_from_db()
    assert ticket.claimed_amount is None
