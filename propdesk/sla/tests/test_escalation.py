"""Level-by-level escalation: a breach, staying breached, reopens, grades and agents."""

from datetime import datetime, timedelta

from propdesk.callbacks import services as callback_services
from propdesk.notify import services as notify
from propdesk.notify.models import Notification, OutboxMessage
from propdesk.sla import moves as sla_moves
from propdesk.sla import services as sla
from propdesk.sla.escalation import escalate_breaches
from propdesk.sla.models import EscalationPolicy
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI

from ...notify.tests.helpers import smtp_server  # noqa: F401

T0 = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)


def escalations(ticket):
    return list(
        ticket.events.filter(kind=EventKind.ESCALATED).values_list("data__to", "data__trigger")
    )


def dispatched_complaint(world):
    ticket = register(world, T0)
    services.accept(world.agent, ticket, now=T0 + timedelta(minutes=5))
    services.reply_to_resident(
        world.agent, ticket, content="已派工程部查看", channel="phone",
        now=T0 + timedelta(minutes=6),
    )  # fmt: skip
    services.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", assignee="handler",
        deadline=T0 + timedelta(hours=72), now=T0 + timedelta(minutes=10),
    )  # fmt: skip
    return ticket


def test_a_breach_escalates_to_the_supervisor_then_the_project_manager_until_it_is_met(
    world,
    smtp_server,  # noqa: F811
):
    world.supervisor.email = "supervisor@hy.example.com"
    world.supervisor.save()
    ticket = dispatched_complaint(world)

    # The 24-hour handling clock breaches: one level up, the supervisor is told.
    sla.sweep(now=T0 + timedelta(hours=24, minutes=1))
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    notify.deliver_due(now=T0 + timedelta(hours=24, minutes=2))
    assert Notification.objects.filter(user=world.supervisor, ticket=ticket,
                                       title__contains="升级").exists()  # fmt: skip
    assert any(m["To"] == "supervisor@hy.example.com" and ticket.number in m["Subject"]
               for m in smtp_server.messages)  # fmt: skip

    # Still breached a day later: the project manager.
    sla.sweep(now=T0 + timedelta(hours=48, minutes=2))
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2
    assert OutboxMessage.objects.filter(user=world.manager, event="escalated").exists()
    assert escalations(ticket) == [(1, "breach"), (2, "breach")]

    # Resolved (the clock met, late): the breach's escalation ends and goes no further.
    services.resolve(world.handler, ticket, result="已更换主板", now=T0 + timedelta(hours=49))
    ticket.refresh_from_db()
    assert ticket.escalation_level == 0
    assert ticket.events.filter(kind=EventKind.DEESCALATED).count() == 1
    sla.sweep(now=T0 + timedelta(hours=72))  # before the new callback clock falls due
    assert escalations(ticket) == [(1, "breach"), (2, "breach")]


def test_the_breach_task_is_idempotent(world):
    ticket = dispatched_complaint(world)
    sla.sweep(now=T0 + timedelta(hours=24, minutes=1))
    assert escalate_breaches(ticket.pk, T0 + timedelta(hours=24, minutes=2)) is False
    assert escalations(ticket) == [(1, "breach")]


def test_every_reopen_escalates_one_level(world):
    ticket = dispatched_complaint(world)
    services.resolve(world.handler, ticket, result="已复位", now=T0 + timedelta(hours=2))
    callback_services.record_callback(world.agent, ticket, satisfaction="dissatisfied",
                             now=T0 + timedelta(hours=3))  # fmt: skip
    ticket.refresh_from_db()
    assert (ticket.escalation_level, escalations(ticket)) == (1, [(1, "reopen")])


def test_a_level_one_grade_goes_to_the_project_manager_at_once_and_tells_region_and_hq(world):
    ticket = register(world, T0)
    services.update_ticket(world.supervisor, ticket, changes={"major_accident": True}, now=T0)
    ticket.refresh_from_db()
    assert (ticket.grade_level, ticket.escalation_level) == ("1", 2)
    told = set(
        OutboxMessage.objects.filter(ticket=ticket, event="escalated")
        .exclude(user=None)
        .values_list("user__username", flat=True)
    )
    assert told == {"manager", "region", "hq"}


def test_a_repeat_complaint_is_important_and_reported_at_once_unless_the_policy_says_not(world):
    ticket = register(world, T0)
    services.update_ticket(world.supervisor, ticket, changes={"is_repeat": True}, now=T0)
    ticket.refresh_from_db()
    assert (ticket.grade_class, ticket.escalation_level) == ("important", 2)
    assert escalations(ticket) == [(2, "grade")]

    EscalationPolicy.objects.create(name="只通报重大", company=world.company,
                                    grade_classes_at_once="major")  # fmt: skip
    quiet = register(world, T0)
    services.update_ticket(world.supervisor, quiet, changes={"is_repeat": True}, now=T0)
    quiet.refresh_from_db()
    assert (quiet.grade_class, quiet.escalation_level) == ("important", 0)


def test_an_agent_may_escalate_an_emotional_customer_by_hand(world):
    ticket = register(world, T0)
    sla_moves.escalate_by_hand(world.agent, ticket, reason="业主情绪激动,要求主管回电", now=T0)
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    event = ticket.events.get(kind=EventKind.ESCALATED)
    assert (event.actor, event.note, event.data["trigger"]) == (
        world.agent,
        "业主情绪激动,要求主管回电",
        "manual",
    )
