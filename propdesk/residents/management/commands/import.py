"""``propdesk import company FILE --company CODE [--dry-run]``: check a company file and, without
``--dry-run``, import it all or nothing (SPEC §2). The report (problems by sheet, row and
column; what is created, updated, unchanged; rows not in the file) is printed either way, and
the command fails when the file has problems.

``propdesk import template OUT.xlsx``: the workbook to fill in.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from propdesk.core.errors import DomainError
from propdesk.residents.onboarding import jobs
from propdesk.residents.onboarding import services as onboarding

from ._onboarding import find_company, progress_bar


class Command(BaseCommand):
    help = "Import a company's organisation, rooms, residents and staff; or write the template."

    def add_arguments(self, parser):
        what = parser.add_subparsers(dest="what", required=True)
        one = what.add_parser("company", help="check and import a company file")
        one.add_argument("file", help=".xlsx, .csv or a .zip of CSV files (one per sheet)")
        one.add_argument("--company", required=True, help="the company's code")
        one.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        one.add_argument("--rejected", help="write the rows with problems to this .xlsx")
        template = what.add_parser("template", help="write the workbook to fill in")
        template.add_argument("out", help="where to write the .xlsx")

    def handle(self, *args, what, **options):
        if what == "template":
            Path(options["out"]).write_bytes(onboarding.company_template())
            self.stdout.write(f"template written to {options['out']}")
            return
        target = find_company(options["company"])
        path = options["file"]
        try:
            with progress_bar(Path(path).name) as progress:
                if options["dry_run"]:
                    plan = onboarding.dry_run(target, path, progress=progress)
                else:
                    with transaction.atomic():  # the audit row with the rows, or neither
                        plan = onboarding.apply(target, path, progress=progress)
                        jobs.record_import(None, target, plan)
        except onboarding.ImportHasProblems as refused:
            plan = refused.plan
        except DomainError as refused:  # the file cannot be read at all
            raise CommandError(refused.message) from None
        for line in onboarding.describe(plan):
            self.stdout.write(line)
        if options["rejected"] and not plan.ok:
            Path(options["rejected"]).write_bytes(onboarding.rejected_rows(path, plan))
            self.stdout.write(f"rows with problems written to {options['rejected']}")
        if not plan.ok:
            raise CommandError(f"{plan.problem_count} problem(s): nothing was imported")
        if plan.applied:
            self.stdout.write(self.style.SUCCESS(f"imported into {target.code}"))
        else:
            self.stdout.write("dry run: nothing was written")
