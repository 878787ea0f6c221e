"""What the tickets pages show of the domains above tickets comes from what those domains
register (tickets.extensions, tickets.moves): the ticket page offers their moves in the page's
order, and without a registration a page shows nothing of that domain rather than failing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from propdesk.tickets import extensions, moves
from propdesk.tickets.moves import PAGE_MOVES, add_move_form, reason_fields


def test_the_moves_of_callbacks_and_sla_take_their_places_among_the_ticket_pages_buttons():
    assert PAGE_MOVES.index("callback") == PAGE_MOVES.index("resolve") + 1
    assert PAGE_MOVES[PAGE_MOVES.index("submit_plan") + 1 :][:3] == [
        "escalate",
        "set_grade",
        "update",
    ]
    assert len(PAGE_MOVES) == len(set(PAGE_MOVES))


def test_a_move_registered_again_keeps_one_button(monkeypatch):
    monkeypatch.setattr(moves, "PAGE_MOVES", list(PAGE_MOVES))
    monkeypatch.setattr(moves, "_added_forms", dict(moves._added_forms))
    add_move_form("escalate", lambda forms: reason_fields(), after="cancel")
    assert moves.PAGE_MOVES.count("escalate") == 1
    assert moves.PAGE_MOVES[-1] == "escalate"


@pytest.mark.parametrize(
    ("provider", "args", "nothing"),
    [
        (extensions.urgent_clocks, ([], timezone.now()), {}),
        (extensions.overdue_by, ([], timezone.now()), {}),
        (extensions.handling_due, (None,), None),
        (extensions.clock_name, ("handle",), ""),
    ],
)
def test_without_a_registration_a_page_shows_nothing_of_that_domain(
    monkeypatch, provider, args, nothing
):
    monkeypatch.setattr(provider, "_registered", None)
    assert provider(*args) == nothing


def test_without_hot_issues_intake_finds_nothing_similar(monkeypatch):
    monkeypatch.setattr(extensions.similar_open_requests, "_registered", None)
    found = extensions.similar_open_requests(
        None, project_id=1, category_id=None, building_id=None, place="", description=""
    )
    assert found == ([], [])


def test_a_page_part_names_a_slot_the_pages_have():
    with pytest.raises(ValueError, match="no page slot"):
        extensions.add_page_part(extensions.PagePart("sidebar", "x", "x.html", lambda ticket: None))
