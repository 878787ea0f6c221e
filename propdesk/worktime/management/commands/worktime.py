"""``propdesk worktime due --project CODE --start "2026-09-30 10:00" --working-days 5``:
print a deadline in local time, so a person can check one by hand."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from propdesk.org.models import Project
from propdesk.worktime import arithmetic
from propdesk.worktime.services import calendar_for_project, system_calendar

WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = "Working-time arithmetic: compute a deadline (due)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="print the deadline for a start time and a limit")
        due.add_argument("--project", help="project code (its calendar and working hours)")
        due.add_argument("--start", required=True, help='local time, e.g. "2026-09-30 10:00"')
        unit = due.add_mutually_exclusive_group(required=True)
        unit.add_argument("--working-days", type=int)
        unit.add_argument("--working-hours", type=float)
        unit.add_argument("--hours", type=float)
        unit.add_argument("--minutes", type=int)
        unit.add_argument("--same-day", action="store_true")

    def handle(self, *args, **options):
        if options["project"]:
            project = Project.objects.filter(code=options["project"]).first()
            if project is None:
                raise CommandError(f"no project with code {options['project']!r}")
            calendar = calendar_for_project(project)
        else:
            calendar = system_calendar()
        try:
            start = datetime.fromisoformat(options["start"])
        except ValueError:
            raise CommandError(
                f"--start {options['start']!r} is not a time like 2026-09-30 10:00"
            ) from None
        if timezone.is_naive(start):
            start = start.replace(tzinfo=calendar.tz)
        try:
            if options["working_days"] is not None:
                due = arithmetic.add_working_days(calendar, start, days=options["working_days"])
            elif options["working_hours"] is not None:
                due = arithmetic.add_working_minutes(
                    calendar, start, minutes=round(options["working_hours"] * 60)
                )
            elif options["hours"] is not None:
                due = arithmetic.add_natural(start, minutes=round(options["hours"] * 60))
            elif options["minutes"] is not None:
                due = arithmetic.add_natural(start, minutes=options["minutes"])
            else:
                due = arithmetic.same_day(calendar, start)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        local = due.at.astimezone(calendar.tz)
        self.stdout.write(f"{local:%Y-%m-%d %H:%M} (周{WEEKDAYS[local.weekday()]})")
        for warning in due.warnings:
            self.stderr.write(f"警告 warning: {warning}")
