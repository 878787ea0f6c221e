"""Tickets publish their events; the other domains subscribe in a fixed order and own what they
write (tickets/lifecycle.py, DESIGN.md "How an event travels")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from propdesk.core.errors import InvalidTransition
from propdesk.core.worker import start_steps
from propdesk.sla.models import SlaClock
from propdesk.tickets import lifecycle, services
from propdesk.tickets.actions import ACTIONS
from propdesk.tickets.choices import EventKind, Status, WorkOrderStatus
from propdesk.tickets.extensions import detail_parts
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.services.guards import move_work_order

from .helpers import fresh, register, walk


def test_the_subscribers_are_called_in_their_documented_order():
    assert [s.name for s in lifecycle.subscribers()] == [
        "sla",
        "sla.notices",
        "notify",
        "hotissues",
        "callbacks",
        "knowledge",
        "search",
    ]


def test_every_subscriber_sees_each_event_once_in_the_moves_transaction(world, now, monkeypatch):
    seen: list[tuple[str, str, bool]] = []

    def spy(ticket, event):
        # Inside the move: the clocks the sla subscriber started are already written.
        seen.append((event.kind, ticket.status, SlaClock.objects.filter(ticket=ticket).exists()))

    # Put back as it was after the test (subscribe() replaces the module's list).
    monkeypatch.setattr(lifecycle, "_subscribers", list(lifecycle.subscribers()))
    lifecycle.subscribe("zz-spy", spy, order=99)
    ticket = register(world, now)
    services.accept(world.agent, ticket, now=now + timedelta(minutes=5))
    assert seen == [
        (EventKind.REGISTERED, Status.REGISTERED, True),
        (EventKind.ACCEPTED, Status.ACCEPTED, True),
    ]


def test_a_subscriber_that_fails_undoes_the_move(world, now, monkeypatch):
    ticket = register(world, now)

    def broken(ticket, event):
        raise RuntimeError("the search index is down")

    monkeypatch.setattr(lifecycle, "_subscribers", list(lifecycle.subscribers()))
    lifecycle.subscribe("zz-broken", broken, order=99)
    with pytest.raises(RuntimeError):
        services.accept(world.agent, ticket, now=now + timedelta(minutes=5))
    ticket = fresh(ticket)
    assert ticket.status == Status.REGISTERED
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ACCEPTED).exists()


def test_registering_a_subscriber_again_replaces_it(monkeypatch):
    monkeypatch.setattr(lifecycle, "_subscribers", list(lifecycle.subscribers()))
    before = lifecycle.subscribers()
    first = before[0]
    lifecycle.subscribe(first.name, first.handler, order=first.order)
    assert lifecycle.subscribers() == before


def test_the_moves_other_domains_own_are_offered_in_the_lifecycle_order():
    names = list(ACTIONS)
    assert names.index("complete_work_order") + 1 == names.index("callback")
    assert names.index("reopen") + 1 == names.index("escalate")
    assert names.index("escalate") + 1 == names.index("set_grade")
    assert names.index("set_grade") + 1 == names.index("submit_plan")  # casework
    assert [p.name for p in detail_parts()] == ["clocks", "callbacks"]


def test_the_worker_start_steps_run_clocks_first_then_bookings():
    assert [s.name for s in start_steps()] == [
        "sla",
        "notify",
        "stats",
        "callbacks",
        "improvement",
        "suggest",
    ]


def test_a_work_order_changes_status_only_along_its_transitions(world, now):
    ticket = walk(world, now, to="resolved")
    order = ticket.work_orders.get()
    assert order.status == WorkOrderStatus.DONE
    with pytest.raises(InvalidTransition) as refused:
        move_work_order(order, WorkOrderStatus.IN_PROGRESS)
    assert refused.value.field == "work_order"
    with pytest.raises(InvalidTransition):
        move_work_order(order, WorkOrderStatus.CANCELLED, completed_at=now)
    order.refresh_from_db()
    assert order.status == WorkOrderStatus.DONE


def test_a_closed_tickets_open_work_orders_are_cancelled_through_the_guard(world, now):
    ticket = walk(world, now, to="dispatched")
    services.close(
        world.manager, ticket, reason="beyond_authority", note="属开发商责任",
        now=now + timedelta(hours=3),
    )  # fmt: skip
    order = Ticket.objects.get(pk=ticket.pk).work_orders.get()
    assert order.status == WorkOrderStatus.CANCELLED
    assert order.completed_at == now + timedelta(hours=3)
