"""Suggestions while recording (issue 20, "Performance and quality"): how long the intake's
suggestions take per keystroke burst, and how accurate the category model is on its held-out
slice.

    .venv/bin/python benchmarks/suggest_bench.py [--tickets 8000] [--open 300] [--bursts 400]
        [--database-url sqlite:///var/suggest_bench.sqlite3] [--fresh]

1. Builds (once) a company with one project, its staff, the starter case library published,
   ``--tickets`` closed requests generated from the starter cases' problems and the phrases of
   ``propdesk/suggest/tests/history.py`` (5% filed under a neighbouring category, as agents do)
   and ``--open`` open requests of the last weeks to compare new text with.
2. Trains the model (``training.train``): time, peak memory, and the top-1 / top-3 accuracy
   on the stratified 20% held out, as recorded on ``suggest.CategoryModel``.
3. Types descriptions (another seed than the history's) the way an agent does — bursts of a
   few characters between pauses — and times each burst's ``POST /intake/suggestions/``
   through Django's test client (view, queries, template: what the page waits for) and, apart,
   ``services.suggest`` alone; p50 / p95 / max.

Writes ``benchmarks/results/suggest.md`` with ``--write``. Figures are as measured (truncated,
never rounded up).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--tickets", type=int, default=8000)
    p.add_argument("--open", type=int, default=300)
    p.add_argument("--bursts", type=int, default=400)
    p.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'suggest_bench.sqlite3'}")
    p.add_argument("--fresh", action="store_true", help="delete the SQLite file first")
    p.add_argument("--write", action="store_true", help="write benchmarks/results/suggest.md")
    return p.parse_args()


def setup(args: argparse.Namespace) -> None:
    if args.fresh and args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def world(args: argparse.Namespace):
    """The company, its project and an agent; the history generated once."""
    from django.utils import timezone

    from propdesk.knowledge.services import load_starter
    from propdesk.org.choices import Role
    from propdesk.org.models import Company, Project, Region, User
    from propdesk.suggest.tests.history import closed_tickets
    from propdesk.tickets.choices import Status
    from propdesk.tickets.models import Ticket

    company, _ = Company.objects.get_or_create(code="BENCH", defaults={"name": "基准物业"})
    region, _ = Region.objects.get_or_create(
        code="BR", defaults={"company": company, "name": "基准地区"}
    )
    project, _ = Project.objects.get_or_create(
        code="BP", defaults={"company": company, "region": region, "name": "基准花园"}
    )
    agent = User.objects.filter(username="bench-agent").first()
    if agent is None:
        agent = User.objects.create_user("bench-agent", role=Role.AGENT, company=company)
        agent.scope_projects.set([project])
    now = timezone.now()
    load_starter(company, now=now)
    have = Ticket.objects.filter(company=company, status=Status.CLOSED).count()
    if have < args.tickets:
        closed_tickets(
            company=company, project=project, registered_by=agent, n=args.tickets - have,
            start=now - timedelta(days=720), seed=7 + have,
        )  # fmt: skip
    opened = Ticket.objects.filter(company=company).exclude(status=Status.CLOSED).count()
    if opened < args.open:
        closed_tickets(
            company=company, project=project, registered_by=agent, n=args.open - opened,
            start=now - timedelta(days=25), seed=99 + opened,
        )  # fmt: skip
        Ticket.objects.filter(number__startswith=f"S{99 + opened}-").update(
            status=Status.REGISTERED, closed_at=None
        )
    return company, project, agent


def train(company) -> dict:
    from propdesk.suggest import training

    tracemalloc.start()
    started = time.perf_counter()
    done = training.train(company)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    model = done.model
    assert model is not None, done.reason
    return {
        "version": model.version,
        "n_fit": model.n_tickets,
        "n_held": model.n_held_out,
        "top1": model.accuracy_top1,
        "top3": model.accuracy_top3,
        "kind": model.kind_accuracy,
        "categories": len(model.categories),
        "seconds": seconds,
        "peak_mb": peak / 2**20,
        "blob_kb": len(bytes(model.blob)) / 1024,
    }


def bursts(n: int) -> list[str]:
    """What the page sends: the description as it stands after each pause, for new texts."""
    from propdesk.suggest.tests.history import description, problems

    rng = random.Random(2026)
    pool = [p for items in problems().values() for p, _kind in items]
    sent: list[str] = []
    while len(sent) < n:
        text = description(rng, rng.choice(pool))
        at = 0
        while at < len(text) and len(sent) < n:
            at += rng.randint(3, 7)  # a few characters, then the 400 ms pause
            sent.append(text[:at])
    return sent


def _ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "max": ordered[-1] * 1000,
    }


def time_bursts(project, agent, texts: list[str]) -> tuple[dict, dict]:
    from django.test import Client

    from propdesk.suggest.services import suggest

    client = Client()
    client.force_login(agent)
    for text in texts[:20]:  # warm: the model and the case library loaded once per process
        client.post("/intake/suggestions/", {"description": text, "project": project.code})
    page, service = [], []
    for text in texts:
        started = time.perf_counter()
        answer = client.post("/intake/suggestions/", {"description": text, "project": "BP"})
        page.append(time.perf_counter() - started)
        assert answer.status_code == 200
        started = time.perf_counter()
        suggest(agent, project=project, text=text)
        service.append(time.perf_counter() - started)
    return _ms(page), _ms(service)


def _cut(value: float, places: int = 1) -> str:
    """Truncated, never rounded up."""
    factor = 10**places
    return f"{int(value * factor) / factor:.{places}f}"


def report(args, trained: dict, page: dict, service: dict, engine: str) -> str:
    p = {k: _cut(v) for k, v in page.items()}
    s = {k: _cut(v) for k, v in service.items()}
    rss = _cut(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return f"""# Suggestions while recording (issue 20)

Measured by `benchmarks/suggest_bench.py --tickets {args.tickets} --open {args.open} \\
--bursts {args.bursts}` on {engine}, {os.cpu_count()} cores shared with other jobs. Figures
truncated, never rounded up.

## Category model (held-out slice)

History: {args.tickets} closed requests generated from the starter case library's problems and
the phrases of `propdesk/suggest/tests/history.py` over {trained["categories"]} categories,
5% filed under a neighbouring category as agents do. Stratified 20% held out.

| | measured | target |
|---|---|---|
| top-1 accuracy | {_cut(trained["top1"] * 100)}% | ≥ 85% |
| top-3 accuracy | {_cut(trained["top3"] * 100)}% | ≥ 95% |
| kind accuracy | {_cut(trained["kind"] * 100)}% | |
| fitted on / held out | {trained["n_fit"]} / {trained["n_held"]} | |
| training time | {_cut(trained["seconds"])} s | |
| training peak memory (Python allocations) | {_cut(trained["peak_mb"])} MB | |
| stored model | {_cut(trained["blob_kb"])} kB | |

The generated wording is far more regular than real callers': these figures say the pipeline
learns and answers correctly, not what a company's own history will give. With 5% of the
labels moved to a sibling category, top-1 cannot pass about 95% on this data; the kind is
tied to each generated phrase, hence its 100%. The accuracy that
counts is the one recorded per company at each nightly training, and the monthly acceptance
(`/suggestions/report/`).

## Per keystroke burst

{args.bursts} bursts (the description after each pause of typing, 3–7 characters apart), with
{args.open} open requests in the project to compare with and the starter library published.

| | p50 | p95 | max | target |
|---|---|---|---|---|
| `POST /intake/suggestions/` (view, queries, template) | {p["p50"]} ms | {p["p95"]} ms \
| {p["max"]} ms | p95 < 100 ms |
| `services.suggest` alone | {s["p50"]} ms | {s["p95"]} ms | {s["max"]} ms | |

Peak resident memory of the whole run: {rss} MB.
"""


def main() -> None:
    args = parse_args()
    setup(args)
    from django.db import connection

    company, project, agent = world(args)
    trained = train(company)
    print(
        f"model v{trained['version']}: top-1 {trained['top1']:.4f} top-3 {trained['top3']:.4f} "
        f"kind {trained['kind']:.4f} on {trained['n_held']} held out; "
        f"{trained['seconds']:.1f} s, peak {trained['peak_mb']:.0f} MB"
    )
    page, service = time_bursts(project, agent, bursts(args.bursts))
    print(f"page   p50 {page['p50']:.1f} ms  p95 {page['p95']:.1f} ms  max {page['max']:.1f} ms")
    print(f"service p50 {service['p50']:.1f} ms  p95 {service['p95']:.1f} ms")
    engine = connection.vendor
    text = report(args, trained, page, service, engine)
    if args.write:
        (ROOT / "benchmarks" / "results" / "suggest.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
