"""Every figure of SPEC §9, each computed by the database for a period and a scope.

One function per figure; each docstring gives the formula as SPEC §9 states it. Rates carry
their exact counts (``Rate.part`` / ``Rate.whole``) beside the percentage, so a report can
show both and a test can check them exactly. Nothing here loads every ticket into Python:
counts are grouped aggregates, the 90th percentile is one row read at its rank. The same
figures per project and per month are in ``figures_breakdown``, built on the querysets here;
views, the API, reports and exports compute no figure of their own.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from propdesk.callbacks.choices import SATISFIED_LEVELS
from propdesk.callbacks.models import Callback, CallbackTask, PlannedVisit, TaskStatus
from propdesk.residents.models import Room
from propdesk.sla.choices import ClockKind, ClockState
from propdesk.sla.models import SlaClock
from propdesk.tickets.choices import EventKind, Kind, Status
from propdesk.tickets.models import Ticket, TicketEvent

from .period import Period

#: The projects a figure is counted over (a scope's ``project_ids``, or a report's).
ProjectIds = Collection[int]

#: The share of a month's in-home repairs that must be called back (SPEC §6, §9).
REPAIR_CALLBACK_TARGET = Decimal("30")
#: The Pareto line: the few categories that make this share of complaints (SPEC §9).
PARETO_LINE = Decimal("80")
#: The clocks whose timeliness SPEC §9 names.
TIMELINESS_CLOCKS = (
    ClockKind.REGISTER,
    ClockKind.DISPATCH,
    ClockKind.FIRST_REPLY,
    ClockKind.HANDLE,
    ClockKind.CLOSE,
    ClockKind.CALLBACK,
)
#: The dimensions figures break down by (SPEC §9), and the ticket field each reads.
DIMENSIONS = {
    "kind": "kind",
    "category": "category__code",
    "category_group": "category__parent__code",
    "channel": "channel",
    "grade": "grade_level",
    "department": "work_orders__department__code",
}


@dataclass(frozen=True)
class Rate:
    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        """part / whole × 100, to 0.1, half up; None when nothing was counted."""
        if not self.whole:
            return None
        return (Decimal(self.part) * 100 / Decimal(self.whole)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def tickets_in(project_ids: ProjectIds) -> QuerySet[Ticket]:
    """Every request of the scope's projects: what each count of SPEC §9 starts from."""
    return Ticket.objects.filter(project_id__in=project_ids)


# --- counts ----------------------------------------------------------------------------------


def received(project_ids: ProjectIds, period: Period) -> QuerySet[Ticket]:
    """Received (受理量): requests received in the period — every one, merged duplicates and
    withdrawn ones included, as intake counts them."""
    return tickets_in(project_ids).filter(received_at__gte=period.start, received_at__lt=period.end)


def closed(project_ids: ProjectIds, period: Period) -> QuerySet[Ticket]:
    """Closed (办结量): requests closed in the period (a request closed twice, after a reopen,
    counts in the period of its last closure)."""
    return tickets_in(project_ids).filter(closed_at__gte=period.start, closed_at__lt=period.end)


def _open_at_end_parts(project_ids: ProjectIds, period: Period) -> list[QuerySet[Ticket]]:
    """Open at period end, as four disjoint parts by today's status, each read by its own
    index: requests neither closed, merged nor withdrawn (few: the open ones), withdrawn
    requests withdrawn after the end (``ticket_cancelled``), merged requests merged after the
    end (``event_merged_at``), and closed requests closed after the end (``ticket_closed``).
    Closing and merging set their time; merging is final, and a reopen clears the closure time
    (a request closed before the end and reopened since counts as open at the end, as it did
    when this was one query). Together the parts are every request received before the end
    that was not, at the end, closed, withdrawn or merged."""
    # A merged request was open at the end when its own merge (the event naming the request
    # it went "into") came after it — merging is final, so there is one such event. Read from
    # the few merges since the end (index event_merged_at), not by probing every merged
    # request's history (29,458 probes company-wide at 1M tickets: 0.24 s a month).
    merged_after_end = TicketEvent.objects.filter(
        kind=EventKind.MERGED, at__gte=period.end, data__has_key="into"
    ).values("ticket_id")
    before_end = (
        tickets_in(project_ids)
        .filter(received_at__lt=period.end)
        .exclude(cancelled_at__lt=period.end)
    )
    final = (Status.CLOSED, Status.MERGED, Status.CANCELLED)
    return [
        before_end.filter(status__in=[s for s in Status.values if s not in final]),
        # Withdrawn after the end (index ticket_cancelled; withdrawing sets the time).
        tickets_in(project_ids).filter(
            status=Status.CANCELLED, cancelled_at__gte=period.end, received_at__lt=period.end
        ),
        before_end.filter(status=Status.MERGED, pk__in=merged_after_end),
        before_end.filter(status=Status.CLOSED, closed_at__gte=period.end),
    ]


def open_at_end(project_ids: ProjectIds, period: Period) -> QuerySet[Ticket]:
    """Open at period end (期末未结): received before the period ended and, at its end, not
    closed, withdrawn or merged."""
    others, withdrawn_after, merged_after, closed_after = _open_at_end_parts(project_ids, period)
    return others | withdrawn_after | merged_after | closed_after


def reopened(project_ids: ProjectIds, period: Period) -> QuerySet[Ticket]:
    """Reopened (重开): requests reopened in the period, by a person or by an unsatisfied
    callback; each request once however often. Read from the reopen events of the period
    (index ``event_reopen_at``), then their tickets."""
    reopens = TicketEvent.objects.filter(at__gte=period.start, at__lt=period.end).filter(
        Q(kind=EventKind.REOPENED) | Q(kind=EventKind.CALLBACK_RECORDED, data__reopened=True)
    )
    return tickets_in(project_ids).filter(pk__in=reopens.values("ticket_id"))


#: A repeat complaint: a complaint marked repeat, or linked to the earlier request.
REPEAT_COMPLAINT = Q(kind=Kind.COMPLAINT) & (Q(is_repeat=True) | Q(repeat_of__isnull=False))


def repeat_complaints(project_ids: ProjectIds, period: Period) -> QuerySet[Ticket]:
    """Repeat complaints (重复投诉): complaints received in the period about a problem already
    handled (marked repeat, or linked to the earlier request)."""
    return received(project_ids, period).filter(REPEAT_COMPLAINT)


def counts(project_ids: ProjectIds, period: Period) -> dict[str, int]:
    """The counts of SPEC §9 for the period: received, closed, open at period end, reopened,
    repeat complaints — each as its function above defines it. Received and repeat
    complaints read the same rows, so one query counts both."""
    intake = received(project_ids, period).aggregate(
        received=Count("pk"), repeat=Count("pk", filter=REPEAT_COMPLAINT)
    )
    return {
        "received": intake["received"],
        "closed": closed(project_ids, period).count(),
        "open_at_end": sum(part.count() for part in _open_at_end_parts(project_ids, period)),
        "reopened": reopened(project_ids, period).count(),
        "repeat_complaints": intake["repeat"],
    }


def change(now: int, before: int) -> Decimal | None:
    """Trend (环比 against last month, 同比 against the same month last year, SPEC §9):
    (now − before) / before × 100%, to 0.1, half up; None when there was nothing before."""
    if not before:
        return None
    return (Decimal(now - before) * 100 / Decimal(before)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


# --- rates -----------------------------------------------------------------------------------


def clocks_due(project_ids: ProjectIds, period: Period) -> QuerySet[SlaClock]:
    """The clocks of SPEC §9 that fell due in the period: due time in the period, and not
    cancelled or paused (a clock still running past its due time fell due, and is missed)."""
    return SlaClock.objects.filter(
        ticket__project_id__in=project_ids,
        kind__in=TIMELINESS_CLOCKS,
        due_at__gte=period.start,
        due_at__lt=period.end,
        state__in=[ClockState.MET, ClockState.BREACHED, ClockState.RUNNING],
    ).order_by()


def met_of_due() -> dict[str, Count]:
    """The two counts of 及时率 over ``clocks_due``: ``due`` all of them, ``met`` those met
    no later than their due time."""
    return {
        "due": Count("pk"),
        "met": Count("pk", filter=Q(state=ClockState.MET, met_at__lte=F("due_at"))),
    }


def timeliness(project_ids: ProjectIds, period: Period) -> dict[str, Rate]:
    """及时率 = requests whose clock was met / requests whose clock fell due in the period ×
    100%, for each clock. A clock falls due when its due time is in the period (cancelled and
    paused clocks do not); it was met when its met time is not after its due time. A clock
    still running past its due time counts as missed."""
    rows = clocks_due(project_ids, period).values("kind").annotate(**met_of_due())
    found = {r["kind"]: Rate(r["met"], r["due"]) for r in rows}
    return {kind: found.get(kind, Rate(0, 0)) for kind in TIMELINESS_CLOCKS}


def timeliness_overall(rates: Iterable[Rate]) -> Rate:
    """及时率 over every clock together (SPEC §9, the total of the timeliness table): the
    clocks met / the clocks that fell due, summed over the clocks."""
    rates = list(rates)
    return Rate(sum(r.part for r in rates), sum(r.whole for r in rates))


def callback_rate(project_ids: ProjectIds, period: Period) -> Rate:
    """回访率 = called back / due for callback × 100%: the callback tasks due in the period
    (a callback owed; cancelled ones — closed for a reason that makes a callback impossible —
    are not due) and how many of them were done."""
    tasks = CallbackTask.objects.filter(
        ticket__project_id__in=project_ids, due_at__gte=period.start, due_at__lt=period.end
    ).exclude(status=TaskStatus.CANCELLED)
    counts = tasks.aggregate(due=Count("pk"), done=Count("pk", filter=Q(status=TaskStatus.DONE)))
    return Rate(counts["done"], counts["due"])


def repair_callback_rate(project_ids: ProjectIds, period: Period) -> Rate:
    """Repair callback rate = in-home repairs resolved in the period that were called back /
    in-home repairs resolved in the period × 100% (target ≥ 30%, SPEC §6)."""
    repairs = (
        tickets_in(project_ids)
        .filter(
            kind=Kind.REPAIR,
            repair_scope="in_home",
            resolved_at__gte=period.start,
            resolved_at__lt=period.end,
        )
        .exclude(status__in=[Status.CANCELLED, Status.MERGED])
    )
    called = Exists(Callback.objects.filter(ticket=OuterRef("pk")))
    counts = repairs.annotate(was_called=called).aggregate(
        all=Count("pk"), called=Count("pk", filter=Q(was_called=True))
    )
    return Rate(counts["called"], counts["all"])


def routine_coverage(project_ids: ProjectIds, period: Period) -> Rate:
    """Routine callback coverage = occupied households visited in the period's year up to its
    end / occupied households × 100% (target 100%)."""
    households = Room.objects.filter(project_id__in=project_ids, is_occupied=True).count()
    visited = PlannedVisit.objects.filter(
        plan__project_id__in=project_ids,
        plan__year=period.last.year,
        visit__visited_at__lt=period.end,
    ).count()
    return Rate(visited, households)


def callbacks_made(project_ids: ProjectIds, period: Period) -> QuerySet[Callback]:
    """The callbacks made in the period (SPEC §6): what satisfaction from callbacks counts."""
    return Callback.objects.filter(
        ticket__project_id__in=project_ids, called_at__gte=period.start, called_at__lt=period.end
    ).order_by()


def satisfied_of_made() -> dict[str, Count]:
    """The two counts of satisfaction over ``callbacks_made``: ``all`` of them, ``satisfied``
    those rated 很满意, 满意 or 基本满意."""
    return {
        "all": Count("pk"),
        "satisfied": Count("pk", filter=Q(satisfaction__in=SATISFIED_LEVELS)),
    }


def callback_satisfaction(project_ids: ProjectIds, period: Period) -> Rate:
    """Satisfaction from callbacks = (很满意 + 满意 + 基本满意) / callbacks made in the period ×
    100%."""
    counts = callbacks_made(project_ids, period).aggregate(**satisfied_of_made())
    return Rate(counts["satisfied"], counts["all"])


def survey_satisfaction(project_ids: ProjectIds, period: Period) -> Rate:
    """Satisfaction from surveys = (很满意 + 满意 + 基本满意) / items answered in questionnaires
    returned in the period × 100% (SPEC §7: unanswered items are not counted)."""
    from propdesk.surveys.models import ResponseItem

    counts = (
        ResponseItem.objects.filter(
            response__project_id__in=project_ids,
            response__answered_at__gte=period.start,
            response__answered_at__lt=period.end,
        )
        .exclude(level="")
        .aggregate(all=Count("pk"), satisfied=Count("pk", filter=Q(level__in=SATISFIED_LEVELS)))
    )
    return Rate(counts["satisfied"], counts["all"])


# --- handling time ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HandlingTime:
    count: int
    average: timedelta | None
    p90: timedelta | None


def handling_time(project_ids: ProjectIds, period: Period) -> HandlingTime:
    """Handling time = resolved − received, for the requests resolved in the period: the
    average, and the 90th percentile by the nearest-rank method (the value at rank
    ⌈0.9 × n⌉ in ascending order)."""
    resolved = (
        tickets_in(project_ids)
        .filter(resolved_at__gte=period.start, resolved_at__lt=period.end)
        .annotate(
            took=ExpressionWrapper(
                F("resolved_at") - F("received_at"), output_field=DurationField()
            )
        )
    )
    count = resolved.count()
    if not count:
        return HandlingTime(0, None, None)
    rank = math.ceil(0.9 * count)
    ordered = resolved.order_by("took", "pk").values_list("took", flat=True)
    p90 = ordered[rank - 1]
    average = resolved.aggregate(avg=Avg("took", output_field=DurationField()))["avg"]
    if not isinstance(average, timedelta) and average is not None:
        average = timedelta(microseconds=float(average))  # SQLite answers in microseconds
    return HandlingTime(count, average, p90)


# --- Pareto and breakdowns ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParetoRow:
    key: str
    name: str
    count: int
    cumulative: int
    cumulative_percent: Decimal
    vital: bool  # within the few that make 80%


def pareto(
    project_ids: ProjectIds, period: Period, *, by: str = "category_group"
) -> list[ParetoRow]:
    """排列图: complaints received in the period by category (group), most first; cumulative
    share; the rows up to and including the one that reaches 80% are the vital few."""
    from propdesk.tickets.models import Category

    field = DIMENSIONS[by]
    rows = list(
        received(project_ids, period)
        .filter(kind=Kind.COMPLAINT)
        .order_by()
        .values(field)
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", field)
    )
    total = sum(r["n"] for r in rows)
    names = {c.code: c.display_name for c in Category.objects.all()}
    out, running, reached = [], 0, False
    for r in rows:
        running += r["n"]
        share = (Decimal(running) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        out.append(
            ParetoRow(
                r[field] or "",
                names.get(r[field], r[field] or ""),
                r["n"],
                running,
                share,
                not reached,
            )
        )
        reached = reached or share >= PARETO_LINE
    return out


def breakdown(project_ids: ProjectIds, period: Period, by: str) -> list[dict]:
    """Received, closed and reopened in the period by one dimension (SPEC §9: kind, category,
    channel, grade, department). A request with orders in two departments counts in both."""
    if by not in DIMENSIONS:
        raise KeyError(by)
    field = DIMENSIONS[by]
    table: dict[str, dict] = {}
    for name, rows in (
        ("received", received(project_ids, period)),
        ("closed", closed(project_ids, period)),
        ("reopened", reopened(project_ids, period)),
    ):
        for r in rows.order_by().values(field).annotate(n=Count("pk", distinct=True)):
            key = r[field] or ""
            table.setdefault(key, {"key": key, "received": 0, "closed": 0, "reopened": 0})
            table[key][name] = r["n"]
    return sorted(table.values(), key=lambda r: (-r["received"], r["key"]))


# --- defect feedback ---------------------------------------------------------------------------

#: Category groups of SPEC §8's defect feedback, by the code prefix of the leaf category.
DEFECT_AREAS = {
    "construction": ("DEV-A",),  # 工程质量
    "design": ("DEV-B",),  # 设计、规划
    "service": ("SVC-",),  # 服务
}


def defect_area(code: str) -> str | None:
    """The defect area (SPEC §8) of a leaf category's code, or None."""
    for area, prefixes in DEFECT_AREAS.items():
        if code.startswith(prefixes):
            return area
    return None


def _starts_with_any(prefixes: Iterable[str]) -> Q:
    found = Q()
    for prefix in prefixes:
        found |= Q(category__code__startswith=prefix)
    return found


def defect_feedback(project_ids: ProjectIds, year: int) -> QuerySet[Ticket]:
    """缺陷反馈 (SPEC §8): complaints received in the year, graded 一级 to 三级, on
    construction quality, design or service — the developer's and the company's defect list."""
    period = Period(first=Period.month(year, 1).first, last=Period.month(year, 12).last)
    areas = _starts_with_any(prefix for prefixes in DEFECT_AREAS.values() for prefix in prefixes)
    return (
        received(project_ids, period)
        .filter(kind=Kind.COMPLAINT, grade_level__in=["1", "2", "3"])
        .filter(areas)
        .exclude(status__in=[Status.MERGED, Status.CANCELLED])
        .select_related("project", "category", "category__parent", "room__building", "room__unit")
        .order_by("grade_level", "received_at")
    )


def defect_counts(project_ids: ProjectIds, year: int) -> dict[str, int]:
    """How many of the year's defects (``defect_feedback``) fall in each area of SPEC §8, in
    one query."""
    by_area = {
        area: Count("pk", filter=_starts_with_any(prefixes))
        for area, prefixes in DEFECT_AREAS.items()
    }
    return defect_feedback(project_ids, year).order_by().aggregate(**by_area)
