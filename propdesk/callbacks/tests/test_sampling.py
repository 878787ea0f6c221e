"""Monthly repair callback sampling (SPEC §6): at least 30% of a month's in-home repairs are
called back; below that the system books more callbacks among the satisfied ones."""

from datetime import date, timedelta

import pytest

from propdesk.callbacks import services as callback_services
from propdesk.callbacks.models import CallbackTask
from propdesk.callbacks.services import RepairMonth, propose_repair_samples, repair_month
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register

MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("called", "pending", "needed"),
    [
        (29, 0, 1),
        (30, 0, 0),
        (28, 1, 1),
        (29, 1, 0),
        (0, 0, 30),
        (31, 0, 0),
    ],
)
def test_twenty_nine_percent_needs_one_more_thirty_needs_none(world, called, pending, needed):
    month = RepairMonth(
        world.project, date(2026, 9, 1), repairs=100, called_back=called, pending=pending
    )
    assert month.needed == needed


def done_repair(world, at, scope="in_home"):
    """A repair done and rated 满意 with the resident's signature: no mandatory callback."""
    ticket = register(
        world,
        at,
        kind="repair",
        repair_scope=scope,
        category="FAC-WATER",
        description="卫生间水管漏水",
    )
    services.accept(world.agent, ticket, now=at + MIN)
    services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=at + timedelta(hours=4),
        now=at + 2 * MIN,
    )
    services.resolve(
        world.handler,
        ticket,
        result="更换水管",
        resident_rating="satisfied",
        resident_signed=True,
        now=at + 3 * MIN,
    )
    return ticket


def test_a_month_below_target_books_the_oldest_satisfied_repairs_and_only_once(world, now):
    repairs = [done_repair(world, now + timedelta(hours=i)) for i in range(10)]
    assert not CallbackTask.objects.exists()
    for ticket in repairs[-2:]:
        callback_services.record_callback(
            world.agent, ticket, satisfaction="satisfied", now=now + timedelta(days=1)
        )
    figures = repair_month(world.project, now.date())
    assert (figures.repairs, figures.called_back, figures.needed) == (10, 2, 1)

    booked = propose_repair_samples(world.project, now.date(), now=now + timedelta(days=1))
    assert booked == [repairs[0]]
    assert CallbackTask.objects.get().reason == "repair_sample"
    assert propose_repair_samples(world.project, now.date(), now=now + timedelta(days=1)) == []


def test_a_month_at_target_books_nothing(world, now):
    repairs = [done_repair(world, now + timedelta(hours=i)) for i in range(10)]
    for ticket in repairs[:3]:
        callback_services.record_callback(
            world.agent, ticket, satisfaction="very_satisfied", now=now + timedelta(days=1)
        )
    assert propose_repair_samples(world.project, now.date(), now=now + timedelta(days=1)) == []


def test_common_area_repairs_and_other_months_do_not_count(world, now):
    done_repair(world, now)
    done_repair(world, now, scope="common_area")
    assert repair_month(world.project, now.date()).repairs == 1
    assert repair_month(world.project, date(2026, 8, 1)).repairs == 0


def test_the_daily_run_samples_every_project_without_anyone_asking(world, now):
    from propdesk.callbacks.tasks import sample_all

    repairs = [done_repair(world, now + timedelta(hours=i)) for i in range(10)]

    assert sample_all(now=now + timedelta(days=1)) == 3  # 30% of ten, none called back yet
    assert [t.ticket for t in CallbackTask.objects.order_by("ticket__resolved_at")] == repairs[:3]
    assert sample_all(now=now + timedelta(days=2)) == 0  # booked ones count toward the target


def test_early_in_a_month_the_month_before_is_still_sampled(world, now):
    from propdesk.callbacks.tasks import months_to_sample, sample_all

    assert months_to_sample(date(2026, 10, 3)) == [date(2026, 9, 1), date(2026, 10, 1)]
    assert months_to_sample(date(2026, 10, 8)) == [date(2026, 10, 1)]
    late = [done_repair(world, now.replace(day=29) + timedelta(hours=i)) for i in range(4)]

    assert sample_all(now=now.replace(month=10, day=2)) == 2  # ceil(30% of 4)
    assert {t.ticket for t in CallbackTask.objects.all()} == set(late[:2])


def test_the_worker_keeps_one_daily_run_booked_for_seven_in_the_morning(world, now):
    from django_tasks_db.models import DBTaskResult

    from propdesk.callbacks.tasks import ensure_booked, sample_repairs

    ensure_booked(now=now)  # Wednesday 10:00
    ensure_booked(now=now)

    (run,) = DBTaskResult.objects.filter(task_path=sample_repairs.module_path, status="READY")
    assert run.run_after == now.replace(hour=7) + timedelta(days=1)
