"""The front desk's moves: accept, answer at once, progress notes, replies, suspend and resume
(SPEC §4). Each shows its outcome and writes exactly one event."""

from __future__ import annotations

from datetime import timedelta

from propdesk.core.errors import InvalidInput, NotFound
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status, WorkOrderStatus

from .helpers import (  # noqa: F401
    assert_one_event,
    event_mark,
    fast_passwords,
    fresh,
    refused,
    ticket_in,
)

LATER = timedelta(hours=1)


def test_accepting_a_request_puts_it_in_the_accepted_queue(world, now):
    ticket = ticket_in(world, now, "registered")
    at = now + LATER
    mark = event_mark()

    returned = services.accept(world.agent, ticket, note="客服中心受理", now=at)

    ticket = fresh(ticket)
    assert returned.status == ticket.status == Status.ACCEPTED
    assert ticket.accepted_at == at
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.ACCEPTED,
        actor=world.agent,
        at=at,
        from_status=Status.REGISTERED,
        to_status=Status.ACCEPTED,
    )
    assert event.note == "客服中心受理"


def test_answering_a_consultation_at_once_resolves_it_with_the_reply_as_its_result(world, now):
    ticket = ticket_in(world, now, "registered", kind="consultation", category="OTHER")
    at = now + LATER
    mark = event_mark()

    services.answer(world.agent, ticket, content="物业费可在APP缴纳", channel="wechat", now=at)

    ticket = fresh(ticket)
    assert ticket.status == Status.RESOLVED
    assert ticket.resolved_at == ticket.accepted_at == at
    assert ticket.resolution == "物业费可在APP缴纳"
    reply = ticket.replies.get()
    assert (reply.channel, reply.content, reply.replied_at, reply.author) == (
        "wechat",
        "物业费可在APP缴纳",
        at,
        world.agent,
    )
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.ANSWERED,
        actor=world.agent,
        at=at,
        from_status=Status.REGISTERED,
        to_status=Status.RESOLVED,
    )
    assert event.data["channel"] == "wechat"


def test_answering_after_acceptance_keeps_the_time_it_was_accepted(world, now):
    ticket = ticket_in(world, now, "accepted")
    accepted_at = ticket.accepted_at
    at = now + LATER
    mark = event_mark()

    services.answer(world.supervisor, ticket, content="已告知住户电梯维保时间", now=at)

    ticket = fresh(ticket)
    assert ticket.status == Status.RESOLVED
    assert ticket.accepted_at == accepted_at != at
    assert ticket.replies.get().channel == "phone"
    assert_one_event(
        mark,
        ticket,
        kind=EventKind.ANSWERED,
        actor=world.supervisor,
        at=at,
        from_status=Status.ACCEPTED,
        to_status=Status.RESOLVED,
    )


def test_an_answer_needs_content_and_a_known_channel(world, now):
    ticket = ticket_in(world, now, "registered")
    at = now + LATER

    refused(
        InvalidInput,
        lambda: services.answer(world.agent, ticket, content="  ", now=at),
        ticket,
        field="content",
    )
    refused(
        InvalidInput,
        lambda: services.answer(world.agent, ticket, content="好的", channel="pigeon", now=at),
        ticket,
        field="channel",
    )


def test_a_progress_note_is_kept_on_the_work_order_without_changing_the_status(world, now):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER
    mark = event_mark()

    note = services.add_progress_note(
        world.handler, ticket, text="已联系电梯维保单位,配件明天到", work_order=1, now=at
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.IN_PROGRESS
    assert list(ticket.progress_notes.values_list("text", "author", "created_at")) == [
        ("已联系电梯维保单位,配件明天到", world.handler.pk, at)
    ]
    assert note.work_order.sequence == 1
    event = assert_one_event(
        mark, ticket, kind=EventKind.PROGRESS_NOTED, actor=world.handler, at=at
    )
    assert event.note == "已联系电梯维保单位,配件明天到"
    assert event.work_order == note.work_order


def test_a_progress_note_may_be_added_by_anyone_in_scope_while_the_ticket_is_open(world, now):
    ticket = ticket_in(world, now, "reopened")
    at = now + LATER
    mark = event_mark()

    services.add_progress_note(world.quality, ticket, text="住户情绪激动,需主管跟进", now=at)

    assert fresh(ticket).status == Status.REOPENED
    assert_one_event(mark, ticket, kind=EventKind.PROGRESS_NOTED, actor=world.quality, at=at)


def test_a_progress_note_needs_text_and_an_existing_work_order(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER

    refused(
        InvalidInput,
        lambda: services.add_progress_note(world.agent, ticket, text="", now=at),
        ticket,
        field="text",
    )
    refused(
        NotFound,
        lambda: services.add_progress_note(world.agent, ticket, text="跟进", work_order=7, now=at),
        ticket,
        field="work_order",
    )


def test_a_reply_to_the_resident_records_channel_content_and_time(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER
    mark = event_mark()

    reply = services.reply_to_resident(
        world.agent, ticket, content="工程部师傅下午两点上门", channel="sms", now=at
    )

    ticket = fresh(ticket)
    assert ticket.status == Status.DISPATCHED
    assert (reply.channel, reply.content, reply.replied_at, reply.author) == (
        "sms",
        "工程部师傅下午两点上门",
        at,
        world.agent,
    )
    assert list(ticket.replies.all()) == [reply]
    event = assert_one_event(mark, ticket, kind=EventKind.REPLIED, actor=world.agent, at=at)
    assert event.data == {"channel": "sms", "reply_id": reply.pk}


def test_a_reply_needs_content_and_a_known_channel(world, now):
    ticket = ticket_in(world, now, "dispatched")
    at = now + LATER

    refused(
        InvalidInput,
        lambda: services.reply_to_resident(world.agent, ticket, content="", channel="sms", now=at),
        ticket,
        field="content",
    )
    refused(
        InvalidInput,
        lambda: services.reply_to_resident(
            world.agent, ticket, content="好的", channel="fax", now=at
        ),
        ticket,
        field="channel",
    )


def test_suspending_stops_the_ticket_and_resuming_returns_it_to_where_it_was(world, now):
    ticket = ticket_in(world, now, "in_progress")
    at = now + LATER
    mark = event_mark()

    services.suspend(world.supervisor, ticket, reason="等电梯主板配件", now=at)

    ticket = fresh(ticket)
    assert ticket.status == Status.SUSPENDED
    assert ticket.work_orders.get().status == WorkOrderStatus.IN_PROGRESS
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.SUSPENDED,
        actor=world.supervisor,
        at=at,
        from_status=Status.IN_PROGRESS,
        to_status=Status.SUSPENDED,
    )
    assert event.note == "等电梯主板配件"

    resumed_at = at + timedelta(days=1)
    mark = event_mark()
    services.resume(world.manager, ticket, note="配件已到", now=resumed_at)

    ticket = fresh(ticket)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.status_before_suspend == ""
    assert_one_event(
        mark,
        ticket,
        kind=EventKind.RESUMED,
        actor=world.manager,
        at=resumed_at,
        from_status=Status.SUSPENDED,
        to_status=Status.IN_PROGRESS,
    )


def test_a_ticket_suspended_before_dispatch_resumes_waiting_for_dispatch(world, now):
    ticket = ticket_in(world, now, "accepted")
    at = now + LATER

    services.suspend(world.supervisor, ticket, reason="等住户出差回来", now=at)
    services.resume(world.supervisor, ticket, now=at + timedelta(days=3))

    assert fresh(ticket).status == Status.ACCEPTED


def test_a_reopened_ticket_suspended_and_resumed_is_reopened_again(world, now):
    ticket = ticket_in(world, now, "reopened")
    at = now + LATER

    services.suspend(world.supervisor, ticket, reason="等第三方检测报告", now=at)
    services.resume(world.supervisor, ticket, now=at + timedelta(days=1))

    assert fresh(ticket).status == Status.REOPENED


def test_suspending_needs_a_reason(world, now):
    ticket = ticket_in(world, now, "dispatched")

    refused(
        InvalidInput,
        lambda: services.suspend(world.supervisor, ticket, reason=" ", now=now + LATER),
        ticket,
        field="reason",
    )
