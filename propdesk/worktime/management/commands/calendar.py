"""``propdesk calendar import FILE [--calendar CODE]``: load a year's holiday schedule.

CSV: ``date,type,note`` per line (type: holiday/休息 or workday/上班). JSON:
``{"holidays": ["2027-01-01", …], "workdays": [{"date": "2027-02-07", "note": "春节调休"}]}``.
Every year the file touches is replaced as a whole; a bad file changes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from propdesk.core.errors import InvalidInput
from propdesk.worktime.models import Calendar
from propdesk.worktime.services import SYSTEM_CALENDAR_CODE, import_calendar_file


class Command(BaseCommand):
    help = "Working calendars: import a year's holidays and make-up working days; list them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a CSV or JSON schedule")
        imp.add_argument("file")
        imp.add_argument("--calendar", default=SYSTEM_CALENDAR_CODE)
        imp.add_argument(
            "--year", type=int, help="the year the file is for (default: most of its dates)"
        )
        sub.add_parser("list", help="list calendars and the years they know")

    def handle(self, *args, action, **options):
        if action == "list":
            for calendar in Calendar.objects.prefetch_related("years"):
                years = [y.year for y in calendar.years.all()]
                span = f"{min(years)}–{max(years)}" if years else "-"
                self.stdout.write(f"{calendar.code}\t{calendar.name}\t{span}")
            return
        try:
            years = import_calendar_file(
                options["file"], calendar_code=options["calendar"], year=options["year"]
            )
        except InvalidInput as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"imported {', '.join(map(str, years))} into calendar {options['calendar']}"
        )
