"""Word search at group scale (issue 20, "Performance"): the first page of a word search, in a
caller's scope, for 电梯 / 漏水 楼上 / 停车位 占用, and the time to re-index every ticket.

    .venv/bin/python benchmarks/search_bench.py --database-url postgres://…/propdesk_search_bench
    .venv/bin/python benchmarks/search_bench.py --database-url sqlite:///var/search_bench.sqlite3
        [--runs 30] [--reindex] [--explain]

The database is one ``generate.py`` built (1M tickets on PostgreSQL, 100k on SQLite), migrated
and indexed (``propdesk search reindex``, or ``--reindex`` here, which times it). Each query
is timed as two users: a project's agent (one project of the scope) and the company-wide HQ
user, two ways: ``find_tickets`` (the search page and GET /api/v1/search: ranked newest
matches, first page with snippets) and the ticket list's ``text`` filter (GET /api/v1/tickets:
first page of 20 newest, with its count bounded at 1000). Targets: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERIES = ["电梯", "漏水 楼上", "停车位 占用"]


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    import django

    django.setup()


def timed(call, runs: int, warm: int = 3) -> tuple[list[float], object]:
    for _ in range(warm):
        result = call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reindex", action="store_true", help="time a full ticket re-index")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE (PostgreSQL)")
    args = parser.parse_args()
    setup(args.database_url)

    from django.db import connection

    from propdesk.core.paging import IdsFirst, bounded_count
    from propdesk.org.models import User
    from propdesk.search import services
    from propdesk.search.models import TicketText
    from propdesk.tickets.models import Ticket
    from propdesk.tickets.serializers import SUMMARY_RELATED, summary
    from propdesk.tickets.services import TicketFilter, filter_tickets, tickets_for

    print(f"database: {connection.vendor}, tickets: {Ticket.objects.count():,}")
    if args.reindex:
        started = time.perf_counter()
        done = services.reindex_tickets(batch=args.batch)
        print(f"re-index: {done:,} tickets in {time.perf_counter() - started:.1f} s")
    print(f"indexed: {TicketText.objects.count():,}")

    agent = User.objects.filter(role="agent").order_by("pk").first()
    hq = User.objects.filter(role="hq").order_by("pk").first()
    rows = []
    for user in (agent, hq):
        for q in QUERIES:
            found_times, found = timed(
                lambda user=user, q=q: services.find_tickets(user, q), args.runs
            )

            def listed(user=user, q=q):
                f = TicketFilter(text=q, company_id=user.company_id)
                qs = filter_tickets(tickets_for(user), f)
                count = bounded_count(qs)
                page = IdsFirst(
                    qs, qs.order_by("-received_at", "-pk").values("pk"), SUMMARY_RELATED
                )
                return count, [summary(t) for t in page[0:20]]

            list_times, (count, _items) = timed(listed, args.runs)
            rows.append(
                (user.username, q, found.matched, found.more, found_times, count, list_times)
            )
    print()
    print(
        "| user | query | matched (ranked) | find_tickets p50 / p95 ms | list count | "
        "list text filter p50 / p95 ms |"
    )
    print("|---|---|---|---|---|---|")
    for user, q, matched, more, ft, count, lt in rows:
        print(
            f"| {user} | {q} | {matched}{'+' if more else ''} | "
            f"{statistics.median(ft):.1f} / {p95(ft):.1f} | "
            f"{count[0]}{'' if count[1] else '+'} | "
            f"{statistics.median(lt):.1f} / {p95(lt):.1f} |"
        )
    if args.explain and connection.vendor == "postgresql":
        words = services.query_words(hq, "电梯")
        from propdesk.search.services.finding import RANK_LIMIT, ticket_matches

        for user in (agent, hq):
            from propdesk.org.access import visible_projects

            qs = (
                ticket_matches(words)
                .filter(project_id__in=visible_projects(user))
                .order_by("-ticket_id")
                .values_list("ticket_id", flat=True)[: RANK_LIMIT + 1]
            )
            sql, params = qs.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print(f"\nEXPLAIN, 电梯 as {user.username}:")
                print("\n".join(r[0] for r in cursor.fetchall()))


if __name__ == "__main__":
    main()
