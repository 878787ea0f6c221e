"""Ticket numbers ``<PROJECTCODE>-<YYYYMMDD>-<NNNN>``: unique, never reused.

The counter row for (project, day) is advanced by one atomic ``INSERT … ON CONFLICT DO UPDATE
… RETURNING`` statement, which PostgreSQL serialises on the row and SQLite (≥ 3.35) on its
write lock; two concurrent registrations can never read the same value. The number is taken
inside the registering transaction, so a failed registration leaves no ticket behind it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from propdesk.org.models import Project

from ..models import TicketNumberSequence


def next_ticket_number(project: Project, at: datetime) -> str:
    # The company's day (settings.TIME_ZONE, Asia/Shanghai), not whatever time zone the
    # current request happens to have activated.
    day = timezone.localtime(at, timezone.get_default_timezone()).date()
    table = connection.ops.quote_name(TicketNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (project_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (project_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [project.pk, day],
        )
        (last,) = cursor.fetchone()
    return f"{project.code}-{day:%Y%m%d}-{last:04d}"
