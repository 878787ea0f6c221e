from propdesk.tickets.choices import EventKind, Status

from .helpers import register


def test_registered_phone_complaint_gets_project_day_number_and_one_event(world, now):
    ticket = register(world, now)

    assert ticket.number == "SZHY-20260909-0001"
    assert ticket.status == Status.REGISTERED
    assert ticket.room == world.room  # the resident's only home is taken as the place
    assert ticket.contact_name == "张伟"
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.REGISTERED]


def test_numbers_count_up_within_a_day_and_restart_the_next(world, now):
    from datetime import timedelta

    first = register(world, now)
    second = register(world, now)
    next_day = register(world, now + timedelta(days=1))

    assert (first.number, second.number, next_day.number) == (
        "SZHY-20260909-0001",
        "SZHY-20260909-0002",
        "SZHY-20260910-0001",
    )
