"""Word search through the list and the queue, as HQ and as one project's supervisor: the rows
of ``make bench`` that issue 22 worked on, timed alone (server time through Django's test
client, DEBUG off, as ``bench_server.lists_and_queues`` times them), so that two versions of
the code can be compared one after the other on the same database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/propdesk_bench \\
        .venv/bin/python benchmarks/text_rows.py [--runs 30]

It prints p50 and p95 per row, the queries of one request and the slowest of them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

ROWS = [
    ("GET /api/v1/tickets?text=电梯", "/api/v1/tickets", {"text": "电梯"}, 50),
    ("GET /api/v1/tickets?text=漏水 楼上", "/api/v1/tickets", {"text": "漏水 楼上"}, 50),
    ("/queues/all/?text=电梯", "/queues/all/", {"text": "电梯"}, 150),
    ("/queues/all/?text=漏水 楼上", "/queues/all/", {"text": "漏水 楼上"}, 150),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--users", default="hq,p001-supervisor")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    import bench_server
    from django.test import Client

    from propdesk.org.models import User

    for username in args.users.split(","):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, path, params, target in ROWS:
            t = bench_server._time_get(client, label, path, params, runs=args.runs,
                                       budget=60, target_ms=target)  # fmt: skip
            print(f"{username:<16} {label:<36} p50 {t.p50:6.1f} ms  p95 {t.p95:6.1f} ms  "
                  f"(target {target})  {t.queries} queries, "
                  f"slowest {t.slowest_sql_ms:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
