"""SLA benchmarks: deadline arithmetic throughput, and reconcile over many open tickets.

Targets (issue 3): ≥ 100,000 deadline computations/s in one process; reconcile of 1M open
tickets in under 10 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_deadlines(seconds: float = 3.0) -> None:
    from chinese_calendar.constants import holidays, workdays

    from propdesk.worktime import arithmetic as a

    calendar = a.WorkCalendar(
        holidays=frozenset(holidays),
        makeup_workdays=frozenset(workdays),
        known_years=frozenset(range(2004, 2027)),
    )
    rng = random.Random(7)
    base = datetime(2025, 1, 1, tzinfo=a.SHANGHAI)
    starts = [base + timedelta(minutes=rng.randrange(0, 700 * 24 * 60)) for _ in range(10_000)]
    cases = {
        "working days (1–15)": lambda s, i: a.add_working_days(calendar, s, days=1 + i % 15),
        "same day": lambda s, i: a.same_day(calendar, s),
        "working minutes (60–4800)": lambda s, i: a.add_working_minutes(
            calendar, s, minutes=60 + (i * 37) % 4740
        ),
        "natural minutes": lambda s, i: a.add_natural(s, minutes=30 + i % 1440),
    }
    print("deadline computations per second (one process):")
    rates = []
    for name, fn in cases.items():
        count = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            for i, s in enumerate(starts):
                fn(s, i)
            count += len(starts)
        rate = count / (time.perf_counter() - started)
        rates.append(rate)
        print(f"  {name:<28} {rate:>12,.0f} /s")
    mixed = len(rates) / sum(1 / r for r in rates)
    print(f"  {'mixed (harmonic mean)':<28} {mixed:>12,.0f} /s")


def _setup_database(url: str) -> None:
    """A fresh scratch database, migrated (benchmarks/gen_sink.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen_sink import setup_database

    setup_database(url, fresh=True)


def _grow_to(total: int, have: int) -> None:
    """Insert open tickets have+1..total, each with two running clocks and their timers."""
    from django.db import connection

    from propdesk.org.models import Company, Project, Region, User
    from propdesk.tickets.models import Category

    company, _ = Company.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
    region, _ = Region.objects.get_or_create(code="B", defaults={"name": "B", "company": company})
    project, _ = Project.objects.get_or_create(
        code="BENCH", defaults={"name": "Bench", "region": region, "company": company}
    )
    user, _ = User.objects.get_or_create(username="bench", defaults={"company": company})
    category = Category.objects.get(code="FAC-ELEV")
    step = 250_000
    # Columns added after this was written get their model default as a column default while
    # the rows go in (the INSERTs below name only the columns they fill).
    from console_data import _model_defaults

    from propdesk.sla.models import SlaClock
    from propdesk.tickets.models import Ticket

    _model_defaults([Ticket, SlaClock])
    with connection.cursor() as c:
        for lo in range(have + 1, total + 1, step):
            hi = min(total, lo + step - 1)
            c.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
            (tickets_before,) = c.fetchone()
            c.execute("SELECT coalesce(max(id), 0) FROM sla_slaclock")
            (clocks_before,) = c.fetchone()
            c.execute(
                """
                INSERT INTO tickets_ticket (number, company_id, project_id, client_ref, kind,
                  channel, category_id, nature, repair_scope, is_paid_repair, help_type,
                  is_emergency, grade_level, grade_class, grade_reason, escalation_level,
                  status, status_before_suspend, reporter_type, contact_name, contact_phone,
                  place, description, expectation, received_at, registered_at,
                  registered_by_id, resolution, reopen_count, closure_reason, closure_note,
                  cancel_reason, has_case_value, updated_at)
                SELECT 'BENCH-' || g, %s, %s, '', 'complaint', 'phone', %s, 'pending', '',
                  false, '', false, '4', 'general', '', 0, 'dispatched', '', 'anonymous', '',
                  '', '3栋电梯厅', '电梯门关不上', '', now() - interval '1 hour',
                  now() - interval '1 hour', %s, '', 0, '', '', '', false, now()
                FROM generate_series(%s, %s) g
                """,
                [company.pk, project.pk, category.pk, user.pk, lo, hi],
            )
            c.execute(
                """
                INSERT INTO sla_slaclock (ticket_id, kind, unit, amount, warning_percent,
                  state, started_at, warn_at, due_at, span_minutes, calendar_warnings,
                  timer_version, warn_task_id, due_task_id)
                SELECT t.id, k.kind, 'working_days', k.days, 80, 'running', t.registered_at,
                  now() + (k.days * interval '1 day') * 0.8 * (0.2 + random()),
                  now() + (k.days * interval '1 day') * (0.2 + random()), 0, '[]'::jsonb, 1,
                  gen_random_uuid(), gen_random_uuid()
                FROM tickets_ticket t
                CROSS JOIN (VALUES ('result_reply', 5), ('close', 15)) AS k(kind, days)
                WHERE t.id > %s
                """,
                [tickets_before],
            )
            for moment, column, when in (("warning", "warn_task_id", "warn_at"),
                                         ("due", "due_task_id", "due_at")):  # fmt: skip
                c.execute(
                    f"""
                    INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at,
                      args_kwargs, priority, task_path, worker_ids, queue_name, backend_name,
                      run_after, exception_class_path, traceback)
                    SELECT k.{column}, 'READY', now(),
                      jsonb_build_object('args', jsonb_build_array(k.id, '{moment}', 1),
                                         'kwargs', '{{}}'::jsonb),
                      0, 'propdesk.sla.tasks.fire_clock', '[]'::jsonb, 'default', 'default',
                      k.{when}, '', ''
                    FROM sla_slaclock k WHERE k.id > %s
                    """,
                    [clocks_before],
                )
        c.execute("ANALYZE")
    _model_defaults([Ticket, SlaClock], drop=True)


def bench_reconcile(sizes: list[int], url: str, runs: int = 3) -> None:
    _setup_database(url)
    from django.db import connection

    from propdesk.sla.services import reconcile

    have = 0
    print("sla reconcile over open tickets (PostgreSQL):")
    for size in sizes:
        started = time.perf_counter()
        _grow_to(size, have)
        have = size
        load = time.perf_counter() - started
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM sla_slaclock WHERE state = 'running'")
            (running,) = c.fetchone()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = reconcile()
            times.append(time.perf_counter() - started)
        print(
            f"  {size:>9,} open tickets, {running:,} running clocks (loaded in {load:.0f} s): "
            f"reconcile min {min(times):.2f} s, median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s  (last: {result.as_dict()})"
        )
        # 1% of the due timers lost (a restored backup, a purged queue): the repair run.
        with connection.cursor() as c:
            c.execute(
                "DELETE FROM django_tasks_database_dbtaskresult WHERE id IN (SELECT due_task_id"
                " FROM sla_slaclock WHERE state = 'running' AND id % 100 = 0)"
            )
            lost = c.rowcount
        started = time.perf_counter()
        result = reconcile()
        print(
            f"  {'':>9}  with {lost:,} lost timers: reconcile {time.perf_counter() - started:.2f}"
            f" s  ({result.as_dict()})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deadlines", action="store_true")
    parser.add_argument("--reconcile", type=int, nargs="*")
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/propdesk_sla_bench"
    )
    args = parser.parse_args()
    if not args.deadlines and args.reconcile is None:
        args.deadlines, args.reconcile = True, [100_000, 1_000_000]
    if args.deadlines:
        bench_deadlines()
    if args.reconcile:
        bench_reconcile(sorted(args.reconcile), args.database)


if __name__ == "__main__":
    main()
