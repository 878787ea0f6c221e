"""benchmarks/results/latest.md from the figures benchmarks/bench.py gathered."""

from __future__ import annotations

from bench_machine import pair_figures, spread


def _n(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _verdict(measured, target, *, higher_is_better: bool = False) -> str:
    if measured is None or target is None:
        return "not measured"
    ok = measured >= target if higher_is_better else measured < target
    if ok:
        return "met"
    if higher_is_better:
        return f"MISSED ({measured / target:.0%} of target)"
    return f"MISSED ({measured / target:.1f}× target)"


def _targets(r: dict) -> list[str]:
    rows = ["| target (issues 8 and 22, 1M tickets) | measured | verdict |", "|---|---|---|"]
    pairs = [pair_figures(p) for p in r.get("pairs", [])]
    n = len(pairs)
    for label, key, target, higher, unit, digits in (
        ("intake ≥ 300 tickets/s", "rate", 300, True, " /s", 1),
        ("intake p99 < 100 ms", "p99", 100, False, " ms", 1),
        ("intake ≥ 3× django-helpdesk's creation rate", "peer_ratio", 3, True, "×", 2),
        ("intake ≥ 15% of the raw SQL rate", "raw_share", 15, True, "%", 1),
    ):
        values = [p[key] for p in pairs]
        if key == "raw_share":
            values = [v * 100 if v is not None else None for v in values]
        got = spread(values)
        if got is None:
            rows.append(f"| {label} | — | not measured |")
            continue
        low, median, high = got
        shown = (
            f"{_n(low, digits)}–{_n(high, digits)}{unit}"
            if low != high
            else f"{_n(low, digits)}{unit}"
        )
        worst = low if higher else high
        met = sum(v is not None and (v >= target if higher else v < target) for v in values)
        rows.append(f"| {label} | {shown} over {n} pair(s), median {_n(median, digits)} | "
                    f"{_verdict(worst, target, higher_is_better=higher)}"
                    f" ({met} of {n} pairs) |")  # fmt: skip
    lists = [x for x in r.get("lists", []) if x["target_ms"] == 50]
    queues = [x for x in r.get("lists", []) if x["target_ms"] == 150]
    for label, group, target in (("ticket list with filters p95 < 50 ms", lists, 50),
                                 ("queue page p95 < 150 ms", queues, 150)):  # fmt: skip
        if group:
            worst = max(group, key=lambda x: x["p95_ms"])
            over = sum(x["p95_ms"] >= target for x in group)
            rows.append(f"| {label} | worst {_n(worst['p95_ms'])} ms ({worst['label']});"
                        f" {len(group) - over} of {len(group)} under | "
                        f"{_verdict(worst['p95_ms'], target)} |")  # fmt: skip
    sweeps = r.get("sweeps") or {}
    if sweeps:
        total = sweeps["reconcile_s"] + sweeps["grade_sweep_s"]
        rows.append(f"| reconcile + grade sweep over all open tickets < 10 s | {_n(total, 2)} s |"
                    f" {_verdict(total, 10)} |")  # fmt: skip
    stats = r.get("stats") or {}
    # Issue 22 halved issue 8's company month (2 s).
    for key, target in (("company month", 1.0), ("project month", 0.2)):
        if key in stats:
            m = stats[key]["median_s"]
            rows.append(f"| statistics, {key} < {target:g} s | {_n(m, 3)} s (median) |"
                        f" {_verdict(m, target)} |")  # fmt: skip
    return rows


def render(r: dict) -> str:
    m, d = r.get("machine", {}), r.get("data", {})
    out = [
        "# PropDesk benchmarks (`make bench`)",
        "",
        f"Run {m.get('date')}, {m.get('cpus')} cores, Python {m.get('python')}, PostgreSQL "
        f"{m.get('postgresql')} on the same machine; load average at the start "
        f"{', '.join(f'{x:.2f}' for x in m.get('load_average', []))}; the fixed CPU loop "
        f"(bench_machine.py) took {m.get('cpu_loop_ms')} ms. "
        "Written by `benchmarks/bench.py`; the raw figures are in `latest.json`.",
        "",
        "## Targets",
        "",
        *_targets(r),
        "",
        "## The data (benchmarks/generate.py)",
        "",
        f"{_n(d.get('org_project'))} projects, {_n(d.get('residents_room'))} households, "
        f"{_n(d.get('residents_resident'))} residents, {_n(d.get('org_user'))} staff; "
        f"{_n(d.get('tickets_ticket'))} tickets, {_n(d.get('tickets_workorder'))} work orders, "
        f"{_n(d.get('sla_slaclock'))} clocks, {_n(d.get('tickets_ticketevent'))} events, "
        f"{_n(d.get('callbacks_callback'))} callbacks. Tickets by status: "
        + ", ".join(f"{k} {v:,}" for k, v in d.get("status", {}).items())
        + ". Clocks by state: "
        + ", ".join(f"{k} {v:,}" for k, v in d.get("clocks", {}).items())
        + f". This run's generate step took {r.get('generate_s')} s (0 work when the database "
        "was already built)." + _index_line(r.get("search_index")),
        "",
    ]
    stats = r.get("stats")
    if stats:
        out += [f"## Statistics ({stats['period']}, `stats.reports.snapshot`: every figure of "
                "the monthly report)", "", _speed(r.get("stats_machine")), "",
                "| scope | projects | tickets received | min | median | max |",
                "|---|---|---|---|---|---|"]  # fmt: skip
        for key in ("project month", "company month"):
            s = stats[key]
            out.append(f"| {key} | {s['projects']} | {_n(s['received'])} | {s['min_s']:.3f} s |"
                       f" {s['median_s']:.3f} s | {s['max_s']:.3f} s |")  # fmt: skip
        out.append("")
    if r.get("lists"):
        out += ["## Ticket list and queue pages (server time, DEBUG off)", "",
                _speed(r.get("lists_machine")), "",
                "| request | rows | queries | p50 ms | p95 ms | target ms | status |",
                "|---|---|---|---|---|---|---|"]  # fmt: skip
        for x in r["lists"]:
            flag = "" if x["p95_ms"] < x["target_ms"] else " **over**"
            out.append(f"| {x['label']} | {_n(x['rows'])} | {x['queries']} | {x['p50_ms']} |"
                       f" {x['p95_ms']}{flag} | {x['target_ms']:g} | {x['status']} |")  # fmt: skip
        out.append("")
    sweeps = r.get("sweeps")
    if sweeps:
        out += ["## SLA reconcile and grade sweep", "",
                f"{sweeps['open_tickets']:,} open tickets ({sweeps['working_tickets']:,} in a "
                f"working state). `sla reconcile` (sweep, lost-timer repair, pruning, grade "
                f"sweep): **{sweeps['reconcile_s']} s** ({sweeps['reconcile_result']}); the grade"
                f" sweep alone: **{sweeps['grade_sweep_s']} s** ({sweeps['graded']} changed).",
                ""]  # fmt: skip
    out += _intake_and_peer(r)
    if r.get("plans"):
        out += [
            "## EXPLAIN (ANALYZE, BUFFERS) of each row's slowest query, furthest over target first",
            "",
        ]
        for label, plan in r["plans"].items():
            out += [f"<details><summary>{label}</summary>", "", "```", plan, "```", "",
                    "</details>", ""]  # fmt: skip
    return "\n".join(out)


def _index_line(index: dict | None) -> str:
    if not index:
        return ""
    if index.get("reindex_s") is None:
        return f" Word index: {index['indexed']:,} tickets, already built."
    return f" Word index: {index['indexed']:,} tickets re-indexed in {index['reindex_s']} s."


def _speed(machine: dict | None) -> str:
    if not machine:
        return "Machine speed not recorded."
    load = ", ".join(f"{x:.2f}" for x in machine.get("load_average", []))
    return f"Machine just before: CPU loop {machine.get('cpu_loop_ms')} ms, load {load}."


def _intake_and_peer(r: dict) -> list[str]:
    """Each intake pair: PropDesk's intake beside the database's own insert rate, then
    django-helpdesk's creation right after with the same load."""
    pairs = r.get("pairs") or []
    if not pairs:
        return []
    out = ["## Intake pairs: PropDesk, the database alone, django-helpdesk", "",
           "Each pair runs PropDesk's intake (with the raw SQL limit after it) and then "
           "django-helpdesk's creation with the same connections, workers and seconds; the "
           "ratios are within the pair.", ""]  # fmt: skip
    summary = ["| pair | CPU loop ms | raw SQL /s | PropDesk /s | p99 ms | django-helpdesk /s "
               "| × helpdesk | % of raw |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for pair in pairs:
        f = pair_figures(pair)
        share = f["raw_share"] * 100 if f["raw_share"] else None
        summary.append(f"| {pair['number']} | {_n(f['cpu_loop_ms'])} | {_n(f['raw_rate'])} |"
                       f" {_n(f['rate'])} | {_n(f['p99'])} | {_n(f['peer_rate'])} |"
                       f" {_n(f['peer_ratio'], 2)} | {_n(share)} |")  # fmt: skip
    out += [*summary, ""]
    rows = ["| pair | who | what | requests | errors | per second | p50 ms | p95 ms | p99 ms |",
            "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip

    def row(number, who, what, x):
        rows.append(f"| {number} | {who} | {what} | {_n(x.get('requests'))} |"
                    f" {_n(x.get('errors'))} | {_n(x.get('rate'))} | {_n(x.get('p50'))} |"
                    f" {_n(x.get('p95'))} | {_n(x.get('p99'))} |")  # fmt: skip

    for pair in pairs:
        intake, peer, number = pair.get("intake") or {}, pair.get("peer") or {}, pair["number"]
        for figures in (intake, peer):
            if "error" in figures:
                out += [f"**Pair {number}: {figures['error']}** (see the run's output).", ""]
        if intake.get("http"):
            server = f"gunicorn, {intake.get('workers')} {intake.get('worker_class')} workers"
            row(number, "PropDesk", f"POST /api/v1/tickets ({server})", intake["http"])
        if intake.get("raw"):
            row(number, "PostgreSQL alone", "INSERT ticket + event, one transaction each",
                intake["raw"])  # fmt: skip
        if peer.get("create"):
            row(number, f"django-helpdesk {peer.get('peer', '')}",
                "ticket creation through its API", peer["create"])  # fmt: skip
        for label, x in (peer.get("lists") or {}).items():
            row(number, "django-helpdesk", label, x)
    return [*out, *rows, ""]


def _flat(figures: dict, prefix: str = "") -> str:
    lines = []
    for key, value in figures.items():
        if isinstance(value, dict):
            lines.append(_flat(value, f"{prefix}{key}."))
        elif key != "markdown":
            lines.append(f"{prefix}{key}: {value}")
    return "\n".join(lines)
