"""The machine's own speed, printed beside every figure of ``make bench`` (issue 22): the same
code is slower on a busy or slower machine, and these two numbers say how much of a change
between two runs is the machine and how much the code.

- ``cpu_loop_ms``: one fixed pure-Python loop (integer arithmetic, no allocation that grows),
  best of three — the interpreter's speed on this core right now;
- the raw SQL rate comes from ``intake_bench.py`` (the same rows a registration writes, by plain
  INSERTs from psycopg): the database server's speed on this disk right now.

``history.md`` keeps one row per ``make bench`` run: date, commit, the machine's speed and the
ratios, so a trend reads across machines and days.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

#: Iterations of the fixed loop: about 0.2 s on this 2-core machine when quiet.
LOOP = 2_000_000


def cpu_loop_ms(repeats: int = 3) -> float:
    """Milliseconds for the fixed loop, best of ``repeats`` (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        x = 0
        for i in range(LOOP):
            x = (x * 31 + i) % 1_000_003
        best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 1)


def machine_now() -> dict:
    """The machine's speed at this moment: the CPU loop and the load average."""
    return {"cpu_loop_ms": cpu_loop_ms(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def commit(root: Path) -> str:
    """The commit measured, with ``+`` when the work tree has uncommitted changes."""
    git = shutil.which("git")
    if git is None:
        return "?"
    try:
        head = subprocess.run(
            [git, "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            # The run's own results are written before its row: they do not make it dirty.
            [
                git,
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
                ":(exclude)benchmarks/results",
            ],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{head}+" if dirty else head or "?"


def pair_figures(pair: dict) -> dict:
    """One intake pair's figures: PropDesk's rate and p99, the raw SQL rate, the peer's rate,
    and the two ratios the targets are stated in."""
    http = (pair.get("intake") or {}).get("http") or {}
    raw = (pair.get("intake") or {}).get("raw") or {}
    peer = ((pair.get("peer") or {}).get("create")) or {}
    rate, raw_rate, peer_rate = http.get("rate"), raw.get("rate"), peer.get("rate")
    return {
        "cpu_loop_ms": pair.get("machine", {}).get("cpu_loop_ms"),
        "rate": rate,
        "p99": http.get("p99"),
        "raw_rate": raw_rate,
        "peer_rate": peer_rate,
        "peer_ratio": rate / peer_rate if rate and peer_rate else None,
        "raw_share": rate / raw_rate if rate and raw_rate else None,
    }


def spread(values: list[float | None]) -> tuple[float, float, float] | None:
    """(min, median, max) of the values measured, or None when none was."""
    got = [v for v in values if v is not None]
    if not got:
        return None
    return min(got), statistics.median(got), max(got)


HISTORY_HEAD = [
    "# `make bench` history",
    "",
    "One row per run of `benchmarks/bench.py` (written by it). The CPU loop (ms, lower is "
    "faster) and the raw SQL rate are the machine's speed in that run; the ratios are measured "
    "within the run, so they compare across machines better than the rates do. Ratio columns "
    "give min–max over the run's intake pairs.",
    "",
    "| date (UTC) | commit | tickets | CPU loop ms | raw SQL /s | PropDesk /s | p99 ms "
    "| django-helpdesk /s | × helpdesk | % of raw | worst list p95 ms | worst queue p95 ms "
    "| company month s |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]


def _range(values: list[float | None], fmt: str) -> str:
    s = spread(values)
    if s is None:
        return "—"
    low, _, high = s
    return fmt.format(low) if low == high else f"{fmt.format(low)}–{fmt.format(high)}"


def history_row(results: dict, root: Path) -> str:
    pairs = [pair_figures(p) for p in results.get("pairs", [])]
    lists = results.get("lists") or []
    worst = {
        target: max((x["p95_ms"] for x in lists if x["target_ms"] == target), default=None)
        for target in (50, 150)
    }
    month = (results.get("stats") or {}).get("company month", {}).get("median_s")
    cells = [
        datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        commit(root),
        f"{(results.get('data') or {}).get('tickets_ticket', 0):,}",
        _range([results.get("machine", {}).get("cpu_loop_ms")], "{:.1f}"),
        _range([p["raw_rate"] for p in pairs], "{:,.0f}"),
        _range([p["rate"] for p in pairs], "{:.1f}"),
        _range([p["p99"] for p in pairs], "{:.1f}"),
        _range([p["peer_rate"] for p in pairs], "{:.1f}"),
        _range([p["peer_ratio"] for p in pairs], "{:.2f}"),
        _range([p["raw_share"] * 100 if p["raw_share"] else None for p in pairs], "{:.1f}"),
        "—" if worst[50] is None else f"{worst[50]:.1f}",
        "—" if worst[150] is None else f"{worst[150]:.1f}",
        "—" if month is None else f"{month:.3f}",
    ]
    return "| " + " | ".join(cells) + " |"


def append_history(path: Path, results: dict, root: Path) -> str:
    """Add this run's row to ``history.md`` (created with its heading the first time)."""
    row = history_row(results, root)
    lines = path.read_text().splitlines() if path.exists() else list(HISTORY_HEAD)
    lines.append(row)
    path.write_text("\n".join(lines) + "\n")
    return row
