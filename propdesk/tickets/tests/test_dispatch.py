"""Dispatch to departments and the work orders' own moves: return, transfer, start, complete,
resolve (SPEC §4: one work order per department, each with its deadline)."""

from __future__ import annotations

from datetime import timedelta

from propdesk.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from propdesk.org.choices import Role
from propdesk.org.models import Department
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status, WorkOrderStatus

from .helpers import (  # noqa: F401
    assert_one_event,
    dispatch_security,
    event_mark,
    events_since,
    fast_passwords,
    fresh,
    refused,
    ticket_in,
)

LATER = timedelta(hours=1)


def test_dispatching_makes_a_work_order_for_the_department_with_its_deadline(world, now):
    ticket = ticket_in(world, now, "accepted")
    at = now + LATER
    deadline = at + timedelta(hours=4)
    mark = event_mark()

    order = services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        assignee="handler",
        deadline=deadline,
        instructions="先断电再检查",
        now=at,
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.DISPATCHED
    assert ticket.first_dispatched_at == at
    assert (order.sequence, order.department, order.assignee) == (
        1,
        world.engineering,
        world.handler,
    )
    assert (order.status, order.deadline, order.instructions) == (
        WorkOrderStatus.DISPATCHED,
        deadline,
        "先断电再检查",
    )
    assert (order.dispatched_by, order.dispatched_at) == (world.supervisor, at)
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.DISPATCHED,
        actor=world.supervisor,
        at=at,
        from_status=Status.ACCEPTED,
        to_status=Status.DISPATCHED,
    )
    assert event.work_order == order
    assert event.data["department"] == "SZHY-ENG"
    assert event.data["assignee"] == "handler"


def test_a_second_department_gets_its_own_order_and_the_first_dispatch_time_stays(world, now):
    ticket = ticket_in(world, now, "dispatched")
    first = ticket.first_dispatched_at
    at = now + LATER
    mark = event_mark()

    order = dispatch_security(world, ticket, at)

    ticket = fresh(ticket)
    assert order.sequence == 2
    assert list(ticket.work_orders.values_list("department__code", "status")) == [
        ("SZHY-ENG", WorkOrderStatus.DISPATCHED),
        ("SZHY-SEC", WorkOrderStatus.DISPATCHED),
    ]
    assert ticket.first_dispatched_at == first
    assert_one_event(
        mark,
        ticket,
        kind=EventKind.DISPATCHED,
        actor=world.supervisor,
        at=at,
        from_status=Status.DISPATCHED,
        to_status=Status.DISPATCHED,
    )


def test_dispatching_another_department_while_work_is_under_way_keeps_it_in_progress(world, now):
    ticket = ticket_in(world, now, "in_progress")

    dispatch_security(world, ticket, now + LATER)

    assert fresh(ticket).status == Status.IN_PROGRESS


def test_a_region_or_hq_department_may_be_dispatched_to(world, now):
    legal = Department.objects.create(
        company=world.company, code="HQ-LEGAL", name="法务部", kind="legal"
    )
    ticket = ticket_in(world, now, "accepted")

    order = services.dispatch(
        world.hq, ticket, department="HQ-LEGAL", deadline=now + timedelta(days=3), now=now + LATER
    )

    assert order.department == legal


def test_dispatch_is_refused_naming_the_field_that_is_wrong(world, now):
    ticket = ticket_in(world, now, "accepted")
    at = now + LATER
    Department.objects.create(
        company=world.company,
        project=world.project,
        code="SZHY-OLD",
        name="旧部门",
        kind="other",
        is_active=False,
    )
    cases = [
        ({"department": "NOPE"}, "department"),
        ({"department": "SZHY-OLD"}, "department"),
        ({"department": "GZLY-ENG"}, "department"),  # serves the other project
        ({"assignee": "nobody"}, "assignee"),
        ({"assignee": "guard"}, "assignee"),  # of the security department
        ({"deadline": at - timedelta(minutes=1)}, "deadline"),
        ({"deadline": at}, "deadline"),
        ({"deadline": None}, "deadline"),
        ({"fee_items": [services.FeeLine(quantity=1, name="辅材", unit_price=5)]}, "fee_items"),
    ]
    for overrides, field in cases:
        kwargs = {"department": "SZHY-ENG", "deadline": at + timedelta(hours=4), **overrides}
        refused(
            InvalidInput,
            lambda kwargs=kwargs: services.dispatch(world.supervisor, ticket, now=at, **kwargs),
            ticket,
            field=field,
        )


def test_a_department_with_an_open_order_is_not_dispatched_twice(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER

    refused(
        InvalidTransition,
        lambda: services.dispatch(
            world.supervisor,
            ticket,
            department="SZHY-ENG",
            deadline=at + timedelta(hours=1),
            now=at,
        ),
        ticket,
        field="department",
    )


def test_starting_work_puts_the_order_and_the_ticket_in_progress(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER
    mark = event_mark()

    order = services.start(world.handler, ticket, work_order=1, now=at)

    assert (order.status, order.started_at, order.assignee) == (
        WorkOrderStatus.IN_PROGRESS,
        at,
        world.handler,  # the handler who started an unassigned order takes it
    )
    ticket = fresh(ticket)
    assert ticket.status == Status.IN_PROGRESS
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.STARTED,
        actor=world.handler,
        at=at,
        from_status=Status.DISPATCHED,
        to_status=Status.IN_PROGRESS,
    )
    assert event.work_order == order


def test_a_supervisor_starting_an_order_does_not_become_its_assignee(world, now):
    ticket = ticket_in(world, now, "dispatched")

    order = services.start(world.supervisor, ticket, work_order=1, now=now + LATER)

    assert order.assignee is None


def test_an_order_already_started_cannot_be_started_again(world, now):
    ticket = ticket_in(world, now, "in_progress")

    refused(
        InvalidTransition,
        lambda: services.start(world.handler, ticket, work_order=1, now=now + LATER),
        ticket,
    )


def test_completing_one_of_two_orders_leaves_the_ticket_in_progress(world, now):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER
    dispatch_security(world, ticket, at)
    mark = event_mark()

    order = services.complete_work_order(
        world.handler, ticket, work_order=1, result="更换了主板", now=at + timedelta(minutes=30)
    )

    assert (order.status, order.result, order.completed_at) == (
        WorkOrderStatus.DONE,
        "更换了主板",
        at + timedelta(minutes=30),
    )
    ticket = fresh(ticket)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.WORK_ORDER_COMPLETED,
        actor=world.handler,
        at=at + timedelta(minutes=30),
    )
    assert event.work_order == order


def test_completing_the_last_open_order_resolves_the_ticket(world, now):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER
    mark = event_mark()

    services.complete_work_order(
        world.handler, ticket, work_order=1, result="更换了主板,电梯恢复", now=at
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.RESOLVED
    assert (ticket.resolved_at, ticket.resolution) == (at, "更换了主板,电梯恢复")
    events = events_since(mark)
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        (EventKind.WORK_ORDER_COMPLETED, "", ""),
        (EventKind.RESOLVED, Status.IN_PROGRESS, Status.RESOLVED),
    ]
    assert {(e.ticket_id, e.actor_id, e.at, e.work_order.sequence) for e in events} == {
        (ticket.pk, world.handler.pk, at, 1)
    }


def test_an_order_completed_without_being_started_counts_as_started_then(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER

    order = services.complete_work_order(world.handler, ticket, work_order=1, result="好了", now=at)

    assert (order.started_at, order.completed_at) == (at, at)
    assert fresh(ticket).status == Status.RESOLVED


def test_completing_needs_a_result_and_an_open_order(world, now):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER
    dispatch_security(world, ticket, at)
    services.complete_work_order(world.security_handler, ticket, work_order=2, result="好", now=at)

    refused(
        InvalidInput,
        lambda: services.complete_work_order(
            world.handler, ticket, work_order=1, result=" ", now=at
        ),
        ticket,
        field="result",
    )
    refused(
        InvalidTransition,
        lambda: services.complete_work_order(
            world.supervisor, ticket, work_order=2, result="再完成", now=at
        ),
        ticket,
    )


def test_resolving_the_ticket_completes_every_open_order_with_the_result(world, now):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER
    dispatch_security(world, ticket, at)
    mark = event_mark()

    services.resolve(world.supervisor, ticket, result="电梯修复,门禁已加固", now=at)

    ticket = fresh(ticket)
    assert ticket.status == Status.RESOLVED
    assert (ticket.resolved_at, ticket.resolution) == (at, "电梯修复,门禁已加固")
    assert list(ticket.work_orders.values_list("status", "result", "completed_at")) == [
        (WorkOrderStatus.DONE, "电梯修复,门禁已加固", at),
        (WorkOrderStatus.DONE, "电梯修复,门禁已加固", at),
    ]
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.RESOLVED,
        actor=world.supervisor,
        at=at,
        from_status=Status.IN_PROGRESS,
        to_status=Status.RESOLVED,
    )
    assert event.data["completed_work_orders"] == [1, 2]


def test_a_handler_cannot_resolve_for_another_department_still_working(world, now):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER
    dispatch_security(world, ticket, at)

    refused(
        PermissionDenied,
        lambda: services.resolve(world.handler, ticket, result="好了", now=at),
        ticket,
    )
    assert world.handler.role == Role.HANDLER


def test_resolving_needs_a_result(world, now):
    ticket = ticket_in(world, now, "in_progress")

    refused(
        InvalidInput,
        lambda: services.resolve(world.supervisor, ticket, result="", now=now + LATER),
        ticket,
        field="result",
    )
