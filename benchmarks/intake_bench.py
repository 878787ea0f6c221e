"""Intake: tickets registered per second through the real HTTP API (issue 8).

PropDesk is served by gunicorn with a deployment's settings (DEBUG off, persistent database
connections, 2 workers) on an existing, migrated PostgreSQL database; wrk drives
``POST /api/v1/tickets`` from another process, every request a valid, distinct registration
(its own ``client_ref``, varied kind, channel, category, room and resident, description).
Afterwards the database must hold exactly one ticket per 2xx answer. Beside it, the raw limit:
the same ticket and event rows inserted with plain SQL (psycopg, one transaction per ticket)
from as many client processes as wrk had connections, for the same time.

    .venv/bin/python benchmarks/intake_bench.py --database-url postgres://…/propdesk_bench \
        [--seconds 30] [--connections 8] [--users 4] [--json OUT]

The tickets a run registers are deleted afterwards with everything they wrote (``--keep`` keeps
them), so repeated runs measure the same database.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from loadgen import (  # noqa: E402
    Gunicorn,
    SetupError,
    fail,
    load_average,
    lua_string,
    ms,
    run_wrk,
    sql_rate,
    table,
)

TARGET_RATE = 300.0  # tickets/s (issue 8)
TARGET_P99_MS = 100.0

KINDS = {  # kind → top-level categories a resident would plausibly file it under
    "repair": ["HOUSE", "FAC"],
    "complaint": ["SVC", "ENV", "SEC", "DISP", "FEE", "HOUSE", "FAC"],
    "consultation": ["FEE", "OTHER", "DEV"],
    "help": ["SEC", "OTHER"],
    "suggestion": ["ENV", "SVC", "OTHER"],
}
CHANNELS = ["phone", "phone", "phone", "visit", "wechat", "web", "letter", "government"]
TEXTS = [
    "卫生间天花板渗水,楼上装修后开始,已经滴了三天",
    "电梯早上按了很久不来,上班高峰等了十分钟",
    "楼道灯不亮,晚上回家看不清台阶,老人容易摔倒",
    "小区门口垃圾桶满了没人清理,气味很大",
    "地下车库有外来车辆占用我的固定车位",
    "楼上邻居深夜噪音很大,多次沟通无效",
    "物业费账单金额和去年不一样,想了解收费标准",
    "门禁卡刷不开单元门,换了电池也不行",
    "绿化带的树枝挡住窗户,希望修剪一下",
    "客服电话打了好几次没人接,态度也不好",
    "厨房下水管堵塞,水排不下去",
    "消防通道被杂物堵住,存在安全隐患",
]
EXPECT = ["请尽快派人上门查看", "希望今天内处理", "请给个答复", "", "希望物业协调解决"]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    p.add_argument("--seconds", type=int, default=30, help="measured seconds (default 30)")
    p.add_argument("--warmup", type=int, default=3, help="seconds of load before measuring")
    p.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    p.add_argument("--users", type=int, default=4, help="agent users (tokens) sending tickets")
    p.add_argument("--projects", type=int, default=20, help="projects registered into")
    p.add_argument("--max-requests", type=int, default=0, help="cap (default 1000 per second)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--worker-class", choices=["gthread", "sync"], default="sync")
    p.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    p.add_argument("--no-raw", action="store_true", help="skip the plain-SQL raw limit")
    p.add_argument("--keep", action="store_true", help="keep the tickets the run registered")
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        fail("--database-url postgres://… (an existing, migrated PropDesk database) is required")
    if args.seconds < 1 or args.connections < 1 or args.users < 1:
        fail("--seconds, --connections and --users must be at least 1")
    args.max_requests = args.max_requests or 1000 * args.seconds
    return args


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    import django

    django.setup()


def fixture(users: int, n_projects: int) -> dict:
    """Agents with fresh tokens, scoped to the projects with most households (of one company),
    rooms of those projects with their residents, and the active categories. Several projects,
    as at a group's service centre: one project's registrations take its day's number counter
    one after the other."""
    from django.db import transaction
    from django.db.models import Count, Q

    from propdesk.org.models import ApiToken, Project, User
    from propdesk.org.services import create_api_token
    from propdesk.residents.models import Residency
    from propdesk.tickets.models import Category

    projects = list(
        Project.objects.filter(is_active=True)
        .annotate(n=Count("rooms__residencies", filter=Q(rooms__residencies__is_active=True)))
        .filter(n__gt=0)
        .order_by("-n", "pk")[:n_projects]
    )
    if not projects:
        raise SetupError("no project with residents: load `propdesk demo` or the generator")
    company_id = projects[0].company_id
    projects = [p for p in projects if p.company_id == company_id]
    homes = []
    for project in projects:
        homes += list(
            Residency.objects.filter(is_active=True, room__project=project)
            .order_by("room_id", "resident_id")
            .values_list("room_id", "resident_id")[: 4000 // len(projects)]
        )
    leaves = Category.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
    by_top: dict[str, list[str]] = {}
    for code, top in leaves.values_list("code", "parent__code"):
        by_top.setdefault(top, []).append(code)
    kinds = {k: [c for t in tops for c in by_top.get(t, [])] for k, tops in KINDS.items()}
    kinds = {k: v for k, v in kinds.items() if v}
    if not kinds:
        raise SetupError("no active categories: load the default taxonomy (migrations)")
    tokens = []
    with transaction.atomic():
        for i in range(1, users + 1):
            user, _ = User.objects.update_or_create(
                username=f"bench_intake_{i:02d}",
                defaults={
                    "role": "agent",
                    "company_id": company_id,
                    "scope_level": "projects",
                    "is_active": True,
                    "display_name": f"压测坐席{i:02d}",
                },
            )
            user.scope_projects.set(projects)
            ApiToken.objects.filter(user=user).delete()
            tokens.append(create_api_token(user, name="intake benchmark"))
    return {
        "projects": [p.code for p in projects],
        "homes": homes,
        "kinds": kinds,
        "tokens": tokens,
    }


def lua_script(fx: dict, run: str) -> str:
    """request(): a distinct, valid registration each time (client_ref run-thread-counter)."""
    homes = ",".join(f"{{{room},{res}}}" for room, res in fx["homes"])
    kinds = ",".join(
        f"{{{lua_string(k)},{{{','.join(lua_string(c) for c in cats)}}}}}"
        for k, cats in sorted(fx["kinds"].items())
    )

    def strings(values):
        return ",".join(lua_string(v) for v in values)

    return f"""
local homes = {{{homes}}}
local kinds = {{{kinds}}}
local channels = {{{strings(CHANNELS)}}}
local texts = {{{strings(TEXTS)}}}
local expect = {{{strings(EXPECT)}}}
local tokens = {{{strings(fx["tokens"])}}}
local run = {lua_string(run)}
local counter = 0
local function pick(t, i, step) return t[math.floor(i / step) % #t + 1] end
function request()
  counter = counter + 1
  local i = counter * 2654435761 + tid * 40503
  local home = pick(homes, i, 1)
  local kind = pick(kinds, i, 7)
  local body = string.format(
    '{{"kind":"%s","channel":"%s","category":"%s","description":"%s(第%d次反映,%d号线)",'
    .. '"expectation":"%s","room_id":%d,"resident_id":%d,"client_ref":"%s-%d-%d"}}',
    kind[1], pick(channels, i, 11), pick(kind[2], i, 13), pick(texts, i, 17), counter % 5 + 1,
    tid, pick(expect, i, 19), home[1], home[2], run, tid, counter)
  return wrk.format("POST", "/api/v1/tickets", {{
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[(counter + tid) % #tokens + 1]}}, body)
end
"""


def gunicorn_env(database_url: str) -> dict:
    """What a deployment sets (README: Running on PostgreSQL with workers)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
    )
    return env


def gunicorn_path() -> str:
    path = Path(sys.prefix) / "bin" / "gunicorn"
    if not path.exists():
        raise SetupError(
            f"{path} is missing: .venv/bin/pip install -c constraints.txt -e '.[bench]'"
        )
    return str(path)


def count_tickets(run: str) -> int:
    from propdesk.tickets.models import Ticket

    return Ticket.objects.filter(client_ref__startswith=run + "-").count()


def _dsn(database_url: str) -> str:
    return database_url.replace("postgres://", "postgresql://", 1)


def raw_limit(database_url: str, run: str, *, processes: int, seconds: int, max_rows: int):
    """The same ticket and event rows PropDesk wrote in this run, inserted again by plain SQL
    (new number and client_ref), one transaction per ticket."""
    import psycopg
    from psycopg.types.json import Jsonb

    with psycopg.connect(_dsn(database_url)) as conn:
        cur = conn.execute(
            "SELECT * FROM tickets_ticket WHERE client_ref LIKE %s ORDER BY id LIMIT 1000",
            [run + "-%"],
        )
        t_cols = [d.name for d in cur.description]
        tickets = cur.fetchall()
        if not tickets:
            raise SetupError("the HTTP run registered no ticket to copy for the raw limit")
        cur = conn.execute(
            "SELECT * FROM tickets_ticketevent WHERE ticket_id = ANY(%s) AND kind = 'registered'",
            [[row[0] for row in tickets]],
        )
        e_cols = [d.name for d in cur.description]
        events = {row[e_cols.index("ticket_id")]: row for row in cur.fetchall()}

    def wrap(v):
        return Jsonb(v) if isinstance(v, dict | list) else v

    t_keep = [c for c in t_cols if c != "id"]
    e_keep = [c for c in e_cols if c not in ("id", "ticket_id")]
    t_sql = (f"INSERT INTO tickets_ticket ({', '.join(t_keep)}) "
             f"VALUES ({', '.join(['%s'] * len(t_keep))}) RETURNING id")  # fmt: skip
    e_sql = (f"INSERT INTO tickets_ticketevent (ticket_id, {', '.join(e_keep)}) "
             f"VALUES (%s, {', '.join(['%s'] * len(e_keep))})")  # fmt: skip
    t_rows = [
        [wrap(v) for c, v in zip(t_cols, row, strict=True) if c != "id"]
        for row in tickets
        if row[0] in events
    ]
    e_rows = [
        [wrap(v) for c, v in zip(e_cols, events[row[0]], strict=True) if c in e_keep]
        for row in tickets
        if row[0] in events
    ]
    number, ref = t_keep.index("number"), t_keep.index("client_ref")

    def insert(conn, proc: int, i: int) -> None:
        n = (proc * 7919 + i) % len(t_rows)
        values = list(t_rows[n])
        values[number] = f"RAW{run[2:]}-{proc}-{i}"
        values[ref] = f"{run}r-{proc}-{i}"
        (ticket_id,) = conn.execute(t_sql, values).fetchone()
        conn.execute(e_sql, [ticket_id, *e_rows[n]])

    try:
        return sql_rate(
            _dsn(database_url), insert, processes=processes, seconds=seconds, max_ops=max_rows
        )
    finally:
        cleanup(database_url, [run + "r"])


def cleanup(database_url: str, runs: list[str]) -> int:
    """Delete the tickets of these runs and every row that refers to them (clocks and their
    timer tasks, events, outbox, notifications, hot-issue members …)."""
    import psycopg

    from propdesk.core.append_only import lifted_sql

    with psycopg.connect(_dsn(database_url)) as conn, conn.transaction():
        ids = [
            r[0]
            for run in runs
            for r in conn.execute(
                "SELECT id FROM tickets_ticket WHERE client_ref LIKE %s", [run + "-%"]
            )
        ]
        if not ids:
            return 0
        conn.execute(
            "DELETE FROM django_tasks_database_dbtaskresult WHERE id::text IN ("
            " SELECT warn_task_id::text FROM sla_slaclock WHERE ticket_id = ANY(%(ids)s)"
            " UNION SELECT due_task_id::text FROM sla_slaclock WHERE ticket_id = ANY(%(ids)s))",
            {"ids": ids},
        )
        # Events refuse deletes (core/append_only.py): lifted for this transaction only.
        lift, restore = lifted_sql("tickets_ticketevent")
        conn.execute(lift)
        referring = conn.execute(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " WHERE c.contype = 'f' AND c.confrelid = 'tickets_ticket'::regclass"
            " AND c.conrelid <> 'tickets_ticket'::regclass"
        ).fetchall()
        for table_name, column in referring:
            conn.execute(f"DELETE FROM {table_name} WHERE {column} = ANY(%s)", [ids])
        conn.execute("DELETE FROM tickets_ticket WHERE id = ANY(%s)", [ids])
        conn.execute(restore)
    return len(ids)


def main() -> int:
    args = parse_args()
    setup_django(args.database_url)
    from django.db import connections

    run = "ib" + secrets.token_hex(4)
    warm = run + "w"
    server = None
    result: dict = {"benchmark": "intake", "database": args.database_url.rsplit("/", 1)[-1]}
    try:
        fx = fixture(args.users, args.projects)
        from propdesk.tickets.models import Ticket

        result["tickets_before"] = Ticket.objects.count()
        connections.close_all()
        server = Gunicorn(
            gunicorn_path(),
            "propdesk.wsgi",
            gunicorn_env(args.database_url),
            str(ROOT),
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            log=ROOT / "var" / "intake-gunicorn.log",
        )
        server.start("/login/")
        url = server.base_url
        print(f"serving {url} ({server.workers} {server.worker_class} workers), "
              f"{len(fx['projects'])} projects, {result['tickets_before']:,} tickets, "
              f"load {load_average()}")  # fmt: skip
        common = {"connections": args.connections}
        if args.warmup:
            run_wrk(url, lua_script(fx, warm), seconds=args.warmup, max_requests=10**6, **common)
        http = run_wrk(
            url,
            lua_script(fx, run),
            seconds=args.seconds,
            max_requests=args.max_requests,
            **common,
        )
        server.stop()
        created = count_tickets(run)
        http["created"] = created
        # wrk stops at its deadline with up to one request in flight per connection; the
        # server finishes those, so their tickets exist with no answer counted. Fewer tickets
        # than 2xx answers, or more than the connections explain, is a lost or doubled one.
        http["in_flight_at_end"] = created - http["ok"]
        http["created_matches_2xx"] = 0 <= created - http["ok"] <= args.connections
        raw = None
        if not args.no_raw:
            connections.close_all()
            raw = raw_limit(
                args.database_url,
                run,
                processes=args.connections,
                seconds=args.seconds,
                max_rows=50 * args.max_requests,  # ~50,000 rows/s: the database is faster
            )
        result.update(
            projects=fx["projects"],
            seconds=args.seconds,
            connections=args.connections,
            users=args.users,
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads if args.worker_class == "gthread" else 1,
            http=http,
            raw=raw,
            ratio=(http["rate"] / raw["rate"]) if raw and raw["rate"] else None,
            load_average_end=load_average(),
        )
        report(result)
        if not args.keep:
            removed = cleanup(args.database_url, [run, warm])
            print(f"removed the run's {removed:,} tickets and what they wrote (--keep keeps them)")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        if not http["created_matches_2xx"]:
            print(f"MISMATCH: {created} tickets created for {http['ok']} 2xx answers")
            return 1
        return 0
    except SetupError as e:
        fail(str(e))
    finally:
        if server is not None:
            server.stop()
    return 0


def report(r: dict) -> None:
    h, raw = r["http"], r["raw"]
    verdict = "OK" if h["rate"] >= TARGET_RATE and h["p99"] < TARGET_P99_MS else "MISSED"

    def row(label: str, x: dict, n: int) -> list[str]:
        return [label, f"{n:,}", f"{x['errors']:,}", f"{x['rate']:.1f}",
                ms(x["p50"]), ms(x["p95"]), ms(x["p99"])]  # fmt: skip

    rows = [row(f"PropDesk HTTP ({r['workers']} {r['worker_class']} workers)", h, h["requests"])]
    if raw:
        rows.append(row(f"raw SQL (psycopg, {raw['processes']} processes)", raw, raw["rows"]))
    print()
    print(f"Intake, {r['seconds']} s, {r['connections']} connections, {r['users']} agents, "
          f"{len(r['projects'])} projects, "
          f"{r['tickets_before']:,} tickets in `{r['database']}`:")  # fmt: skip
    print()
    print(table(["", "requests", "errors", "tickets/s", "p50 ms", "p95 ms", "p99 ms"], rows))
    print()
    in_flight = h.get("in_flight_at_end", 0)
    print(f"statuses {h['statuses']}; tickets created {h['created']:,} for {h['ok']:,} 2xx "
          f"({'match' if h['created_matches_2xx'] else 'MISMATCH'}"
          f"{f'; {in_flight} in flight when wrk stopped' if in_flight > 0 else ''})")  # fmt: skip
    if h["first_errors"]:
        print("first errors:", *h["first_errors"][:3], sep="\n  ")
    if r["ratio"] is not None:
        print(f"PropDesk at {r['ratio']:.1%} of the raw SQL rate")
    print(f"target ≥ {TARGET_RATE:.0f} tickets/s with p99 < {TARGET_P99_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    start = time.monotonic()
    code = main()
    print(f"({time.monotonic() - start:.0f} s)")
    sys.exit(code)
