"""Returning and transferring work orders (退单 / 转派, SPEC §4): a department that is not the
right one sends the work back or on, and the ticket follows where the work is."""

from __future__ import annotations

from datetime import timedelta

from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status, WorkOrderStatus

from .helpers import (  # noqa: F401
    assert_one_event,
    dispatch_security,
    event_mark,
    fast_passwords,
    fresh,
    refused,
    ticket_in,
)

LATER = timedelta(hours=1)


def test_a_department_returning_its_only_order_sends_the_ticket_back_for_dispatch(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER
    mark = event_mark()

    order = services.return_work_order(
        world.handler, ticket, work_order=1, reason="是门禁问题,不归工程部", now=at
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.ACCEPTED
    assert (order.status, order.return_reason, order.completed_at) == (
        WorkOrderStatus.RETURNED,
        "是门禁问题,不归工程部",
        at,
    )
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.WORK_ORDER_RETURNED,
        actor=world.handler,
        at=at,
        from_status=Status.DISPATCHED,
        to_status=Status.ACCEPTED,
    )
    assert event.work_order == order
    # Back in the queue, it can be dispatched again to the right department.
    again = dispatch_security(world, ticket, at + timedelta(minutes=5))
    assert again.sequence == 2
    assert fresh(ticket).status == Status.DISPATCHED


def test_returning_one_of_two_orders_leaves_the_ticket_with_the_other_department(world, now):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER
    dispatch_security(world, ticket, at)

    services.return_work_order(
        world.security_handler, ticket, work_order=2, reason="不归保安", now=at
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.IN_PROGRESS
    assert list(ticket.work_orders.values_list("status", flat=True)) == [
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.RETURNED,
    ]


def test_a_return_needs_a_reason_and_an_open_order(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER
    dispatch_security(world, ticket, at)
    services.return_work_order(world.supervisor, ticket, work_order=2, reason="派错了", now=at)

    refused(
        InvalidInput,
        lambda: services.return_work_order(world.handler, ticket, work_order=1, reason="", now=at),
        ticket,
        field="reason",
    )
    refused(
        InvalidTransition,
        lambda: services.return_work_order(
            world.supervisor, ticket, work_order=2, reason="再退", now=at
        ),
        ticket,
    )
    refused(
        NotFound,
        lambda: services.return_work_order(
            world.supervisor, ticket, work_order=9, reason="退", now=at
        ),
        ticket,
        field="work_order",
    )


def test_transferring_moves_the_order_to_the_right_department_with_the_same_deadline(world, now):
    ticket = ticket_in(world, now, "in_progress")
    old_deadline = ticket.work_orders.get().deadline
    at = now + LATER
    mark = event_mark()

    new = services.transfer(
        world.supervisor,
        ticket,
        work_order=1,
        department="SZHY-SEC",
        assignee="guard",
        reason="其实是门禁被人破坏,转保安部",
        now=at,
    )

    ticket = fresh(ticket)
    old = ticket.work_orders.get(sequence=1)
    assert (old.status, old.return_reason) == (
        WorkOrderStatus.RETURNED,
        "其实是门禁被人破坏,转保安部",
    )
    assert (new.sequence, new.department, new.assignee, new.status, new.deadline) == (
        2,
        world.security,
        world.security_handler,
        WorkOrderStatus.DISPATCHED,
        old_deadline,
    )
    # Nobody works on it until the new department starts.
    assert ticket.status == Status.DISPATCHED
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.TRANSFERRED,
        actor=world.supervisor,
        at=at,
        from_status=Status.IN_PROGRESS,
        to_status=Status.DISPATCHED,
    )
    assert event.work_order == new
    assert (event.data["from_department"], event.data["department"]) == ("SZHY-ENG", "SZHY-SEC")


def test_a_transfer_may_set_a_new_deadline(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER

    new = services.transfer(
        world.supervisor,
        ticket,
        work_order=1,
        department="SZHY-SEC",
        reason="转保安部",
        deadline=at + timedelta(days=1),
        now=at,
    )

    assert new.deadline == at + timedelta(days=1)


def test_a_transfer_is_refused_naming_the_field_that_is_wrong(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER
    cases = [
        ({"reason": ""}, "reason"),
        ({"department": "SZHY-ENG"}, "department"),  # the same department
        ({"department": "NOPE"}, "department"),
        ({"assignee": "handler"}, "assignee"),  # not of the security department
        ({"deadline": at - timedelta(hours=1)}, "deadline"),
    ]
    for overrides, field in cases:
        kwargs = {"work_order": 1, "department": "SZHY-SEC", "reason": "转派", **overrides}
        refused(
            InvalidInput,
            lambda kwargs=kwargs: services.transfer(world.supervisor, ticket, now=at, **kwargs),
            ticket,
            field=field,
        )
    # After the old deadline has passed, a transfer must set a new one.
    late = now + timedelta(hours=5)
    refused(
        InvalidInput,
        lambda: services.transfer(
            world.supervisor, ticket, work_order=1, department="SZHY-SEC", reason="转", now=late
        ),
        ticket,
        field="deadline",
    )


def test_a_transfer_to_a_department_already_working_on_the_ticket_is_refused(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER
    dispatch_security(world, ticket, at)

    refused(
        InvalidTransition,
        lambda: services.transfer(
            world.supervisor, ticket, work_order=1, department="SZHY-SEC", reason="转", now=at
        ),
        ticket,
        field="department",
    )
