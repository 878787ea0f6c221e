"""Callback tasks (SPEC §6): every complaint is called back, repairs by the on-site rules, the
owner by grade, done by the callback, cancelled by a closure without one; unsatisfied reopens
and the reopen escalates from the policy's threshold."""

from datetime import timedelta

import pytest

from propdesk.callbacks import services as callback_services
from propdesk.callbacks.models import CallbackTask, TaskReason
from propdesk.residents.models import Resident
from propdesk.sla.models import EscalationPolicy
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register, walk

MIN = timedelta(minutes=1)


def task_of(ticket):
    return CallbackTask.objects.filter(ticket=ticket).order_by("pk").last()


def repair(world, now, **overrides):
    ticket = register(
        world,
        now,
        kind="repair",
        repair_scope="in_home",
        category="FAC-WATER",
        description="厨房水龙头漏水",
        **overrides,
    )
    services.accept(world.agent, ticket, now=now + MIN)
    services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=now + timedelta(hours=4),
        now=now + 2 * MIN,
    )
    return ticket


@pytest.mark.parametrize("how", ["resolve", "complete", "answer"])
def test_every_complaint_gets_a_callback_task_however_it_is_resolved(world, now, how):
    if how == "answer":
        ticket = register(world, now)
        services.answer(world.agent, ticket, content="已告知物业费标准", now=now + MIN)
    else:
        ticket = walk(world, now, "in_progress")
        if how == "resolve":
            services.resolve(world.handler, ticket, result="已修复", now=now + 9 * MIN)
        else:
            services.complete_work_order(
                world.handler, ticket, work_order=1, result="已修复", now=now + 9 * MIN
            )
    task = task_of(ticket)
    assert (task.reason, task.status, task.owner) == ("complaint", "open", world.agent)
    assert task.due_at is not None


def test_an_anonymous_complaint_has_nobody_to_call(world, now):
    ticket = register(
        world, now, reporter_type="anonymous", resident_id=None, room_id=world.room.pk
    )
    services.answer(world.agent, ticket, content="已安排处理", now=now + MIN)
    assert task_of(ticket) is None


@pytest.mark.parametrize(
    ("rating", "signed", "reason"),
    [
        ("", True, TaskReason.REPAIR_NOT_RATED),
        ("dissatisfied", True, TaskReason.REPAIR_UNSATISFIED),
        ("satisfied", False, TaskReason.REPAIR_NOT_SIGNED),
        ("basically_satisfied", True, None),
        ("very_satisfied", True, None),
    ],
)
def test_repairs_are_called_back_when_not_rated_not_signed_or_unsatisfied(
    world, now, rating, signed, reason
):
    ticket = repair(world, now)
    services.complete_work_order(
        world.handler,
        ticket,
        work_order=1,
        result="换了阀芯",
        resident_rating=rating,
        resident_signed=signed,
        now=now + 9 * MIN,
    )
    task = task_of(ticket)
    assert (task.reason if task else None) == reason


def test_a_major_complaint_or_a_key_customer_is_called_back_by_the_project_manager(world, now):
    major = register(world, now, grade_facts={"major_accident": True})
    services.answer(world.agent, major, content="已报保险并安排维修", now=now + MIN)
    assert (task_of(major).owner, task_of(major).by_manager) == (world.manager, True)

    Resident.objects.filter(pk=world.resident.pk).update(is_key_customer=True)
    key = register(world, now)
    services.answer(world.agent, key, content="已处理", now=now + MIN)
    assert task_of(key).owner == world.manager


def test_the_callback_completes_the_task(world, now):
    ticket = walk(world, now, "resolved")
    callback = callback_services.record_callback(
        world.agent, ticket, satisfaction="satisfied", now=now + timedelta(hours=1)
    )
    task = task_of(ticket)
    assert (task.status, task.callback, task.done_at) == (
        "done",
        callback,
        now + timedelta(hours=1),
    )


def test_unsatisfied_reopens_and_the_next_resolution_needs_a_new_callback(world, now):
    ticket = walk(world, now, "resolved")
    callback_services.record_callback(
        world.agent,
        ticket,
        satisfaction="very_dissatisfied",
        comment="还是漏",
        now=now + timedelta(hours=1),
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == ("reopened", 1)
    services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=now + timedelta(hours=6),
        now=now + timedelta(hours=2),
    )
    services.resolve(world.handler, ticket, result="重新处理", now=now + timedelta(hours=3))
    assert [t.status for t in CallbackTask.objects.filter(ticket=ticket).order_by("pk")] == [
        "done",
        "open",
    ]


def escalations(ticket):
    return list(ticket.events.filter(kind="escalated").values_list("data__trigger", flat=True))


def reopen_by_callback(world, ticket, at):
    callback_services.record_callback(world.agent, ticket, satisfaction="dissatisfied", now=at)
    services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=at + timedelta(hours=6),
        now=at + MIN,
    )
    services.resolve(world.handler, ticket, result="再次处理", now=at + 2 * MIN)


def test_every_reopen_escalates_by_default(world, now):
    ticket = walk(world, now, "resolved")
    reopen_by_callback(world, ticket, now + timedelta(hours=1))
    assert escalations(ticket) == ["reopen"]


def test_a_company_may_escalate_only_from_the_second_reopen(world, now):
    EscalationPolicy.objects.create(
        name="第二次重开升级", company=world.company, reopen_threshold=2
    )
    ticket = walk(world, now, "resolved")
    reopen_by_callback(world, ticket, now + timedelta(hours=1))
    assert escalations(ticket) == []
    reopen_by_callback(world, ticket, now + timedelta(hours=2))
    assert escalations(ticket) == ["reopen"]


def test_closing_without_a_callback_cancels_the_task_with_the_reason(world, now):
    ticket = walk(world, now, "resolved")
    services.close(
        world.agent,
        ticket,
        reason="no_contact",
        note="三次电话无人接听",
        now=now + timedelta(hours=2),
    )
    task = task_of(ticket)
    assert task.status == "cancelled"
    assert task.cancel_reason
