"""Intake, in process: what one ``POST /api/v1/tickets`` costs in queries and CPU.

Registers a mix of requests the way a service centre types them — complaints from a resident
(the home found from the resident), repairs with a room, consultations from a contact's
phone — through Django's test client with a bearer token, on an existing, migrated database
with the ``propdesk demo`` data (never a benchmark or test database of someone else):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/propdesk_speed_dev \\
        .venv/bin/python benchmarks/intake_profile.py [-n 60] [--profile 25]

It prints queries per registration (with the statements of one registration of each kind
under ``--sql``) and worker CPU milliseconds per registration (``time.process_time`` of this
process, so the database server's own CPU is not in it), then with ``--profile N`` the N
functions with most cumulative CPU time under cProfile (``--sort tottime`` for own time; the
profiler's overhead inflates the absolute times, the shares hold). Three passes over the same
mix: one plain for the CPU figure, one counting queries, one under cProfile. Every ticket it
registers is deleted afterwards with everything it wrote (``--keep`` keeps them).

CPU figures move with the machine's load (another test run on the two cores adds 20–40 %):
compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = [
    # (kind, channel, category, how the place is given)
    ("complaint", "phone", "SVC-ATTITUDE", "resident"),
    ("repair", "phone", "HOUSE-LEAK", "room"),
    ("consultation", "wechat", "FEE-PRICE", "contact"),
]
TEXTS = [
    "卫生间天花板渗水,楼上装修后开始,已经滴了三天",
    "客服电话打了好几次没人接,态度也不好",
    "物业费账单金额和去年不一样,想了解收费标准",
    "楼道灯不亮,晚上回家看不清台阶,老人容易摔倒",
]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("-n", type=int, default=60, help="registrations per pass (default 60)")
    p.add_argument("--warmup", type=int, default=6, help="registrations before measuring")
    p.add_argument("--profile", type=int, default=0, metavar="N", help="print the top N")
    p.add_argument("--sort", default="cumulative", help="profile order (default cumulative)")
    p.add_argument("--callers", metavar="NAME", help="with --profile: who calls NAME")
    p.add_argument("--sql", action="store_true", help="print one registration's statements")
    p.add_argument("--sql-width", type=int, default=230, help="characters of each (default 230)")
    p.add_argument("--keep", action="store_true", help="keep the tickets registered")
    p.add_argument("--json", type=Path, help="write the figures here")
    return p.parse_args()


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()


def fixture() -> dict:
    """An agent of the demo's first project with residents, a token, rooms with residents."""
    from django.db.models import Count, Q

    from propdesk.org.models import ApiToken, Project, User
    from propdesk.org.services import create_api_token
    from propdesk.residents.models import Residency
    from propdesk.tickets.models import Category

    project = (
        Project.objects.filter(is_active=True)
        .annotate(n=Count("rooms__residencies", filter=Q(rooms__residencies__is_active=True)))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )
    if project is None:
        sys.exit("no project with residents: load `propdesk demo` into this database")
    missing = {c for _, _, c, _ in KINDS} - set(
        Category.objects.filter(is_active=True).values_list("code", flat=True)
    )
    if missing:
        sys.exit(f"categories missing: {', '.join(sorted(missing))}")
    # Residents with exactly one home, so registering by resident finds the room.
    homes = list(
        Residency.objects.filter(is_active=True, room__project=project)
        .values("resident_id")
        .annotate(n=Count("room_id", distinct=True), room_id=Count("room_id"))
        .filter(n=1)
        .values_list("resident_id", flat=True)[:200]
    )
    rooms = list(
        Residency.objects.filter(is_active=True, room__project=project)
        .order_by("room_id")
        .values_list("room_id", "resident_id")[:200]
    )
    user, _ = User.objects.update_or_create(
        username="profile_intake",
        defaults={
            "role": "agent",
            "company_id": project.company_id,
            "scope_level": "projects",
            "is_active": True,
            "display_name": "剖析坐席",
        },
    )
    user.scope_projects.set([project])
    ApiToken.objects.filter(user=user).delete()
    return {
        "project": project.code,
        "token": create_api_token(user, name="intake profile"),
        "residents": homes,
        "rooms": rooms,
    }


def body(fx: dict, run: str, i: int) -> dict:
    kind, channel, category, place = KINDS[i % len(KINDS)]
    data: dict = {
        "kind": kind,
        "channel": channel,
        "category": category,
        "description": f"{TEXTS[i % len(TEXTS)]}(第{i}次)",
        "expectation": "请尽快处理",
        "client_ref": f"{run}-{i}",
    }
    if place == "resident":
        data["resident_id"] = fx["residents"][i % len(fx["residents"])]
    elif place == "room":
        room_id, resident_id = fx["rooms"][i % len(fx["rooms"])]
        data.update(room_id=room_id, resident_id=resident_id)
    else:
        data.update(
            project=fx["project"],
            reporter_type="contact",
            contact_name="王先生",
            contact_phone=f"139{i:08d}",
            place="小区东门",
        )
    return data


def register_all(client, fx: dict, run: str, first: int, n: int) -> None:
    for i in range(first, first + n):
        response = client.post(
            "/api/v1/tickets", json.dumps(body(fx, run, i)), content_type="application/json"
        )
        if response.status_code != 201:
            sys.exit(f"registration {i}: {response.status_code} {response.content[:400]!r}")


def shape(sql: str) -> str:
    """A statement's kind and first table: "INSERT tickets_ticket", "SELECT org_project"…"""
    words = sql.replace('"', "").split()
    if not words:
        return "?"
    verb = words[0].upper()
    table = ""
    for keyword in ("INTO", "FROM", "UPDATE"):
        if keyword in (w.upper() for w in words):
            at = [w.upper() for w in words].index(keyword)
            table = words[at + 1] if keyword != "UPDATE" else words[1]
            break
    return f"{verb} {table}".strip()[:60]


def cleanup(run: str) -> int:
    """Delete the run's tickets and every row that refers to them (as intake_bench does)."""
    from django.db import connection, transaction

    from propdesk.tickets.models import Ticket

    ids = list(Ticket.objects.filter(client_ref__startswith=run + "-").values_list("pk", flat=True))
    if not ids:
        return 0
    from django_tasks_db.models import DBTaskResult

    from propdesk.core.append_only import lifted
    from propdesk.sla.models import SlaClock

    with transaction.atomic(), lifted(connection, "tickets_ticketevent"):
        timers = [
            t
            for pair in SlaClock.objects.filter(ticket_id__in=ids).values_list(
                "warn_task_id", "due_task_id"
            )
            for t in pair
            if t
        ]
        DBTaskResult.objects.filter(id__in=timers).delete()
        # Every table with a foreign key to the ticket, then the tickets.
        for model in connection.introspection.installed_models(
            connection.introspection.table_names()
        ):
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model is Ticket and model is not Ticket:
                    # Raw: events are immutable to the ORM (and to the database until lifted
                    # above), and nothing cascades from these.
                    model._base_manager.filter(**{f"{f.name}__in": ids})._raw_delete(
                        connection.alias
                    )
        Ticket.objects.filter(pk__in=ids).update(merged_into=None, repeat_of=None)
        Ticket.objects.filter(pk__in=ids).delete()
    return len(ids)


def main() -> int:
    args = parse_args()
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    fx = fixture()
    run = "ip" + secrets.token_hex(4)
    client = Client(headers={"Authorization": f"Bearer {fx['token']}"})
    n = args.n
    try:
        register_all(client, fx, run, 0, args.warmup)

        # 1. CPU: nothing else in the way.
        cpu = []
        for i in range(n):
            start = time.process_time()
            register_all(client, fx, run, 1000 + i, 1)
            cpu.append((time.process_time() - start) * 1000)

        # 2. Queries, and the wall time of each (the database's share of a registration).
        per_kind: dict[str, list[int]] = {}
        samples: dict[str, list[str]] = {}
        by_statement: dict[str, list[float]] = {}
        wall = []
        for i in range(n):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                register_all(client, fx, run, 2000 + i, 1)
            wall.append((time.perf_counter() - started) * 1000)
            kind = KINDS[(2000 + i) % len(KINDS)][0]
            per_kind.setdefault(kind, []).append(len(ctx.captured_queries))
            samples.setdefault(kind, [q["sql"] for q in ctx.captured_queries])
            for q in ctx.captured_queries:
                by_statement.setdefault(shape(q["sql"]), []).append(float(q["time"]) * 1000)

        # 3. Where the CPU goes (process time: waiting for the database is not counted).
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        register_all(client, fx, run, 3000, n)
        profile.disable()
    finally:
        deleted = 0 if args.keep else cleanup(run)

    counts = [c for v in per_kind.values() for c in v]
    figures = {
        "registrations": n,
        "queries_per_registration": round(statistics.mean(counts), 2),
        "queries_by_kind": {k: round(statistics.mean(v), 2) for k, v in per_kind.items()},
        "cpu_ms_per_registration": round(statistics.mean(cpu), 2),
        "cpu_ms_median": round(statistics.median(cpu), 2),
        "wall_ms_per_registration": round(statistics.mean(wall), 2),
        "statement_ms_per_registration": round(sum(map(sum, by_statement.values())) / n, 2),
        "statements": {
            k: {"count": len(v), "ms_per_registration": round(sum(v) / n, 3)}
            for k, v in sorted(by_statement.items(), key=lambda kv: -sum(kv[1]))
        },
        "database": connection.vendor,
    }
    print(f"registrations per pass:     {n} ({', '.join(k for k, *_ in KINDS)} in turn)")
    print(f"queries per registration:   {figures['queries_per_registration']}")
    for kind, mean in figures["queries_by_kind"].items():
        print(f"  {kind:<24}  {mean}")
    print(
        f"CPU ms per registration:    {figures['cpu_ms_per_registration']}"
        f" (median {figures['cpu_ms_median']})"
    )
    print(
        f"wall ms per registration:   {figures['wall_ms_per_registration']} (with queries "
        f"captured), of which statements {figures['statement_ms_per_registration']}"
    )
    print("statement (its shape)                                          count  ms/registration")
    for label, x in list(figures["statements"].items())[:15]:
        print(f"  {label:<60} {x['count']:>6}  {x['ms_per_registration']:>8.3f}")
    if args.sql:
        for kind, sqls in samples.items():
            print(f"\n-- one {kind}: {len(sqls)} statements")
            for sql in sqls:
                print("  ", sql[: args.sql_width])
    if args.profile:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats(args.sort)
        stats.print_stats(args.profile)
        if args.callers:
            stats.print_callers(args.callers)
        print(out.getvalue())
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    if not args.keep:
        print(f"(deleted the {deleted} tickets registered)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
