"""``propdesk sla reconcile``: record every warning and breach whose moment has passed and
give every running clock whose timer was lost a new one. Safe to run at any time."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from propdesk.sla.services import reconcile


class Command(BaseCommand):
    help = "SLA clocks: reconcile (repair lost timers, record missed warnings and breaches)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("reconcile", help="repair every clock whose timer was lost")

    def handle(self, *args, action, **options):
        started = time.perf_counter()
        result = reconcile()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"breached {result.breached}, warned {result.warned}, "
            f"rescheduled {result.rescheduled} in {elapsed:.2f} s"
        )
