"""The figures and rows behind the callback records (issue 6 §5): the callbacks of a period
(回访记录), and the year's callback rates by month (业户回访率统计年报表), counted in the
database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from propdesk.org.models import Project
from propdesk.tickets.choices import Kind, Status
from propdesk.tickets.models import Ticket

from .models import Callback, PlannedVisit


def _day(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min), timezone.get_default_timezone())


def callbacks_between(project_ids, start: date, end: date) -> QuerySet[Callback]:
    """Callbacks made from ``start`` to ``end`` (both days included)."""
    return (
        Callback.objects.filter(
            ticket__project_id__in=project_ids,
            called_at__gte=_day(start),
            called_at__lt=_day(end + timedelta(days=1)),
        )
        .select_related(
            "ticket",
            "ticket__project",
            "ticket__category",
            "ticket__category__parent",
            "ticket__room__building",
            "ticket__room__unit",
            "called_by",
        )
        .order_by("called_at", "pk")
    )


@dataclass
class MonthRates:
    month: int
    complaints: int = 0
    complaints_called: int = 0
    repairs: int = 0
    repairs_called: int = 0
    visits_planned: int = 0
    visits_done: int = 0

    @staticmethod
    def _percent(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def complaint_rate(self) -> float | None:
        return self._percent(self.complaints_called, self.complaints)

    @property
    def repair_rate(self) -> float | None:
        return self._percent(self.repairs_called, self.repairs)

    @property
    def visit_rate(self) -> float | None:
        return self._percent(self.visits_done, self.visits_planned)


def yearly_rates(project: Project, year: int) -> list[MonthRates]:
    """Per month of ``year``: complaints resolved and how many were called back; in-home
    repairs resolved and how many were called back (target 30%); routine visits planned and
    made (target 100%)."""
    start, end = _day(date(year, 1, 1)), _day(date(year + 1, 1, 1))
    called = Exists(Callback.objects.filter(ticket=OuterRef("pk")))
    resolved = (
        Ticket.objects.filter(project=project, resolved_at__gte=start, resolved_at__lt=end)
        .exclude(status__in=[Status.CANCELLED, Status.MERGED])
        .annotate(called=called, month=ExtractMonth("resolved_at", tzinfo=start.tzinfo))
        .order_by()
        .values("month")
    )
    months = {m: MonthRates(m) for m in range(1, 13)}
    for row in resolved.filter(kind=Kind.COMPLAINT).annotate(
        n=Count("pk"), c=Count("pk", filter=Q(called=True))
    ):
        months[row["month"]].complaints, months[row["month"]].complaints_called = row["n"], row["c"]
    for row in resolved.filter(kind=Kind.REPAIR, repair_scope="in_home").annotate(
        n=Count("pk"), c=Count("pk", filter=Q(called=True))
    ):
        months[row["month"]].repairs, months[row["month"]].repairs_called = row["n"], row["c"]
    for row in (
        PlannedVisit.objects.filter(plan__project=project, plan__year=year)
        .order_by()
        .values("month")
        .annotate(n=Count("pk"), v=Count("pk", filter=Q(visit__isnull=False)))
    ):
        months[row["month"]].visits_planned, months[row["month"]].visits_done = row["n"], row["v"]
    return list(months.values())
