"""The in-database measurements of `make bench` (benchmarks/bench.py) over the generated group:
ticket list and queue pages (server time through Django's test client, DEBUG off), the SLA
reconcile and grade sweep over all open tickets, a project month and a company month of
statistics, and EXPLAIN ANALYZE of the list and queue queries."""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field


@dataclass
class Timing:
    label: str
    times: list[float] = field(default_factory=list)  # seconds
    status: int = 200
    rows: int | None = None
    target_ms: float | None = None
    queries: int = 0
    slowest_sql: str = ""  # the slowest query of one request, for EXPLAIN ANALYZE
    slowest_sql_ms: float = 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95(self) -> float:
        """The exclusive 95th percentile (never in our favour), capped at the slowest."""
        if len(self.times) < 2:
            return self.times[0] * 1000
        return min(statistics.quantiles(self.times, n=20)[-1], max(self.times)) * 1000

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(p50_ms=round(self.p50, 1), p95_ms=round(self.p95, 1), runs=len(self.times))
        del d["times"], d["slowest_sql"]
        return d


def _time_get(client, label, path, params, *, runs, budget, target_ms) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timing = Timing(label, target_ms=target_ms)
    for _ in range(3):  # warm the caches and the connection, as a running server has them
        response = client.get(path, params)
    timing.status = response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(path, params)
    timing.queries = len(captured.captured_queries)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    timing.slowest_sql, timing.slowest_sql_ms = slowest["sql"], float(slowest["time"]) * 1000
    if response.headers.get("Content-Type", "").startswith("application/json"):
        timing.rows = response.json().get("count")
    began = time.perf_counter()
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, params)
        timing.times.append(time.perf_counter() - started)
        if response.status_code != 200:
            timing.status = response.status_code
        if time.perf_counter() - began > budget:
            break
    return timing


LIST_FILTERS = [
    ("GET /api/v1/tickets (newest first)", {}),
    ("GET /api/v1/tickets?status=open statuses", {"status": "accepted,dispatched,in_progress"}),
    ("GET /api/v1/tickets?kind=complaint", {"kind": "complaint"}),
    ("GET /api/v1/tickets?category=FAC-ELEV", {"category": "FAC-ELEV"}),
    ("GET /api/v1/tickets?project=P001", {"project": "P001"}),
    ("GET /api/v1/tickets?breached=true", {"breached": "true"}),
    ("GET /api/v1/tickets?created_from=…(last 7 days)", "last_week"),
    ("GET /api/v1/tickets?text=电梯", {"text": "电梯"}),
    # Two words: the slow case of word search through the list (issue 20's note).
    ("GET /api/v1/tickets?text=漏水 楼上", {"text": "漏水 楼上"}),
]
#: Queue pages with the filters and sorts people use most.
QUEUE_VARIANTS = [
    ("/queues/all/", {"category": "FAC", "sort": "due"}),
    ("/queues/all/", {"text": "电梯"}),
    ("/queues/all/", {"text": "漏水 楼上"}),
    ("/queues/all/", {"page": "40"}),
]
QUEUES = ["mine", "unassigned", "to_dispatch", "due_soon", "breached", "escalated", "callback",
          "all"]  # fmt: skip


def lists_and_queues(*, runs: int = 30, budget: float = 20.0):
    """As the company-wide HQ user (the widest scope) and as one project's supervisor."""
    from datetime import timedelta

    from django.test import Client

    from propdesk.core import clock
    from propdesk.org.models import User

    last_week = (clock.now() - timedelta(days=7)).date().isoformat()
    _results, timings = [], []
    for username in ("hq", "p001-supervisor"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, params in LIST_FILTERS:
            params = {"created_from": last_week} if params == "last_week" else params
            t = _time_get(client, f"{label} as {username}", "/api/v1/tickets", params,
                          runs=runs, budget=budget, target_ms=50)  # fmt: skip
            timings.append(t)
        pages = [(f"/queues/{name}/", {}) for name in QUEUES] + QUEUE_VARIANTS
        for path, params in pages:
            shown = path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            t = _time_get(client, f"{shown} as {username}", path, params,
                          runs=runs, budget=budget, target_ms=150)  # fmt: skip
            timings.append(t)
    return [t.as_dict() for t in timings], _explain_slowest(timings)


def _explain_slowest(timings: list[Timing]) -> dict[str, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest query of every row (issue 22: each queue and
    list filter shows its plan), the rows furthest over their target first, as the request
    sent it."""
    from django.db import connection

    ranked = sorted(timings, key=lambda t: t.p95 / (t.target_ms or 1), reverse=True)
    plans = {}
    with connection.cursor() as c:
        for t in ranked:
            if not t.slowest_sql:
                continue
            c.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {t.slowest_sql}")
            plan = "\n".join(row[0] for row in c.fetchall())
            plans[f"{t.label}: slowest query {t.slowest_sql_ms:.1f} ms"] = (
                f"{t.slowest_sql}\n\n{plan}"
            )
    return plans


def sweeps() -> dict:
    """The SLA reconcile (sweep, lost-timer repair, pruning, grade sweep) over every open
    ticket, then the grade sweep alone, each timed once after one warm-up run."""
    from propdesk.sla.services import grade_sweep, reconcile
    from propdesk.tickets.choices import WORKING_STATUSES
    from propdesk.tickets.models import Ticket

    open_tickets = Ticket.objects.exclude(status__in=["closed", "merged", "cancelled"]).count()
    working = Ticket.objects.filter(status__in=list(WORKING_STATUSES)).count()
    reconcile()  # the first run records what the generator left due (breaches since it ran)
    started = time.perf_counter()
    result = reconcile()
    reconcile_s = time.perf_counter() - started
    from propdesk.core import clock

    started = time.perf_counter()
    graded = grade_sweep(clock.now())
    grade_s = time.perf_counter() - started
    return {
        "open_tickets": open_tickets,
        "working_tickets": working,
        "reconcile_s": round(reconcile_s, 3),
        "reconcile_result": {k: v for k, v in vars(result).items() if isinstance(v, int)},
        "grade_sweep_s": round(grade_s, 3),
        "graded": graded,
        "target_s": 10,
    }


def stats_months(*, runs: int = 5) -> dict:
    """The whole monthly figure set (reports.snapshot: counts, timeliness per clock,
    callbacks, satisfaction, handling times, Pareto, breakdowns, changes) for last month."""
    from propdesk.core import clock
    from propdesk.org.models import Project
    from propdesk.stats.period import Period
    from propdesk.stats.reports import month_before, snapshot

    year, month = month_before(clock.now().date())
    period = Period.month(year, month)
    all_ids = list(Project.objects.values_list("pk", flat=True))
    busiest = Project.objects.get(code="P001").pk
    out = {"period": str(period)}
    for label, ids, target in (("project month", [busiest], 0.2),
                               ("company month", all_ids, 2.0)):  # fmt: skip
        snapshot(ids, period)  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            figures = snapshot(ids, period)
            times.append(time.perf_counter() - started)
        out[label] = {
            "projects": len(ids),
            "min_s": round(min(times), 3),
            "median_s": round(statistics.median(times), 3),
            "max_s": round(max(times), 3),
            "received": figures.get("counts", {}).get("received"),
            "target_s": target,
        }
    return out


EXPLAINED = {
    "ticket list, newest first (HQ, page 1)": (
        "SELECT id FROM tickets_ticket ORDER BY received_at DESC, id DESC LIMIT 25"
    ),
    "ticket list, one project's open tickets": (
        "SELECT id FROM tickets_ticket WHERE project_id = (SELECT id FROM org_project WHERE"
        " code = 'P001') AND status IN ('accepted', 'dispatched', 'in_progress')"
        " ORDER BY received_at DESC LIMIT 25"
    ),
    "breached queue (running clocks past due)": (
        "SELECT DISTINCT ticket_id FROM sla_slaclock WHERE state = 'running'"
        " AND due_at <= now() LIMIT 25"
    ),
    "reconcile: running clocks without a waiting timer": (
        "SELECT k.id FROM sla_slaclock k WHERE k.state = 'running' AND NOT EXISTS (SELECT 1"
        " FROM django_tasks_database_dbtaskresult t WHERE t.id = k.due_task_id"
        " AND t.status = 'READY')"
    ),
}


def explain() -> dict[str, str]:
    from django.db import connection

    plans = {}
    with connection.cursor() as c:
        for label, sql in EXPLAINED.items():
            c.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
            plans[label] = "\n".join(row[0] for row in c.fetchall())
    return plans
