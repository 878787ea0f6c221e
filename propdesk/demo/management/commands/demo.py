"""``propdesk demo [--if-empty] [--seed N] [--size N]``: load the demo company 华宇物业.

Everything is written in one transaction, so a failure leaves nothing behind. Tickets are
created and moved only through the ticket services, with explicit times in the last 90 days.
"""

from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError, CommandParser

from propdesk.demo.loader import DEFAULT_SEED, DEFAULT_SIZE, DemoExists, load_demo
from propdesk.demo.logins import login_table
from propdesk.demo.org import COMPANY_CODE, COMPANY_NAME
from propdesk.org.models import Company


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_logins() -> str:
    header = ("username", "password", "role", "scope")
    rows = [header, *login_table()]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


class Command(BaseCommand):
    help = "Load the demo company 华宇物业 with residents, staff and a few hundred tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only when the database has no company yet; otherwise just list the logins",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--size", type=int, default=DEFAULT_SIZE, help="number of tickets (about)"
        )

    def handle(
        self, *args: object, if_empty: bool, seed: int, size: int, **options: object
    ) -> None:
        if if_empty and Company.objects.exists():
            if Company.objects.filter(code=COMPANY_CODE).exists():
                self.stdout.write(f"The demo company {COMPANY_NAME} is already loaded.")
            else:
                self.stdout.write("The database already has a company; the demo was not loaded.")
        else:
            started = time.monotonic()
            try:
                summary = load_demo(seed=seed, size=size)
            except DemoExists:
                raise CommandError(
                    f"The demo company {COMPANY_NAME} ({COMPANY_CODE}) already exists; "
                    "nothing was changed. Use a fresh database to load it again."
                ) from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {COMPANY_NAME}: {summary.projects} projects, {summary.rooms} rooms, "
                    f"{summary.residents} residents, {summary.staff} staff, "
                    f"{summary.tickets} tickets in {time.monotonic() - started:.1f} s."
                )
            )
        self.stdout.write("\nDemo logins:\n" + format_logins())
