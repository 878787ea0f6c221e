"""The peer (issue 8): django-helpdesk, what a team might pick instead of PropDesk, measured on
the same machine and PostgreSQL, with as many tickets, the same server settings and load.

django-helpdesk 2.6.1 is installed from PyPI into its own virtual environment
(var/bench/helpdesk-venv, never vendored); its project is benchmarks/peer/ (DEBUG off,
persistent connections, its DRF API with token authentication). The database
``helpdesk_bench`` is dropped and created, migrated and filled by COPY (queues, tickets with
their first follow-up; restartable), then gunicorn serves it and wrk creates tickets through
``POST /api/tickets/`` for the same seconds and connections as the intake benchmark. The ticket
lists (API, the staff list page and the data it loads) are timed one request after another.

    .venv/bin/python benchmarks/peer_helpdesk.py --tickets 1000000 [--seconds 30] \
        [--connections 8] [--reuse] [--json OUT]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import subprocess
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
    sample_get,
    table,
)

HELPDESK = "django-helpdesk==2.6.1"
DATABASE = "helpdesk_bench"
PG = "postgresql://postgres@127.0.0.1:5432/"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--tickets", type=int, default=1_000_000, help="tickets in its database")
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--max-requests", type=int, default=0, help="cap (default 1000 per second)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--worker-class", choices=["gthread", "sync"], default="sync")
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--list-requests", type=int, default=20, help="timed requests per list")
    p.add_argument("--list-budget", type=int, default=120, help="seconds per list at most")
    p.add_argument("--reuse", action="store_true", help="keep the database if it is loaded")
    p.add_argument("--venv", type=Path, default=ROOT / "var" / "bench" / "helpdesk-venv")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    args.max_requests = args.max_requests or 1000 * args.seconds
    return args


def constraint(name: str) -> str:
    """The version of ``name`` pinned in constraints.txt, so both servers run the same one."""
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.lower().startswith(name.lower() + "=="):
            return line.strip()
    return name


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    marker = venv / ".peer-installed"
    wanted = [HELPDESK, constraint("gunicorn"), constraint("psycopg"), constraint("psycopg-binary")]
    if marker.exists() and marker.read_text().split() == wanted:
        return python
    print(f"installing {', '.join(wanted)} into {venv}")
    if not python.exists():
        subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *wanted], check=True)
    marker.write_text(" ".join(wanted))
    return python


def peer_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="peer.settings",
        PYTHONPATH=str(HERE),
        HELPDESK_DB=DATABASE,
        SECRET_KEY=secrets.token_urlsafe(50),
        **extra,
    )
    return env


def in_venv(python: Path, *args: str) -> str:
    out = subprocess.run(
        [str(python), *args], cwd=HERE, env=peer_env(), capture_output=True, text=True
    )
    sys.stderr.write(out.stderr)
    if out.returncode != 0:
        raise SetupError(f"{' '.join(args)} failed in the helpdesk environment ({out.returncode})")
    return out.stdout


def ticket_count() -> int | None:
    import psycopg

    try:
        with psycopg.connect(PG + DATABASE) as conn:
            return conn.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0]
    except psycopg.Error:
        return None


def prepare(args: argparse.Namespace, python: Path) -> dict:
    import psycopg

    have = ticket_count() if args.reuse else None
    if have is None or have > args.tickets:
        with psycopg.connect(PG + "postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    in_venv(python, "-m", "django", "migrate", "--noinput", "-v", "0")
    fixture = json.loads(in_venv(python, "-m", "peer.loader", "setup"))
    start = time.monotonic()
    in_venv(python, "-m", "peer.loader", "load", str(args.tickets))
    fixture["load_seconds"] = round(time.monotonic() - start, 1)
    return fixture


def lua_script(fx: dict, run: str) -> str:
    """request(): a new ticket each time, with a receipt address, as PropDesk's intake."""
    return f"""
local queues = {{{",".join(str(q) for q in fx["queues"])}}}
local titles = {{"卫生间天花板渗水","电梯故障停运","楼道灯不亮","垃圾清运不及时","车位被占用",
  "邻居深夜噪音","物业费收费疑问","门禁卡无法使用","厨房下水管堵塞","消防通道堵塞"}}
local token = {lua_string(fx["token"])}
local counter = 0
function request()
  counter = counter + 1
  local i = counter * 2654435761 + tid * 40503
  local title = titles[math.floor(i / 7) % #titles + 1]
  local body = string.format(
    '{{"queue":%d,"title":"%s","description":"%s,住户反映已持续%d天(%s-%d-%d)",'
    .. '"submitter_email":"r%d@example.cn","priority":3}}',
    queues[math.floor(i / 3) % #queues + 1], title, title, counter % 9 + 1, {lua_string(run)},
    tid, counter, i % 300000)
  return wrk.format("POST", "/api/tickets/", {{
    ["Content-Type"] = "application/json", ["Accept"] = "application/json",
    ["Authorization"] = "Token " .. token}}, body)
end
"""


def lists(base: str, fx: dict, args: argparse.Namespace) -> dict:
    # The staff list's default query: open and reopened tickets, oldest first.
    query = {"filtering": {"status__in": [1, 2]}, "filtering_null": {}, "sorting": "created",
             "search_string": "", "sortreverse": False}  # fmt: skip
    b64 = base64.b64encode(json.dumps(query).encode()).decode()
    token = {"Authorization": f"Token {fx['token']}", "Accept": "application/json"}
    session = {"Cookie": f"sessionid={fx['session']}"}
    targets = [
        ("staff list page /tickets/", "/tickets/", session),
        ("its data (first 25 open)", f"/datatables_ticket_list/{b64}?draw=1&start=0&length=25",
         session),
        ("API GET /api/tickets/", "/api/tickets/", token),
        ("API GET /api/tickets/?status=1", "/api/tickets/?status=1", token),
    ]  # fmt: skip
    out = {}
    for label, path, headers in targets:
        out[label] = sample_get(
            base + path,
            headers,
            count=args.list_requests,
            budget_s=args.list_budget,
            timeout_s=max(args.list_budget, 60),
        )
        r = out[label]
        print(f"  {label}: {r['requests']} requests, p50 {ms(r['p50'])} ms, "
              f"p95 {ms(r['p95'])} ms, statuses {r['statuses']}")  # fmt: skip
    return out


def main() -> int:
    args = parse_args()
    server = None
    try:
        python = ensure_venv(args.venv)
        fx = prepare(args, python)
        tickets = ticket_count() or 0
        # The API list reads every ticket (TicketViewSet.get_queryset): give a worker time.
        timeout = max(120, args.list_budget + 30)
        server = Gunicorn(
            str(args.venv / "bin" / "gunicorn"),
            "peer.wsgi",
            peer_env(),
            str(HERE),
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            timeout=timeout,
            log=ROOT / "var" / "helpdesk-gunicorn.log",
        )
        server.start("/login/")
        print(f"serving {server.base_url} ({args.workers} {args.worker_class} workers), "
              f"{tickets:,} tickets (loaded in {fx['load_seconds']} s), "
              f"load {load_average()}")  # fmt: skip
        run = "hd" + secrets.token_hex(4)
        common = {"connections": args.connections}
        if args.warmup:
            run_wrk(server.base_url, lua_script(fx, run + "w"), seconds=args.warmup,
                    max_requests=10**6, **common)  # fmt: skip
        before = ticket_count() or 0
        http = run_wrk(
            server.base_url,
            lua_script(fx, run),
            seconds=args.seconds,
            max_requests=args.max_requests,
            **common,
        )
        http["created"] = (ticket_count() or 0) - before
        http["created_matches_2xx"] = http["created"] == http["ok"]
        # --list-requests 0: creation only (make bench's later pairs, which repeat the creation
        # run beside PropDesk's intake and leave the lists to the first).
        listed = lists(server.base_url, fx, args) if args.list_requests else {}
        result = {
            "benchmark": "peer",
            "peer": HELPDESK,
            "database": DATABASE,
            "tickets": tickets,
            "load_seconds": fx["load_seconds"],
            "seconds": args.seconds,
            "connections": args.connections,
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads if args.worker_class == "gthread" else 1,
            "create": http,
            "lists": listed,
            "load_average_end": load_average(),
        }
        report(result)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        if not http["created_matches_2xx"]:
            print(f"MISMATCH: {http['created']} tickets created for {http['ok']} 2xx answers")
            return 1
        return 0
    except (SetupError, subprocess.CalledProcessError) as e:
        fail(str(e))
    finally:
        if server is not None:
            server.stop()
    return 0


def report(r: dict) -> None:
    h = r["create"]
    print()
    print(f"django-helpdesk 2.6.1, {r['tickets']:,} tickets, {r['seconds']} s, "
          f"{r['connections']} connections, "
          f"{r['workers']} {r['worker_class']} workers:")  # fmt: skip
    print()
    rows = [["create POST /api/tickets/", f"{h['requests']:,}", f"{h['errors']:,}",
             f"{h['rate']:.1f}/s", ms(h["p50"]), ms(h["p95"]), ms(h["p99"])]]  # fmt: skip
    for label, x in r["lists"].items():
        rows.append([label, x["requests"], x["errors"], "—", ms(x["p50"]), ms(x["p95"]), "—"])
    print(table(["", "requests", "errors", "rate", "p50 ms", "p95 ms", "p99 ms"], rows))
    print()
    print(f"statuses {h['statuses']}; tickets created {h['created']:,} for {h['ok']:,} 2xx "
          f"({'match' if h['created_matches_2xx'] else 'MISMATCH'})")  # fmt: skip
    if h["first_errors"]:
        print("first errors:", *h["first_errors"][:3], sep="\n  ")


if __name__ == "__main__":
    start = time.monotonic()
    code = main()
    print(f"({time.monotonic() - start:.0f} s)")
    sys.exit(code)
