"""Timers and reconcile: idempotent, safe late or twice, repair lost timers."""

from datetime import datetime

from django_tasks_db.models import DBTaskResult

from propdesk.sla import services
from propdesk.sla.choices import ClockState
from propdesk.sla.models import SlaClock
from propdesk.tickets.choices import EventKind
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def dispatch_clock(ticket) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, kind="dispatch")


def test_each_running_clock_has_its_warning_and_due_timers_waiting(world):
    ticket = register(world, at("2026-09-09 10:00"))
    clock = dispatch_clock(ticket)

    due_task = DBTaskResult.objects.get(id=clock.due_task_id)
    warn_task = DBTaskResult.objects.get(id=clock.warn_task_id)
    assert due_task.run_after == clock.due_at
    assert warn_task.run_after == clock.warn_at
    assert due_task.args_kwargs["args"] == [clock.pk, "due", clock.timer_version]


def test_a_due_timer_records_one_breach_however_often_it_fires(world):
    ticket = register(world, at("2026-09-09 10:00"))
    clock = dispatch_clock(ticket)
    version = clock.timer_version

    # A timer that runs early (clock skew) sets itself again and is then out of date.
    assert services.fire(clock.pk, "due", version, now=at("2026-09-09 10:59")) == "early"
    assert services.fire(clock.pk, "due", version, now=at("2026-09-09 11:00")) == "stale"
    clock.refresh_from_db()
    version = clock.timer_version
    assert DBTaskResult.objects.get(id=clock.due_task_id).args_kwargs["args"][2] == version
    assert services.fire(clock.pk, "due", version, now=at("2026-09-09 11:00")) == "breached"
    assert services.fire(clock.pk, "due", version, now=at("2026-09-09 11:05")) == "stale"
    assert not DBTaskResult.objects.filter(status="READY", args_kwargs__args__0=clock.pk).exists()

    clock.refresh_from_db()
    assert (clock.state, clock.breached_at) == (ClockState.BREACHED, at("2026-09-09 11:00"))
    assert ticket.events.filter(kind=EventKind.SLA_BREACHED).count() == 1


def test_a_warning_timer_warns_once(world):
    ticket = register(world, at("2026-09-09 10:00"))
    clock = dispatch_clock(ticket)
    v = clock.timer_version

    assert services.fire(clock.pk, "warning", v, now=at("2026-09-09 10:48")) == "warned"
    assert services.fire(clock.pk, "warning", v, now=at("2026-09-09 10:50")) == "already warned"
    assert ticket.events.filter(kind=EventKind.SLA_WARNING).count() == 1


def test_a_timer_for_a_clock_that_was_met_does_nothing(world):
    from propdesk.tickets import services as tickets

    ticket = register(world, at("2026-09-09 10:00"))
    old_version = dispatch_clock(ticket).timer_version
    tickets.accept(world.agent, ticket, now=at("2026-09-09 10:02"))
    tickets.dispatch(
        world.supervisor, ticket, department="SZHY-ENG", deadline=at("2026-09-09 15:00"),
        now=at("2026-09-09 10:20"),
    )  # fmt: skip

    clock = dispatch_clock(ticket)
    assert services.fire(clock.pk, "due", old_version, now=at("2026-09-09 11:00")) == "stale"
    assert clock.state == ClockState.MET


def test_reconcile_records_missed_breaches_once_and_gives_lost_timers_back(world):
    ticket = register(world, at("2026-09-09 10:00"))
    DBTaskResult.objects.all().delete()  # every timer lost (a restored backup, say)

    first = services.reconcile(now=at("2026-09-09 11:30"))
    again = services.reconcile(now=at("2026-09-09 11:31"))

    assert first.breached == 1  # the dispatch clock (due 11:00)
    assert first.warned == 0  # a breached clock needs no warning any more
    assert first.rescheduled >= 4  # first reply, handle, result reply, close
    assert (again.breached, again.rescheduled) == (0, 0)
    assert ticket.events.filter(kind=EventKind.SLA_BREACHED).count() == 1
    for clock in SlaClock.objects.filter(ticket=ticket, state="running"):
        assert DBTaskResult.objects.filter(id=clock.due_task_id, status="READY").exists()


def test_a_warning_on_a_request_from_the_portal_goes_to_the_projects_supervisors(world):
    from propdesk.notify.models import OutboxMessage
    from propdesk.org.services import portal_account
    from propdesk.tickets import services as tickets

    data = {"kind": "repair", "channel": "wechat", "category": "FAC-ELEV",
            "description": "电梯不动", "resident_id": world.resident.pk}  # fmt: skip
    ticket, _ = tickets.register_ticket(
        portal_account(world.project), tickets.NewTicket(**data), now=at("2026-09-09 10:00")
    )
    clock = dispatch_clock(ticket)

    services.fire(clock.pk, "warning", clock.timer_version, now=at("2026-09-09 10:48"))

    warned = OutboxMessage.objects.filter(ticket=ticket, event="sla_warning")
    assert {m.user for m in warned} == {world.supervisor}
