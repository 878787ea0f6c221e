"""SPEC §5 and §6 as corrected against the seeds: a reopened request starts again at the
register and dispatch clocks; a repair is called back by the close of the next calendar day;
a sensitive complaint closes without a callback only with its reason; clocks started at
registration before the correction are moved to count from receipt, each move an event."""

from datetime import datetime

import pytest

from propdesk.callbacks import services as callback_services
from propdesk.core.errors import InvalidInput
from propdesk.sla.choices import ClockKind, ClockState
from propdesk.sla.models import SlaClock
from propdesk.sla.replan import replan_from_receipt
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def running(ticket, kind: str) -> SlaClock:
    return SlaClock.objects.filter(ticket=ticket, kind=kind, work_order=None).latest("pk")


def resolved_complaint(world, received: str):
    ticket = register(world, at(received))
    services.accept(world.agent, ticket, now=at(received))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-30 16:00"),
        now=at(received),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已更换主板", now=at(received))
    return ticket


def test_a_reopen_after_an_unsatisfied_callback_starts_again_at_register_and_dispatch(world):
    """Seed 002 作业指导书 4.6 → 4.2: a new 投诉处理单, same number, its history kept."""
    ticket = resolved_complaint(world, "2026-09-09 10:00")
    callback_services.record_callback(
        world.agent, ticket, satisfaction="dissatisfied", comment="电梯又停了",
        now=at("2026-09-10 09:00"),
    )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED
    registers = SlaClock.objects.filter(ticket=ticket, kind=ClockKind.REGISTER).order_by("pk")
    assert [(c.started_at, c.state) for c in registers] == [
        (at("2026-09-09 10:00"), ClockState.MET),
        (at("2026-09-10 09:00"), ClockState.MET),  # the new form, opened by the reopen itself
    ]
    dispatch = running(ticket, ClockKind.DISPATCH)
    assert (dispatch.state, dispatch.started_at, dispatch.due_at) == (
        ClockState.RUNNING, at("2026-09-10 09:00"), at("2026-09-10 10:00")
    )  # fmt: skip
    # The same request: its number, and its history up to the callback, are kept.
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[0] == EventKind.REGISTERED and EventKind.RESOLVED in kinds

    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-10 16:00"),
        now=at("2026-09-10 09:30"),
    )  # fmt: skip
    dispatch.refresh_from_db()
    assert (dispatch.state, dispatch.met_at) == (ClockState.MET, at("2026-09-10 09:30"))


@pytest.mark.parametrize(
    ("work_ends", "callback_due"),
    [
        ("2026-09-09 15:00", "2026-09-10 18:00"),  # Wednesday → Thursday's close
        ("2026-09-11 15:00", "2026-09-12 18:00"),  # Friday → Saturday, not a working day
        ("2026-09-30 17:30", "2026-10-01 18:00"),  # the eve of 国庆 → National Day itself
        ("2026-10-09 21:00", "2026-10-10 18:00"),  # Friday night → the 调休 Saturday
    ],
)
def test_an_in_home_repair_is_called_back_by_the_close_of_the_next_calendar_day(
    world, work_ends, callback_due
):
    ticket = register(world, at(work_ends), kind="repair", category="FAC-WATER",
                      repair_scope="in_home", received_at=at(work_ends))  # fmt: skip
    services.accept(world.agent, ticket, now=at(work_ends))
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-10-30 16:00"),
        now=at(work_ends),
    )  # fmt: skip
    services.resolve(world.handler, ticket, result="已换阀门", now=at(work_ends))
    callback = running(ticket, ClockKind.CALLBACK)
    assert (callback.started_at, callback.due_at) == (at(work_ends), at(callback_due))


def test_a_sensitive_complaint_closes_without_a_callback_only_with_its_reason(world):
    from propdesk.callbacks.models import CallbackTask

    ticket = resolved_complaint(world, "2026-09-09 10:00")
    events = ticket.events.count()
    with pytest.raises(InvalidInput) as refused:
        services.close(world.supervisor, ticket, reason="sensitive", note=" ",
                       now=at("2026-09-09 11:00"))  # fmt: skip
    assert refused.value.field == "note"
    assert ticket.events.count() == events  # nothing written

    services.close(
        world.supervisor, ticket, reason="sensitive", note="住户家中有丧事,回访会造成伤害",
        now=at("2026-09-09 11:00"),
    )  # fmt: skip
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closure_reason) == (Status.CLOSED, "sensitive")
    assert ticket.closure_note == "住户家中有丧事,回访会造成伤害"
    task = CallbackTask.objects.get(ticket=ticket)
    assert task.status == "cancelled" and task.cancel_reason
    assert not SlaClock.objects.filter(ticket=ticket, state=ClockState.RUNNING).exists()


def test_clocks_started_at_registration_are_moved_to_receipt_each_with_an_event(world):
    """What migration sla 0011 books: running clocks that counted from registration (before
    SPEC §5 was corrected) count from receipt; met ones are left as judged."""
    ticket = register(world, at("2026-09-09 10:00"), received_at=at("2026-09-09 09:40"))
    # As the clocks were before the correction: started at registration.
    old = at("2026-09-09 10:00")
    SlaClock.objects.filter(
        ticket=ticket, kind__in=["dispatch", "handle", "result_reply", "close"]
    ).update(started_at=old)
    SlaClock.objects.filter(ticket=ticket, kind="handle").update(due_at=at("2026-09-10 10:00"))

    assert replan_from_receipt(now=at("2026-09-09 10:05")) == 4
    handle = running(ticket, ClockKind.HANDLE)
    assert (handle.started_at, handle.due_at) == (at("2026-09-09 09:40"), at("2026-09-10 09:40"))
    moved = ticket.events.filter(kind=EventKind.SLA_REPLANNED, data__reason="from_receipt")
    assert moved.count() == 4
    handle_event = moved.get(data__clock="handle")
    assert handle_event.data["due_before"] == "2026-09-10T10:00:00+08:00"
    assert handle_event.data["due_at"] == "2026-09-10T09:40:00+08:00"
    assert handle_event.data["started_before"] == "2026-09-09T10:00:00+08:00"
    # The register clock (met) is not touched, and a second run finds nothing to move.
    assert running(ticket, ClockKind.REGISTER).state == ClockState.MET
    assert replan_from_receipt(now=at("2026-09-09 10:06")) == 0
