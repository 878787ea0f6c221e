"""The figures of the service dashboard (SPEC §9): what is open, due soon, breached, escalated,
hot, today's intake, this month's timeliness and satisfaction, and the same per project.

Every figure starts from the user's scope and is counted by the database (grouped aggregates),
so the page costs the same dozen queries for ten tickets or a million.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from propdesk.hotissues.models import LIVE_STATUSES
from propdesk.hotissues.services import visible_hot_issues
from propdesk.org.models import Project, User
from propdesk.sla.choices import ClockKind
from propdesk.sla.queries import filter_by_clocks
from propdesk.stats import figures as stats_figures
from propdesk.stats.period import Period
from propdesk.tickets.choices import TERMINAL_STATUSES, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import tickets_for

#: How many days the intake chart covers, today included.
INTAKE_DAYS = 14


@dataclass
class Rate:
    """A share such as 及时率: ``part`` of ``whole``; no rate at all when nothing counted."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


@dataclass
class ProjectRow:
    project: Project
    open: int = 0
    breached: int = 0
    received_this_month: int = 0


@dataclass
class Figures:
    today: date
    received_today: int
    open_by_status: list[tuple[str, str, int]]  # (status, label, count), in lifecycle order
    due_soon: int
    breached: int
    escalated: int
    hot_issues: int
    timeliness: Rate
    satisfaction: Rate
    intake_days: list[tuple[date, int]]
    projects: list[ProjectRow] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        return sum(count for _, _, count in self.open_by_status)

    def chart_data(self) -> dict:
        """What dashboard.js draws; labels come translated from here, not from the script."""
        return {
            "intake": {
                "days": [day.strftime("%m-%d") for day, _ in self.intake_days],
                "counts": [count for _, count in self.intake_days],
            },
            "status": [
                {"status": status, "name": str(label), "value": count}
                for status, label, count in self.open_by_status
            ],
        }


def local_midnight(day: date) -> datetime:
    """Midnight of ``day`` in the company's time zone (Asia/Shanghai), whatever is active."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _open(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.exclude(status__in=list(TERMINAL_STATUSES))


def _open_by_status(scope: QuerySet[Ticket]) -> tuple[list[tuple[str, str, int]], int]:
    """Open tickets per status and how many of them are escalated, in one grouped query."""
    rows = (
        _open(scope)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"), escalated=Count("pk", filter=Q(escalation_level__gt=0)))
    )
    counts = {row["status"]: row for row in rows}
    by_status = [
        (status, label, counts[status]["n"]) for status, label in Status.choices if status in counts
    ]
    return by_status, sum(row["escalated"] for row in counts.values())


def _intake_days(scope: QuerySet[Ticket], today: date) -> list[tuple[date, int]]:
    """Tickets received per local day over the last INTAKE_DAYS days; days without any
    show as 0 so the line does not skip them."""
    first = today - timedelta(days=INTAKE_DAYS - 1)
    rows = (
        scope.filter(received_at__gte=local_midnight(first))
        .annotate(day=TruncDate("received_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    )
    counts = {row["day"]: row["n"] for row in rows}
    days = [first + timedelta(days=i) for i in range(INTAKE_DAYS)]
    return [(day, counts.get(day, 0)) for day in days]


def _timeliness(user: User, today: date, now: datetime) -> Rate:
    """及时率 of the handling clock this month so far, by the formula of stats.figures (a
    clock counts once its due time has come)."""
    month = Period.month(today.year, today.month)
    row = (
        stats_figures.clocks_due(user.project_ids, month)
        .filter(kind=ClockKind.HANDLE, due_at__lte=now)
        .aggregate(**stats_figures.met_of_due())
    )
    return Rate(part=row["met"], whole=row["due"])


def _satisfaction(user: User, today: date) -> Rate:
    """满意率 from this month's callbacks, by the formula of stats.figures."""
    month = Period.month(today.year, today.month)
    rate = stats_figures.callback_satisfaction(user.project_ids, month)
    return Rate(part=rate.part, whole=rate.whole)


def _per_project(
    user: User, scope: QuerySet[Ticket], breached: QuerySet[Ticket], start: datetime
) -> list[ProjectRow]:
    """One row per project in scope (those without tickets too), from three queries."""
    rows = {p.pk: ProjectRow(project=p) for p in Project.objects.for_user(user).order_by("code")}
    grouped = (
        scope.order_by()
        .values("project_id")
        .annotate(
            open=Count("pk", filter=~Q(status__in=list(TERMINAL_STATUSES))),
            received=Count("pk", filter=Q(received_at__gte=start)),
        )
    )
    for row in grouped:
        if row["project_id"] in rows:
            rows[row["project_id"]].open = row["open"]
            rows[row["project_id"]].received_this_month = row["received"]
    for row in breached.order_by().values("project_id").annotate(n=Count("pk")):
        if row["project_id"] in rows:
            rows[row["project_id"]].breached = row["n"]
    return list(rows.values())


def figures_for(user: User, now: datetime) -> Figures:
    """Everything the dashboard shows for ``user``, as of ``now``."""
    scope = tickets_for(user)
    today = timezone.localtime(now, timezone.get_default_timezone()).date()
    month_start = Period.month(today.year, today.month).start
    open_by_status, escalated = _open_by_status(scope)
    intake = _intake_days(scope, today)
    breached = filter_by_clocks(scope, now=now, breached=True)
    return Figures(
        today=today,
        received_today=intake[-1][1],
        open_by_status=open_by_status,
        due_soon=filter_by_clocks(scope, now=now, due_soon=True).count(),
        breached=breached.count(),
        escalated=escalated,
        hot_issues=visible_hot_issues(user).filter(status__in=list(LIVE_STATUSES)).count(),
        timeliness=_timeliness(user, today, now),
        satisfaction=_satisfaction(user, today),
        intake_days=intake,
        projects=(
            _per_project(user, scope, breached, month_start) if len(user.project_ids) > 1 else []
        ),
    )
