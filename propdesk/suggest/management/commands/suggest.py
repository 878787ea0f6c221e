"""``propdesk suggest train [--company CODE]``: train the category model now (the worker does it
every night); ``propdesk suggest report``: the latest model of each company."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from propdesk.org.models import Company

from ...models import CategoryModel
from ...training import min_tickets, train


class Command(BaseCommand):
    help = "Train or list the intake's category models."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        training = sub.add_parser("train", help="train a new version now")
        training.add_argument("--company", help="company code (default: every company)")
        sub.add_parser("report", help="the latest model of each company")

    def handle(self, *args, action, **options):
        if action == "report":
            return self._report()
        code = options.get("company")
        companies = Company.objects.order_by("pk")
        if code:
            companies = companies.filter(code=code)
            if not companies.exists():
                raise CommandError(f"no company {code!r}")
        for company in companies:
            done = train(company)
            if done.model is None:
                self.stdout.write(
                    f"{company.code}: not trained ({done.reason}); the keyword rules answer "
                    f"until there are {min_tickets()} closed requests in two categories or more"
                )
            else:
                m = done.model
                self.stdout.write(
                    f"{company.code}: v{m.version} on {m.n_tickets} requests, held out "
                    f"{m.n_held_out}: top-1 {m.accuracy_top1:.1%}, top-3 {m.accuracy_top3:.1%}, "
                    f"kind {m.kind_accuracy:.1%}"
                )

    def _report(self) -> None:
        for company in Company.objects.order_by("pk"):
            m = CategoryModel.objects.filter(company=company).defer("blob").first()
            if m is None:
                self.stdout.write(f"{company.code}: no model (keyword rules)")
            else:
                self.stdout.write(
                    f"{company.code}: v{m.version} {m.trained_at:%Y-%m-%d %H:%M} "
                    f"top-1 {m.accuracy_top1:.1%} top-3 {m.accuracy_top3:.1%}"
                )
