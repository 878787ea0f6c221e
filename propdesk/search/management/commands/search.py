"""``propdesk search reindex [--company CODE] [--batch 5000] [--only tickets,cases,residents]``:
cut every text again and rewrite the word index, a batch at a time with a progress bar — after
the company dictionary changed, or to build the index of rows written without it (a restore,
a bulk load). Safe to run again or to interrupt: each row is replaced, never added."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from propdesk.knowledge.models import Case
from propdesk.org.models import Company
from propdesk.residents.models import Resident
from propdesk.search import services
from propdesk.tickets.models import Ticket

PARTS = {
    "tickets": (Ticket, services.reindex_tickets),
    "cases": (Case, services.reindex_cases),
    "residents": (Resident, services.reindex_residents),
}


class Command(BaseCommand):
    help = "Rebuild the word index (tickets, cases, residents)."

    def add_arguments(self, parser):
        what = parser.add_subparsers(dest="what", required=True)
        reindex = what.add_parser("reindex", help="cut every text again and rewrite the index")
        reindex.add_argument("--company", help="only this company (its code)")
        reindex.add_argument("--batch", type=int, default=5000, help="rows per transaction")
        reindex.add_argument(
            "--only", default=",".join(PARTS), help="tickets, cases, residents (comma-separated)"
        )
        reindex.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, what: str, company: str | None, batch: int, only: str, **options):
        company_id = None
        if company:
            found = Company.objects.filter(code=company).first()
            if found is None:
                raise CommandError(f"no company with the code {company!r}")
            company_id = found.pk
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        parts = [p.strip() for p in only.split(",") if p.strip()]
        unknown = [p for p in parts if p not in PARTS]
        if unknown:
            raise CommandError(f"unknown part {unknown[0]!r}: {', '.join(PARTS)}")
        for part in parts:
            model, reindex = PARTS[part]
            rows = model.objects.all()
            if company_id is not None:
                rows = rows.filter(company_id=company_id)
            started = time.perf_counter()
            with tqdm(
                total=rows.count(),
                desc=part,
                unit=" rows",
                file=self.stderr,
                disable=options["no_progress"],
                mininterval=1.0,
            ) as bar:
                done = reindex(company_id=company_id, batch=batch, progress=bar.update)
            seconds = time.perf_counter() - started
            self.stdout.write(f"{part}: {done} indexed in {seconds:.1f} s")
