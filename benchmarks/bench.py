"""`make bench`: PropDesk at group scale, measured against its targets (issue 8).

    .venv/bin/python benchmarks/bench.py [--tickets 1000000] [--skip intake,peer]

1. Builds (or resumes, or reuses) the generated group in ``propdesk_bench`` (benchmarks/
   generate.py: 200 projects, 300,000 households, 1M tickets over three years).
2. Measures, on that database: a project month and a company month of statistics; the ticket
   list API and the queue pages (p50/p95 server time, as HQ and as one project's supervisor)
   with EXPLAIN ANALYZE of their slowest queries; the SLA reconcile and the grade sweep.
3. Runs ``--pairs`` intake pairs (default 2; issue 22): benchmarks/intake_bench.py (tickets/s
   through the HTTP API under gunicorn, beside the same rows by plain SQL) and, right after it
   with the same connections and workers, benchmarks/peer_helpdesk.py (django-helpdesk, same
   database server, same ticket count), so each ratio is measured within one pair and their
   spread shows.
4. Prints the machine's own speed (a fixed CPU loop, bench_machine.py) beside each part, and
   writes benchmarks/results/latest.json, latest.md and a row of history.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

from bench_machine import append_history, machine_now, pair_figures  # noqa: E402


def say(message: str) -> None:
    print(f"== {message}", flush=True)


def _machine() -> dict:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SHOW server_version")
        server = c.fetchone()[0]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": server,
        **machine_now(),
    }


def _script(name: str, args: list[str], out: Path) -> dict:
    """Run a sibling benchmark script in its own process; its figures come back as JSON."""
    command = [sys.executable, str(HERE / name), *args, "--json", str(out)]
    say(" ".join(command))
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, check=False)
    if done.returncode != 0 or not out.exists():
        return {"error": f"{name} exited with {done.returncode}", "seconds": None}
    figures = json.loads(out.read_text())
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/propdesk_bench"
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--seconds", type=int, default=30, help="length of each load run")
    parser.add_argument("--connections", type=int, default=8, help="load connections")
    parser.add_argument("--workers", type=int, default=2, help="sync gunicorn workers, each side")
    parser.add_argument(
        "--pairs", type=int, default=2, help="intake pairs (PropDesk then the peer) to run"
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated: stats,lists,sweeps,intake,peer"
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    RESULTS.mkdir(exist_ok=True)
    os.environ["DEBUG"] = "0"

    from generate import generate

    say(f"the group ({args.tickets:,} tickets; built once, resumed if interrupted)")
    started = time.perf_counter()
    data = generate(args.database_url, tickets=args.tickets, projects=args.projects,
                    households=args.households)  # fmt: skip
    results: dict = {"data": data, "generate_s": round(time.perf_counter() - started, 1)}
    results["machine"] = _machine()
    results["search_index"] = _word_index()
    say(f"this machine now: CPU loop {results['machine']['cpu_loop_ms']} ms, "
        f"load {results['machine']['load_average']}")  # fmt: skip

    import bench_server

    if "stats" not in skip:
        results["stats_machine"] = machine_now()
        say("statistics: a project month and a company month")
        results["stats"] = bench_server.stats_months()
    if "lists" not in skip:
        results["lists_machine"] = machine_now()
        say("ticket list and queue pages")
        results["lists"], results["plans"] = bench_server.lists_and_queues()
    if "sweeps" not in skip:
        say("SLA reconcile and grade sweep over all open tickets")
        results["sweeps"] = bench_server.sweeps()
    from django.db import connections

    connections.close_all()  # the load runs below get the database to themselves
    if "intake" not in skip or "peer" not in skip:
        results["pairs"] = [
            _pair(args, skip, number, with_lists=number == 1) for number in range(1, args.pairs + 1)
        ]
    (RESULTS / "latest.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2, default=str)
    )
    from bench_report import render

    (RESULTS / "latest.md").write_text(render(results))
    row = append_history(RESULTS / "history.md", results, ROOT)
    say(f"written: {RESULTS / 'latest.md'}, latest.json and a row of history.md:\n{row}")


def _word_index() -> dict:
    """The word-search index over the generated tickets (generate.py writes tickets by COPY,
    which no subscriber sees): built once with the re-index the command runs, timed, so the
    ``text=`` rows measure word search and not an empty index."""
    from propdesk.search.models import TicketText
    from propdesk.search.services.indexing import reindex_tickets
    from propdesk.tickets.models import Ticket

    tickets, indexed = Ticket.objects.count(), TicketText.objects.count()
    if indexed >= tickets:
        return {"tickets": tickets, "indexed": indexed, "reindex_s": None}
    say(f"word index: {indexed:,} of {tickets:,} tickets indexed, re-indexing all")
    started = time.perf_counter()
    done = reindex_tickets()
    return {
        "tickets": tickets,
        "indexed": done,
        "reindex_s": round(time.perf_counter() - started, 1),
    }


def _pair(args: argparse.Namespace, skip: set[str], number: int, *, with_lists: bool) -> dict:
    """One intake pair: PropDesk's intake (with the raw SQL limit) and, right after it with the
    same load settings, django-helpdesk's creation run; the machine's speed just before."""
    pair: dict = {"number": number, "machine": machine_now()}
    say(f"intake pair {number} of {args.pairs}: CPU loop {pair['machine']['cpu_loop_ms']} ms, "
        f"load {pair['machine']['load_average']}")  # fmt: skip
    load = ["--seconds", str(args.seconds), "--connections", str(args.connections),
            "--workers", str(args.workers), "--worker-class", "sync"]  # fmt: skip
    if "intake" not in skip:
        pair["intake"] = _script(
            "intake_bench.py",
            ["--database-url", args.database_url, *load],
            RESULTS / f"intake-{number}.json",
        )
    if "peer" not in skip:
        pair["peer"] = _script(
            "peer_helpdesk.py",
            # --reuse keeps its loaded database between runs; its API list reads every ticket
            # into Python, so each list gets 60 s at most, and only the first pair lists.
            [
                *["--tickets", str(args.tickets), *load, "--reuse", "--list-budget", "60"],
                *([] if with_lists else ["--list-requests", "0"]),
            ],
            RESULTS / f"peer-{number}.json",
        )
    figures = pair_figures(pair)
    if figures["peer_ratio"] is not None:
        say(f"pair {number}: PropDesk {figures['rate']:.1f}/s, django-helpdesk "
            f"{figures['peer_rate']:.1f}/s: {figures['peer_ratio']:.2f}×")  # fmt: skip
    return pair


if __name__ == "__main__":
    main()
