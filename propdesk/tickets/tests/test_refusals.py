"""Who may make which move, on which ticket, from which state (SPEC §1, §4).

Three matrices over every move: every role (and a user of the other project) against the role
table ``MOVE_ROLES``, and every state a move is not allowed from. Each attempt is undone
afterwards; a refused one must raise, write no event and change nothing (see ``attempt``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from propdesk.core.errors import OutOfScope
from propdesk.org import access
from propdesk.org.choices import Role
from propdesk.tickets import services
from propdesk.tickets.choices import ClosureReason, Status
from propdesk.tickets.services.closing import CLOSE_FROM

from .helpers import (  # noqa: F401
    attempt,
    dispatch_security,
    every_state,
    fast_passwords,
    fresh,
    refused,
    ticket_in,
)
from .scenarios import ALLOWED_FROM, MOVES, ROLES_FOR, new_ticket_data

STATES = list(Status.values)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("move", list(MOVES))
def test_each_move_is_open_exactly_to_the_roles_of_the_role_table_and_only_in_scope(
    world, now, move
):
    scenario = MOVES[move]
    ticket = ticket_in(world, now, scenario.state)
    ctx = scenario.context(world, now)
    at = now + timedelta(hours=1)
    users = {role: world.user(role) for role in Role.values} | {"outsider": world.outsider}

    outcomes = {
        name: attempt(lambda user=user: scenario.act(user, ticket, at, ctx), ticket, actor=user)
        for name, user in users.items()
    }

    expected = {role: "ok" if role in ROLES_FOR[move] else "PermissionDenied" for role in Role}
    assert outcomes == expected | {"outsider": "OutOfScope"}


@pytest.mark.parametrize("move", list(MOVES))
def test_a_move_is_refused_from_every_state_it_does_not_start_from(world, now, move):
    scenario = MOVES[move]
    ctx = scenario.context(world, now)
    at = now + timedelta(hours=1)

    outcomes = {
        t.status: attempt(lambda t=t: scenario.act(world.admin, t, at, ctx), t, actor=world.admin)
        for t in every_state(world, now)
        if t.status not in ALLOWED_FROM[move]
    }

    assert outcomes == {s: "InvalidTransition" for s in STATES if s not in ALLOWED_FROM[move]}


@pytest.mark.parametrize("reason", ClosureReason.values)
def test_each_closure_reason_is_refused_from_the_states_it_does_not_fit(world, now, reason):
    at = now + timedelta(hours=1)

    outcomes = {
        t.status: attempt(
            lambda t=t: services.close(world.admin, t, reason=reason, note="公司立场", now=at),
            t,
            actor=world.admin,
        )
        for t in every_state(world, now)
        if t.status not in CLOSE_FROM[reason]
    }

    assert outcomes == {s: "InvalidTransition" for s in STATES if s not in CLOSE_FROM[reason]}


#: Moves whose offer depends on more than the two tables (see the tests that follow).
REFINED = {"close", "start", "return", "resolve", "complete_work_order"}


def test_the_moves_offered_follow_the_state_and_role_tables(world, now):
    for ticket in every_state(world, now):
        for role in Role.values:
            offered = set(services.allowed_moves(world.user(role), ticket))
            table = {
                move
                for move, states in services.MOVE_FROM.items()
                if ticket.status in states and role in services.MOVE_ROLES[move]
            }
            assert offered <= table, (ticket.status, role)
            assert offered - REFINED == table - REFINED, (ticket.status, role)
        assert services.allowed_moves(world.outsider, ticket) == []


def offers(world, role_or_user, ticket) -> set[str]:
    user = world.user(role_or_user) if isinstance(role_or_user, str) else role_or_user
    return set(services.allowed_moves(user, fresh(ticket)))


def test_close_is_offered_only_when_a_closure_reason_fits_the_state_and_the_role(world, now):
    accepted = ticket_in(world, now, "accepted")
    resolved = ticket_in(world, now, "resolved")
    called_back = ticket_in(world, now, "callback_done")

    # From "accepted" only a contested closure fits, and that is a manager's call.
    assert "close" not in offers(world, "agent", accepted)
    assert "close" in offers(world, "supervisor", accepted)
    # A resolved ticket may be closed by the front desk (confirmed on the spot, no contact).
    assert "close" in offers(world, "agent", resolved)
    assert "close" in offers(world, "agent", called_back)
    assert "close" not in offers(world, "quality", called_back)


def test_a_handler_is_offered_work_order_moves_only_for_their_own_departments_orders(world, now):
    ticket = ticket_in(world, now, "dispatched")  # to engineering
    guard, engineer = world.security_handler, world.handler
    order_moves = {"return", "start", "complete_work_order", "resolve"}

    assert offers(world, engineer, ticket) & order_moves == order_moves
    assert offers(world, guard, ticket) & order_moves == set()

    dispatch_security(world, ticket, now + timedelta(hours=1))

    # Each may work their own order; resolving the whole ticket is no longer either's alone.
    assert offers(world, guard, ticket) & order_moves == order_moves - {"resolve"}
    assert offers(world, engineer, ticket) & order_moves == order_moves - {"resolve"}
    assert "resolve" in offers(world, "supervisor", ticket)


def test_start_is_offered_only_while_an_order_waits_to_be_started(world, now):
    ticket = ticket_in(world, now, "in_progress")  # its only order is started

    assert "start" not in offers(world, "supervisor", ticket)
    assert "complete_work_order" in offers(world, "supervisor", ticket)

    dispatch_security(world, ticket, now + timedelta(hours=1))

    assert "start" in offers(world, "supervisor", ticket)


@pytest.mark.parametrize("role", Role.values)
def test_every_role_may_register_a_request_it_receives(world, now, role):
    """首问责任制: whoever receives a request records it."""
    ticket, created = services.register_ticket(world.user(role), new_ticket_data(), now=now)

    assert created
    assert ticket.registered_by == world.user(role)
    assert ticket.status == Status.REGISTERED


def test_a_user_of_another_project_cannot_register_a_request_for_this_one(world, now):
    refused(
        OutOfScope,
        lambda: services.register_ticket(world.outsider, new_ticket_data(), now=now),
    )


def test_a_user_of_another_project_cannot_fetch_a_ticket_by_its_number(world, now):
    ticket = ticket_in(world, now, "registered")

    refused(OutOfScope, lambda: services.get_ticket(world.outsider, ticket.number), ticket)
    assert services.get_ticket(world.agent, ticket.number) == ticket


def test_a_deactivated_member_of_staff_can_make_no_move(world, now):
    ticket = ticket_in(world, now, "registered")
    world.agent.is_active = False
    world.agent.save()
    access.forget(world.agent)

    # Nothing is in a deactivated user's scope any more, so the refusal is OutOfScope.
    refused(
        OutOfScope,
        lambda: services.accept(world.agent, ticket, now=now + timedelta(hours=1)),
        ticket,
    )
    assert services.allowed_moves(world.agent, ticket) == []


def test_a_superuser_acts_as_administrator_whatever_role_is_on_file(world, now):
    ticket = ticket_in(world, now, "dispatched")
    world.quality.is_superuser = True
    world.quality.save()

    services.suspend(world.quality, ticket, reason="等住户在家", now=now + timedelta(hours=1))

    assert fresh(ticket).status == Status.SUSPENDED


def test_a_handler_works_only_the_work_orders_of_their_own_department(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + timedelta(hours=1)
    guard = world.security_handler

    outcomes = [
        attempt(call, ticket, actor=guard)
        for call in (
            lambda: services.start(guard, ticket, work_order=1, now=at),
            lambda: services.complete_work_order(guard, ticket, work_order=1, result="好", now=at),
            lambda: services.return_work_order(
                guard, ticket, work_order=1, reason="不归我", now=at
            ),
            lambda: services.resolve(guard, ticket, result="好了", now=at),
        )
    ]

    assert outcomes == ["PermissionDenied"] * 4


def test_a_handler_may_work_an_order_of_another_department_assigned_to_them(world, now):
    ticket = ticket_in(world, now, "dispatched")
    order = ticket.work_orders.get()
    order.assignee = world.security_handler  # set by an administrator outside the moves
    order.save()

    services.start(world.security_handler, ticket, work_order=1, now=now + timedelta(hours=1))

    assert fresh(ticket).status == Status.IN_PROGRESS
