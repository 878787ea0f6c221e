"""Callback, close and reopen (SPEC §4, §6): satisfied callbacks lead to closing, unsatisfied
ones reopen the request for dispatch, every closure has its reason, closing deletes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from propdesk.callbacks import services as callback_services
from propdesk.callbacks.choices import SATISFIED_LEVELS, Satisfaction
from propdesk.core.errors import InvalidInput, PermissionDenied
from propdesk.tickets import services
from propdesk.tickets.choices import ClosureReason, EventKind, Status, WorkOrderStatus

from .helpers import (  # noqa: F401
    assert_one_event,
    event_mark,
    fast_passwords,
    fresh,
    refused,
    ticket_in,
)

LATER = timedelta(hours=1)
UNSATISFIED = sorted(set(Satisfaction.values) - SATISFIED_LEVELS)


@pytest.mark.parametrize("level", sorted(SATISFIED_LEVELS))
def test_a_satisfied_callback_marks_the_callback_done(world, now, level):
    ticket = ticket_in(world, now, "resolved")
    at = now + LATER
    mark = event_mark()

    callback = callback_services.record_callback(
        world.agent, ticket, satisfaction=level, comment="师傅很专业", now=at
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.CALLBACK_DONE
    assert ticket.callback_at == at
    assert ticket.reopen_count == 0
    assert (callback.satisfaction, callback.called_by, callback.called_at, callback.comment) == (
        level,
        world.agent,
        at,
        "师傅很专业",
    )
    assert list(ticket.callbacks.all()) == [callback]
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.CALLBACK_RECORDED,
        actor=world.agent,
        at=at,
        from_status=Status.RESOLVED,
        to_status=Status.CALLBACK_DONE,
    )
    assert event.data["satisfaction"] == level


@pytest.mark.parametrize("level", UNSATISFIED)
def test_an_unsatisfied_callback_reopens_the_ticket_for_dispatch(world, now, level):
    ticket = ticket_in(world, now, "resolved")
    at = now + LATER
    mark = event_mark()

    callback_services.record_callback(
        world.quality, ticket, satisfaction=level, comment="还是响", now=at
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.REOPENED
    assert ticket.reopen_count == 1
    assert ticket.resolved_at is None
    assert ticket.callback_at == at
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.CALLBACK_RECORDED,
        actor=world.quality,
        at=at,
        from_status=Status.RESOLVED,
        to_status=Status.REOPENED,
    )
    assert event.data["reopened"] is True
    # Back to dispatch (seed 002 作业指导书 4.6): a new work order for the department.
    order = services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=at + timedelta(hours=4),
        now=at + timedelta(minutes=5),
    )
    assert order.sequence == 2
    assert fresh(ticket).status == Status.DISPATCHED


def test_each_unsatisfied_callback_counts_one_more_reopen(world, now):
    ticket = ticket_in(world, now, "reopened")
    at = now + LATER
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at + timedelta(hours=4), now=at
    )
    services.resolve(world.supervisor, ticket, result="再次维修", now=at + timedelta(minutes=30))

    callback_services.record_callback(
        world.agent, ticket, satisfaction="very_dissatisfied", now=at + timedelta(hours=2)
    )

    assert fresh(ticket).reopen_count == 2


def test_a_visit_callback_needs_the_residents_confirmation(world, now):
    ticket = ticket_in(world, now, "resolved")
    at = now + LATER

    refused(
        InvalidInput,
        lambda: callback_services.record_callback(
            world.agent, ticket, satisfaction="satisfied", method="visit", now=at
        ),
        ticket,
        field="resident_confirmation",
    )
    callback = callback_services.record_callback(
        world.agent,
        ticket,
        satisfaction="satisfied",
        method="visit",
        resident_confirmation="张伟 签字",
        now=at,
    )
    assert callback.resident_confirmation == "张伟 签字"


def test_a_callback_is_refused_naming_the_field_that_is_wrong(world, now):
    ticket = ticket_in(world, now, "resolved")
    at = now + LATER

    refused(
        InvalidInput,
        lambda: callback_services.record_callback(world.agent, ticket, satisfaction="meh", now=at),
        ticket,
        field="satisfaction",
    )
    refused(
        InvalidInput,
        lambda: callback_services.record_callback(
            world.agent, ticket, satisfaction="satisfied", method="telegram", now=at
        ),
        ticket,
        field="method",
    )


def close_and_check(world, ticket, *, actor, reason, note="", at, has_case_value=False):
    before = fresh(ticket).status
    mark = event_mark()

    services.close(actor, ticket, reason=reason, note=note, has_case_value=has_case_value, now=at)

    closed = fresh(ticket)
    assert closed.status == Status.CLOSED
    assert (closed.closed_at, closed.closure_reason, closed.closure_note) == (at, reason, note)
    event = assert_one_event(
        mark,
        closed,
        kind=EventKind.CLOSED,
        actor=actor,
        at=at,
        from_status=before,
        to_status=Status.CLOSED,
    )
    assert event.data["reason"] == reason
    return closed, event


def test_a_ticket_is_closed_after_a_satisfied_callback(world, now):
    ticket = ticket_in(world, now, "callback_done")

    closed, _ = close_and_check(
        world,
        ticket,
        actor=world.agent,
        reason=ClosureReason.SATISFIED,
        at=now + LATER,
        has_case_value=True,
    )

    assert closed.has_case_value
    assert closed.resolved_at is not None


def test_a_request_handled_on_the_spot_is_closed_once_the_resident_confirms(world, now):
    ticket = ticket_in(world, now, "registered", kind="consultation", category="OTHER")
    services.answer(world.agent, ticket, content="已当场解答", channel="visit", now=now + LATER)

    close_and_check(
        world,
        ticket,
        actor=world.agent,
        reason=ClosureReason.CONFIRMED_ON_SPOT,
        note="住户当面确认",
        at=now + 2 * LATER,
    )


def test_an_anonymous_request_is_closed_without_callback(world, now):
    ticket = ticket_in(
        world,
        now,
        "resolved",
        resident_id=None,
        reporter_type="anonymous",
        project="SZHY",
        place="地下车库B2",
    )

    closed, _ = close_and_check(
        world, ticket, actor=world.agent, reason=ClosureReason.NO_CONTACT, at=now + LATER
    )

    assert closed.callbacks.count() == 0


def test_closing_for_no_contact_when_there_is_a_phone_needs_an_explanation(world, now):
    with_resident = ticket_in(world, now, "resolved")
    with_contact = ticket_in(
        world,
        now,
        "resolved",
        resident_id=None,
        reporter_type="contact",
        contact_name="快递员",
        contact_phone="13700001111",
        project="SZHY",
        place="东门",
    )
    at = now + LATER

    for ticket in (with_resident, with_contact):
        refused(
            InvalidInput,
            lambda ticket=ticket: services.close(
                world.agent, ticket, reason=ClosureReason.NO_CONTACT, now=at
            ),
            ticket,
            field="note",
        )
    close_and_check(
        world,
        with_contact,
        actor=world.agent,
        reason=ClosureReason.NO_CONTACT,
        note="连续三天拨打无人接听",
        at=at,
    )


@pytest.mark.parametrize("reason", [ClosureReason.DISAGREEMENT, ClosureReason.BEYOND_AUTHORITY])
def test_a_contested_closure_is_a_managers_call_with_the_companys_position(world, now, reason):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER

    refused(
        PermissionDenied,
        lambda: services.close(world.agent, ticket, reason=reason, note="立场", now=at),
        ticket,
    )
    refused(
        InvalidInput,
        lambda: services.close(world.manager, ticket, reason=reason, note=" ", now=at),
        ticket,
        field="note",
    )
    closed, event = close_and_check(
        world,
        ticket,
        actor=world.manager,
        reason=reason,
        note="已提供维保记录和检测报告,公司已按合同履约",
        at=at,
    )
    assert closed.work_orders.get().status == WorkOrderStatus.CANCELLED
    assert event.data["cancelled_work_orders"] == [1]


def test_an_unknown_closure_reason_is_refused(world, now):
    ticket = ticket_in(world, now, "callback_done")

    refused(
        InvalidInput,
        lambda: services.close(world.agent, ticket, reason="bored", now=now + LATER),
        ticket,
        field="reason",
    )


def test_closing_keeps_the_ticket_and_all_its_history(world, now):
    ticket = ticket_in(world, now, "callback_done")
    before = list(ticket.events.values_list("pk", "kind"))

    services.close(world.agent, ticket, reason=ClosureReason.SATISFIED, now=now + LATER)

    ticket = fresh(ticket)
    after = list(ticket.events.values_list("pk", "kind"))
    assert after[: len(before)] == before
    assert after[-1][1] == EventKind.CLOSED
    assert [kind for _, kind in after] == [
        EventKind.REGISTERED,
        EventKind.ACCEPTED,
        EventKind.DISPATCHED,
        EventKind.STARTED,
        EventKind.RESOLVED,
        EventKind.CALLBACK_RECORDED,
        EventKind.CLOSED,
    ]
    assert ticket.work_orders.count() == 1
    assert ticket.callbacks.count() == 1


def test_reopening_a_closed_ticket_sends_it_back_to_dispatch(world, now):
    ticket = ticket_in(world, now, "callback_done")
    services.close(
        world.agent, ticket, reason=ClosureReason.SATISFIED, note="住户表扬师傅", now=now + LATER
    )
    at = now + timedelta(days=2)
    mark = event_mark()

    services.reopen(world.agent, ticket, reason="住户反映电梯又停了", now=at)

    ticket = fresh(ticket)
    assert ticket.status == Status.REOPENED
    assert ticket.reopen_count == 1
    assert (ticket.closed_at, ticket.closure_reason, ticket.closure_note, ticket.resolved_at) == (
        None,
        "",
        "",
        None,
    )
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.REOPENED,
        actor=world.agent,
        at=at,
        from_status=Status.CLOSED,
        to_status=Status.REOPENED,
    )
    assert event.note == "住户反映电梯又停了"
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at + timedelta(hours=4), now=at
    )
    assert fresh(ticket).status == Status.DISPATCHED


def test_a_resolved_ticket_may_be_reopened_before_the_callback(world, now):
    ticket = ticket_in(world, now, "resolved")
    at = now + LATER
    mark = event_mark()

    services.reopen(world.supervisor, ticket, reason="住户来电说没修好", now=at)

    assert fresh(ticket).status == Status.REOPENED
    assert_one_event(
        mark,
        ticket,
        kind=EventKind.REOPENED,
        actor=world.supervisor,
        at=at,
        from_status=Status.RESOLVED,
        to_status=Status.REOPENED,
    )


def test_reopening_needs_a_reason(world, now):
    ticket = ticket_in(world, now, "closed")

    refused(
        InvalidInput,
        lambda: services.reopen(world.agent, ticket, reason="", now=now + LATER),
        ticket,
        field="reason",
    )
