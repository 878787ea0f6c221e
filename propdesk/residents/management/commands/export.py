"""``propdesk export company --company CODE OUT.xlsx [--format csv]``: the company's regions,
projects, departments, staff, rooms and residents in the import's own format, which imports
back with nothing changed. ``--format csv`` (or an OUT ending in .zip) writes a zip of one CSV
per sheet."""

from django.core.management.base import BaseCommand

from propdesk.residents.onboarding import jobs
from propdesk.residents.onboarding import services as onboarding

from ._onboarding import find_company


class Command(BaseCommand):
    help = "Export a company in the format of the company import."

    def add_arguments(self, parser):
        what = parser.add_subparsers(dest="what", required=True)
        one = what.add_parser("company", help="export a company")
        one.add_argument("--company", required=True, help="the company's code")
        one.add_argument("--format", choices=["xlsx", "csv"], help="default: from OUT's ending")
        one.add_argument("out", help="where to write the .xlsx (or .zip of CSV files)")

    def handle(self, *args, what, company: str, out: str, **options):
        target = find_company(company)
        format = options["format"] or ("csv" if out.lower().endswith(".zip") else "xlsx")
        onboarding.write_company(target, out, format=format)
        jobs.record_export(None, target, format)
        self.stdout.write(f"{target.code} written to {out}")
