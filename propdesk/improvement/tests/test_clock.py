"""The clock of an action: warned at the start of its due day, breached at its end and
escalated to the project manager (the owner's manager), one level more each day it stays
overdue, up to HQ — each step once, an event on the action and a message in the outbox.
Reporting it done stops the clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from conftest import SHANGHAI
from propdesk.improvement import services
from propdesk.improvement.models import CorrectiveAction
from propdesk.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)
DUE = date(2026, 9, 15)


def opened(world, owner=None) -> CorrectiveAction:
    return services.open_action(
        world.supervisor,
        services.Source("other"),
        project_id=world.project.pk,
        owner_id=(owner or world.handler).pk,
        cause="巡查不到位",
        measure="每日巡查两次并拍照留档",
        due_on=DUE,
        now=T0,
    )


def told(event: str) -> set[str]:
    rows = OutboxMessage.objects.filter(event=event, channel="in_app")
    return set(rows.values_list("user__username", flat=True))


def test_warned_breached_and_escalated_level_by_level(world):
    action = opened(world)
    assert action.due_at == datetime(2026, 9, 16, 0, 0, tzinfo=SHANGHAI)
    assert services.sweep(now=datetime(2026, 9, 14, 23, 0, tzinfo=SHANGHAI)).as_dict() == {
        "warned": 0, "breached": 0, "escalated": 0
    }  # fmt: skip
    start_of_day = datetime(2026, 9, 15, 0, 5, tzinfo=SHANGHAI)
    assert services.sweep(now=start_of_day).warned == 1
    assert services.sweep(now=start_of_day).warned == 0  # once
    assert told("action_warning") == {"handler"}

    after = datetime(2026, 9, 16, 0, 10, tzinfo=SHANGHAI)
    result = services.sweep(now=after)
    assert (result.breached, result.escalated) == (1, 0)
    action.refresh_from_db()
    assert (action.breached_at, action.escalation_level, action.overdue) == (after, 2, True)
    assert told("action_overdue") == {"handler", "manager"}
    assert services.overdue_label(action) == "超期 · 已升级至项目经理"

    assert services.sweep(now=after + timedelta(hours=12)).escalated == 0  # held a day
    assert services.sweep(now=after + timedelta(hours=24)).escalated == 1
    assert "region" in told("action_overdue")
    assert services.sweep(now=after + timedelta(hours=48)).escalated == 1
    assert "hq" in told("action_overdue")
    assert services.sweep(now=after + timedelta(hours=72)).escalated == 0  # HQ is the top
    kinds = list(action.events.values_list("kind", flat=True))
    assert kinds == ["opened", "warned", "breached", "escalated", "escalated", "escalated"]
    levels = [e.data["level"] for e in action.events.filter(kind="escalated")]
    assert levels == [2, 3, 4]


def test_done_in_time_stops_the_clock(world):
    action = opened(world)
    services.mark_done(world.handler, action.pk, note="已落实", now=T0 + timedelta(days=2))
    result = services.sweep(now=datetime(2026, 9, 20, tzinfo=SHANGHAI))
    assert result.as_dict() == {"warned": 0, "breached": 0, "escalated": 0}


def test_a_project_managers_own_action_goes_to_the_region(world):
    action = opened(world, owner=world.manager)
    services.sweep(now=datetime(2026, 9, 16, 1, 0, tzinfo=SHANGHAI))
    action.refresh_from_db()
    assert action.escalation_level == 3
    assert told("action_overdue") == {"manager", "region"}


def test_messages_read_in_english_too(world):
    from django.utils import translation

    from propdesk.notify.rendering import labels, render

    action = opened(world)
    services.sweep(now=datetime(2026, 9, 16, 1, 0, tzinfo=SHANGHAI))
    message = OutboxMessage.objects.filter(event="action_overdue").first()
    assert message.subject == f"【整改超期】纠正措施 #{action.pk} 已超期\uff0c升级至项目经理"
    with translation.override("en"):
        context = {**message.context, **labels(message.context), "due_on": DUE}
    subject, body = render("action_overdue", "in_app", "en", context)
    assert subject.startswith(f"[Action overdue] Corrective action #{action.pk} is overdue")
    assert "escalated to" in subject and "项目经理" not in subject
    assert "Sep 15, 2026" in body
    assert "2026年9月15日" in message.body


def test_an_action_from_a_request_names_it_in_its_messages(world):
    from propdesk.tickets.tests.helpers import register

    ticket = register(world, T0 - timedelta(hours=1))
    action = services.open_action(
        world.supervisor, services.Source("ticket", ticket=ticket.number),
        owner_id=world.handler.pk, cause="巡查不到位", measure="每日巡查两次", due_on=DUE,
        now=T0,
    )  # fmt: skip
    services.sweep(now=datetime(2026, 9, 15, 8, 0, tzinfo=SHANGHAI))
    message = OutboxMessage.objects.get(event="action_warning", channel="in_app")
    # The action's kind, not the request's.
    assert message.subject.startswith(f"【整改预警】纠正措施 #{action.pk}")
    assert ticket.number in message.body and "每日巡查两次" in message.body
    assert message.url == f"/actions/{action.pk}/"


def test_the_worker_sweeps_on_start_and_books_the_next_sweep(world):
    from django_tasks_db.models import DBTaskResult

    from propdesk.core.worker import start_steps
    from propdesk.improvement.tasks import sweep_actions

    action = opened(world)
    CorrectiveAction.objects.filter(pk=action.pk).update(
        due_at=datetime(2026, 1, 1, tzinfo=SHANGHAI)
    )
    [step] = [s for s in start_steps() if s.name == "improvement"]
    assert step.step(True) == "actions: warned 0, breached 1, escalated 0"
    booked = DBTaskResult.objects.filter(task_path=sweep_actions.module_path, status="READY")
    assert booked.count() == 1
    step.step(False)
    assert booked.count() == 1  # booked once
    assert sweep_actions.call() == {"warned": 0, "breached": 0, "escalated": 0}
