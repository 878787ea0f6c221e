"""Routine visits (例行回访): the yearly plan covers every occupied household exactly once,
spread over the months; visits record what was said, raise requests in one step, and the
coverage counts against 100%."""

from collections import Counter

import pytest

from conftest import make_room
from propdesk.callbacks import visits
from propdesk.callbacks.models import PlannedVisit
from propdesk.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from propdesk.tickets.models import Ticket


@pytest.fixture
def estate(world):
    """37 households in the project (one vacant) and 2 in the other project."""
    rooms = [
        make_room(world.project, str(b), "1", f"{f:02d}01") for b in (5, 6, 7) for f in range(1, 13)
    ]
    rooms[5].is_occupied = False
    rooms[5].save()
    make_room(world.other_project, "9", "1", "0101")
    return rooms


def test_the_plan_covers_every_occupied_household_exactly_once(world, now, estate):
    plan = visits.generate_plan(world.supervisor, world.project, 2027, now=now)
    planned = list(plan.households.values_list("room_id", flat=True))
    occupied = set(visits.occupied_households(world.project).values_list("pk", flat=True))
    assert len(planned) == len(set(planned)) == len(occupied) == 36  # 36 new + world.room - 1
    assert set(planned) == occupied
    months = Counter(plan.households.values_list("month", flat=True))
    assert set(months) == set(range(1, 13))
    assert max(months.values()) - min(months.values()) <= 1


def test_generating_again_adds_only_households_that_became_occupied(world, now, estate):
    plan = visits.generate_plan(world.supervisor, world.project, 2027, now=now)
    first = dict(plan.households.values_list("room_id", "month"))
    estate[5].is_occupied = True
    estate[5].save()
    again = visits.generate_plan(world.supervisor, world.project, 2027, now=now)
    assert again.pk == plan.pk
    now_planned = dict(plan.households.values_list("room_id", "month"))
    assert len(now_planned) == len(first) + 1
    assert {k: now_planned[k] for k in first} == first


def test_a_supervisor_moves_a_household_to_another_month_until_it_is_visited(world, now, estate):
    plan = visits.generate_plan(world.supervisor, world.project, 2027, now=now)
    planned = plan.households.first()
    assert visits.move_household(world.supervisor, planned.pk, 12).month == 12
    with pytest.raises(InvalidInput):
        visits.move_household(world.supervisor, planned.pk, 13)
    visits.record_visit(
        world.agent,
        planned.pk,
        method="phone",
        service_quality="satisfied",
        staff_attitude="very_satisfied",
        now=now,
    )
    with pytest.raises(InvalidTransition):
        visits.move_household(world.supervisor, planned.pk, 3)


def test_a_visit_raises_requests_in_one_step_and_counts_toward_coverage(world, now, estate):
    plan = visits.generate_plan(world.supervisor, world.project, 2027, now=now)
    home = plan.households.get(room=world.room)
    visit = visits.record_visit(
        world.agent,
        home.pk,
        method="visit",
        service_quality="basically_satisfied",
        staff_attitude="satisfied",
        shortcomings="楼道保洁不及时",
        suggestions="增加保洁频次",
        resident_id=world.resident.pk,
        raised=[visits.Raised(category="ENV-CLEAN", description="楼道保洁不及时")],
        now=now,
    )
    ticket = visit.raised.get()
    assert (ticket.channel, ticket.resident, ticket.room) == (
        "callback",
        world.resident,
        world.room,
    )
    assert Ticket.objects.count() == 1
    cover = visits.coverage(plan)
    assert (cover.households, cover.planned, cover.visited, cover.percent) == (36, 36, 1, 2.8)
    with pytest.raises(InvalidTransition):
        visits.record_visit(
            world.agent,
            home.pk,
            method="phone",
            service_quality="satisfied",
            staff_attitude="satisfied",
            now=now,
        )


def test_who_may_plan_and_visit(world, now, estate):
    with pytest.raises(PermissionDenied):
        visits.generate_plan(world.agent, world.project, 2027, now=now)
    plan = visits.generate_plan(world.supervisor, world.project, 2027, now=now)
    with pytest.raises(PermissionDenied):
        visits.record_visit(
            world.handler,
            plan.households.first().pk,
            method="phone",
            service_quality="satisfied",
            staff_attitude="satisfied",
        )
    from propdesk.core.errors import OutOfScope

    with pytest.raises(OutOfScope):
        visits.generate_plan(world.outsider, world.project, 2027, now=now)
    assert PlannedVisit.objects.filter(plan__project=world.other_project).count() == 0


def test_the_months_are_spread_evenly():
    assert visits.spread(0) == []
    assert visits.spread(3) == [1, 5, 9]
    counts = Counter(visits.spread(100))
    assert max(counts.values()) - min(counts.values()) <= 1
