"""Figures of SPEC §9 side by side: per project (the comparison a region or the company looks
at) and per month (the trend). The sibling of ``figures``, whose functions define what is
counted: the rows here are those same querysets grouped by project or by month, so a scope
of two hundred projects, or twelve months, costs the same few queries as one.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from propdesk.org.models import Project
from propdesk.sla.choices import ClockKind

from .figures import (
    ProjectIds,
    Rate,
    callbacks_made,
    clocks_due,
    met_of_due,
    received,
    satisfied_of_made,
)
from .period import Period

#: Months of the received trend, the chosen month included.
TREND_MONTHS = 12


def per_project(project_ids: ProjectIds, period: Period) -> list[dict]:
    """Each project of the scope, by code, with three figures of SPEC §9 for the period:
    received (``figures.received``), timeliness of the handling clock (``figures.timeliness``
    for 处理: met / fell due) and satisfaction from callbacks
    (``figures.callback_satisfaction``). One grouped query per figure, whatever the number of
    projects; a project with nothing in the period shows 0 and empty rates."""
    projects = Project.objects.filter(pk__in=project_ids).order_by("code")
    received_by = dict(
        received(project_ids, period).order_by().values_list("project_id").annotate(n=Count("pk"))
    )
    handle_by = {
        r["ticket__project_id"]: Rate(r["met"], r["due"])
        for r in clocks_due(project_ids, period)
        .filter(kind=ClockKind.HANDLE)
        .values("ticket__project_id")
        .annotate(**met_of_due())
    }
    satisfied_by = {
        r["ticket__project_id"]: Rate(r["satisfied"], r["all"])
        for r in callbacks_made(project_ids, period)
        .values("ticket__project_id")
        .annotate(**satisfied_of_made())
    }
    none = Rate(0, 0)
    return [
        {
            "project": p,
            "received": received_by.get(p.pk, 0),
            "timeliness": handle_by.get(p.pk, none),
            "satisfaction": satisfied_by.get(p.pk, none),
        }
        for p in projects
    ]


def months_back(last: date, count: int) -> list[tuple[int, int]]:
    """The ``count`` months (year, month) ending with the month of ``last``, oldest first."""
    year, month = last.year, last.month
    months = []
    for _i in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def received_by_month(
    project_ids: ProjectIds, period: Period, months: int = TREND_MONTHS
) -> dict[str, list]:
    """The trend of SPEC §9: received (``figures.received``) in each of the ``months`` months
    ending with the period's last month, months in Asia/Shanghai, in one grouped query:
    ``{"months": ["2025-10", …, "2026-09"], "received": [n, …]}``."""
    span = months_back(period.last, months)
    rows = (
        received(project_ids, Period(date(*span[0], 1), period.last))
        .annotate(month=TruncMonth("received_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    )
    found: dict[tuple[int, int], int] = {}
    for r in rows:
        local = timezone.localtime(r["month"]) if timezone.is_aware(r["month"]) else r["month"]
        found[(local.year, local.month)] = found.get((local.year, local.month), 0) + r["n"]
    return {
        "months": [f"{y}-{m:02d}" for y, m in span],
        "received": [found.get(ym, 0) for ym in span],
    }
