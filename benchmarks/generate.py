"""Build a realistic property group for the benchmarks, directly in PostgreSQL or SQLite.

    .venv/bin/python benchmarks/generate.py                          # 1M tickets, PostgreSQL
    .venv/bin/python benchmarks/generate.py --tickets 10000000       # 10M
    .venv/bin/python benchmarks/generate.py --database-url sqlite:///var/bench.sqlite3 \\
        --projects 20 --households 30000 --tickets 100000

One company, regions of 20 projects (200 by default), each with four departments, seven staff
and its households (300,000 by default: buildings, units, rooms, owners and family), and tickets
over three years (1M by default) with realistic mixes of kind, channel, category, state and
grade, work orders, clocks met, breached, running (with their timer rows) and paused, events,
callbacks and callback tasks, and Chinese descriptions composed from varied templates.

Rows are made in Python (seeded, so two runs build the same group) and bulk-loaded: COPY on
PostgreSQL, executemany on SQLite. Tickets are written in batches (``--batch``), each batch in
one transaction with its progress row: interrupt the run at any point and run the same command
again, and it goes on from the first batch not committed. ``--fresh`` drops the database first.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_sink import (
    ROOT,
    Sink,
    Table,
    analyze,
    mark_done,
    progress_done,
    setup_database,
    sqlite_fast,
    trust_rows,
)

sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propdesk_bench"
STARTED = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f} s] {message}", flush=True)


def _tables():
    from django_tasks_db.models import DBTaskResult

    from propdesk.callbacks.models import Callback, CallbackTask
    from propdesk.sla.models import SlaClock
    from propdesk.tickets.models import Ticket, TicketEvent, WorkOrder

    return {
        "tickets": Table(Ticket, [
            "id", "number", "company_id", "project_id", "kind", "channel", "category_id",
            "nature", "repair_scope", "is_paid_repair", "help_type", "is_emergency",
            "grade_level", "grade_class", "escalation_level", "status", "status_before_suspend",
            "reporter_type", "resident_id", "contact_name", "contact_phone", "room_id",
            "building_id", "place", "description", "expectation", "received_at",
            "registered_at", "registered_by_id", "accepted_at", "first_dispatched_at",
            "resolved_at", "callback_at", "closed_at", "cancelled_at", "resolution",
            "merged_into_id", "closure_reason", "cancel_reason", "government_referral",
            "updated_at"]),
        "work_orders": Table(WorkOrder, [
            "id", "ticket_id", "sequence", "department_id", "assignee_id", "status",
            "instructions", "deadline", "dispatched_by_id", "dispatched_at", "started_at",
            "completed_at", "result", "resident_rating", "resident_signed"]),
        "clocks": Table(SlaClock, [
            "id", "ticket_id", "work_order_id", "kind", "unit", "amount", "state", "started_at",
            "warn_at", "due_at", "met_at", "warned_at", "breached_at", "paused_at",
            "remaining_minutes", "span_minutes", "timer_version", "warn_task_id", "due_task_id",
            "escalations"]),
        "events": Table(TicketEvent, [
            "id", "ticket_id", "kind", "actor_id", "at", "from_status", "to_status",
            "work_order_id", "data"]),
        "callbacks": Table(Callback, [
            "id", "ticket_id", "method", "satisfaction", "comment", "resident_confirmation",
            "called_by_id", "called_at"]),
        "tasks": Table(CallbackTask, [
            "id", "ticket_id", "reason", "status", "owner_id", "due_at", "created_at",
            "done_at", "callback_id", "cancel_reason"]),
        "timers": Table(DBTaskResult, [
            "id", "status", "enqueued_at", "args_kwargs", "task_path", "backend_name",
            "run_after"]),
    }  # fmt: skip


def _next_ids(sink: Sink):
    from gen_tickets import Ids

    tables = _tables()
    return Ids(*(sink.max_id(tables[name].model) + 1 for name in
                 ("tickets", "work_orders", "clocks", "events", "callbacks", "tasks")))  # fmt: skip


def _save_numbers(numbers: dict, touched: set) -> None:
    """Each project's day counter, so tickets registered later continue the numbering."""
    from django.db import connection

    with connection.cursor() as c:
        c.executemany(
            "INSERT INTO tickets_ticketnumbersequence (project_id, day, last) VALUES (%s, %s, %s)"
            " ON CONFLICT (project_id, day) DO UPDATE SET last = excluded.last",
            [(p, day, numbers[(p, day)]) for p, day in touched],
        )


def generate(
    url: str = DEFAULT_URL,
    *,
    tickets: int = 1_000_000,
    projects: int = 200,
    households: int = 300_000,
    years: int = 3,
    batch: int = 50_000,
    seed: int = 42,
    fresh: bool = False,
    now: datetime | None = None,
) -> dict:
    setup_database(url, fresh=fresh)
    from django.db import transaction
    from gen_org import build_org, load_org
    from gen_text import category_picker
    from gen_tickets import BatchBuilder

    from propdesk.tickets.models import Category, TicketNumberSequence

    now = (now or datetime.now(UTC)).replace(microsecond=0)
    params = {"tickets": tickets, "projects": projects, "households": households,
              "years": years, "batch": batch, "seed": seed}  # fmt: skip
    done = progress_done(params)
    if "params-now" not in done:
        mark_done("params-now", now.isoformat())
        done.add("params-now")
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT detail FROM bench_generate_progress WHERE step = 'params-now'")
        now = datetime.fromisoformat(c.fetchone()[0])  # a resumed run keeps the first run's now
    sqlite_fast()
    sink = Sink()
    if "org" not in done:
        with transaction.atomic():
            build_org(sink, projects=projects, households=households, seed=seed)
            mark_done("org")
        say(f"group: {projects} projects, {sink.written} rows")
    org = load_org(seed)
    leaves = [
        (c.pk, c.code, c.parent.code)
        for c in Category.objects.filter(
            is_active=True, parent__isnull=False, children__isnull=True
        ).select_related("parent")
    ]
    numbers = {(s.project_id, s.day): s.last for s in TicketNumberSequence.objects.all()}
    tables = _tables()
    start = now - timedelta(days=365 * years)
    batches = range(0, tickets, batch)
    loaded = 0
    for b, first in enumerate(batches):
        step = f"tickets {b:05d}"
        if step in done:
            continue
        builder = BatchBuilder(org, category_picker(leaves), start=start, now=now,
                               total=tickets, ids=_next_ids(sink), numbers=numbers,
                               seed=seed)  # fmt: skip
        before = dict(numbers)
        built = time.perf_counter()
        rows = builder.build(first, min(first + batch, tickets))
        touched = {k for k, v in numbers.items() if before.get(k) != v}
        writing = time.perf_counter()
        with transaction.atomic():
            trust_rows()
            for name in ("tickets", "work_orders", "clocks", "events", "callbacks", "tasks",
                         "timers"):  # fmt: skip
                sink.write(tables[name], getattr(rows, name))
            _save_numbers(numbers, touched)
            sink.reset_sequences([t.model for n, t in tables.items() if n != "timers"])
            mark_done(step)
        loaded += len(rows.tickets)
        say(f"batch {b + 1}/{len(batches)}: {first + len(rows.tickets):,} tickets"
            f" (made in {writing - built:.1f} s, written in {time.perf_counter() - writing:.1f} s;"
            f" {loaded / (time.perf_counter() - STARTED):,.0f} tickets/s this run)")  # fmt: skip
    if loaded or "analyze" not in done:
        analyze()  # VACUUM runs outside a transaction
        if "analyze" not in done:
            mark_done("analyze")
        say("ANALYZE done")
    return describe()


def describe() -> dict:
    """What the database holds now: row counts and the mixes the benchmarks depend on."""
    from django.db import connection

    figures = {}
    with connection.cursor() as c:
        for table in ("org_project", "residents_room", "residents_resident", "org_user",
                      "tickets_ticket", "tickets_workorder", "sla_slaclock",
                      "tickets_ticketevent", "callbacks_callback", "callbacks_callbacktask",
                      "django_tasks_database_dbtaskresult"):  # fmt: skip
            c.execute(f"SELECT count(*) FROM {table}")
            figures[table] = c.fetchone()[0]
        c.execute("SELECT status, count(*) FROM tickets_ticket GROUP BY 1 ORDER BY 2 DESC")
        figures["status"] = dict(c.fetchall())
        c.execute("SELECT state, count(*) FROM sla_slaclock GROUP BY 1 ORDER BY 2 DESC")
        figures["clocks"] = dict(c.fetchall())
    for key, value in figures.items():
        print(f"  {key}: {value:,}" if isinstance(value, int) else f"  {key}: {value}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    args = parser.parse_args()
    generate(args.database_url, tickets=args.tickets, projects=args.projects,
             households=args.households, years=args.years, batch=args.batch, seed=args.seed,
             fresh=args.fresh)  # fmt: skip
    say("done")


if __name__ == "__main__":
    main()
