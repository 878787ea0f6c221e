"""The ticket lists: only what is in the user's scope, narrowed by the list filters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from propdesk.core.errors import InvalidInput
from propdesk.tickets import services
from propdesk.tickets.services import TicketFilter, filter_tickets, tickets_for

from .helpers import fast_passwords, register, ticket_in  # noqa: F401
from .scenarios import new_ticket_data

SHANGHAI = ZoneInfo("Asia/Shanghai")


def numbers(qs) -> set[str]:
    return set(qs.values_list("number", flat=True))


@pytest.fixture
def tickets(world, now):
    elevator = ticket_in(world, now, "dispatched")  # FAC-ELEV, assigned to nobody yet
    water = register(world, now, category="FAC-WATER", description="地下室漏水")
    repair = register(world, now, kind="repair", category="HOUSE-DOOR", description="门锁坏")
    elsewhere, _ = services.register_ticket(
        world.hq,
        new_ticket_data(
            project="GZLY",
            reporter_type="anonymous",
            contact_name="",
            contact_phone="",
            place="1栋",
        ),
        now=now,
    )
    return {"elevator": elevator, "water": water, "repair": repair, "elsewhere": elsewhere}


def test_a_user_lists_only_the_tickets_of_their_projects(world, tickets):
    mine = {t.number for k, t in tickets.items() if k != "elsewhere"}

    assert numbers(tickets_for(world.agent)) == mine
    assert numbers(tickets_for(world.outsider)) == {tickets["elsewhere"].number}
    assert numbers(tickets_for(world.hq)) == {t.number for t in tickets.values()}


def test_tickets_are_filtered_by_status_kind_and_category(world, tickets):
    qs = tickets_for(world.agent)

    assert numbers(filter_tickets(qs, TicketFilter(status=["dispatched"]))) == {
        tickets["elevator"].number
    }
    assert numbers(filter_tickets(qs, TicketFilter(kind="repair"))) == {tickets["repair"].number}
    assert numbers(filter_tickets(qs, TicketFilter(category="FAC-WATER"))) == {
        tickets["water"].number
    }
    # A top-level category includes everything filed under it.
    assert numbers(filter_tickets(qs, TicketFilter(category="FAC"))) == {
        tickets["elevator"].number,
        tickets["water"].number,
    }


def test_tickets_are_found_by_text_number_or_phone(world, tickets):
    qs = tickets_for(world.agent)

    assert numbers(filter_tickets(qs, TicketFilter(text="漏水"))) == {tickets["water"].number}
    assert numbers(filter_tickets(qs, TicketFilter(text=tickets["repair"].number))) == {
        tickets["repair"].number
    }
    assert len(numbers(filter_tickets(qs, TicketFilter(text="5678")))) == 3


def test_tickets_are_filtered_by_department_and_by_grade(world, tickets):
    qs = tickets_for(world.agent)

    assert numbers(filter_tickets(qs, TicketFilter(department="SZHY-ENG"))) == {
        tickets["elevator"].number
    }
    assert len(numbers(filter_tickets(qs, TicketFilter(grade="4")))) == 3
    assert numbers(filter_tickets(qs, TicketFilter(grade="major"))) == set()


def test_tickets_are_filtered_by_the_shanghai_day_they_were_received(world, now):
    late = register(world, datetime(2026, 9, 9, 23, 30, tzinfo=SHANGHAI))
    early = register(world, datetime(2026, 9, 10, 0, 30, tzinfo=SHANGHAI))
    qs = tickets_for(world.agent)
    ninth = TicketFilter(created_from=date(2026, 9, 9), created_to=date(2026, 9, 9))

    assert numbers(filter_tickets(qs, ninth)) == {late.number}
    with timezone.override(ZoneInfo("UTC")):
        assert numbers(filter_tickets(qs, ninth)) == {late.number}
    tenth = TicketFilter(created_from=date(2026, 9, 10))
    assert numbers(filter_tickets(qs, tenth)) == {early.number}


@pytest.mark.parametrize(
    ("flt", "field"),
    [
        (TicketFilter(status=["open", "closed"]), "status"),
        (TicketFilter(kind="gossip"), "kind"),
        (TicketFilter(category="NOPE"), "category"),
        (TicketFilter(grade="5"), "grade"),
        (TicketFilter(created_from=date(2026, 9, 10), created_to=date(2026, 9, 9)), "created_from"),
    ],
    ids=["status", "kind", "category", "grade", "dates"],
)
def test_a_bad_filter_is_refused_naming_it(world, now, flt, field):
    with pytest.raises(InvalidInput) as info:
        filter_tickets(tickets_for(world.agent), flt)

    assert info.value.field == field


def test_the_assignee_filter_lists_only_open_work(world, now):
    ticket = ticket_in(world, now, "in_progress")  # the handler took the order when starting
    qs = tickets_for(world.supervisor)

    assert numbers(filter_tickets(qs, TicketFilter(assignee="handler"))) == {ticket.number}
    services.resolve(world.handler, ticket, result="好了", now=now + timedelta(hours=1))
    assert numbers(filter_tickets(qs, TicketFilter(assignee="handler"))) == set()
