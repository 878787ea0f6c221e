"""Figures about complaints alone, beside the per-clock figures of ``figures``: seed 003's
headline 投诉处理及时率, reckoned by the work orders, and the follow-up breaches of SPEC §4.

Like every figure, each is counted by the database for a period and a scope, and each
docstring gives its formula.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q

from propdesk.sla.choices import ClockKind, ClockState
from propdesk.sla.models import SlaClock
from propdesk.tickets.choices import Kind, Status

from .figures import ProjectIds, Rate, received
from .period import Period

#: A clock met no later than its due time.
IN_TIME = Q(state=ClockState.MET, met_at__lte=F("due_at"))


def complaint_timeliness(project_ids: ProjectIds, period: Period) -> Rate:
    """投诉处理及时率 (seed 003, SPEC §9) = complaints handled on time / all complaints of the
    period × 100%, "以维修单为依据": reckoned by the work orders.

    All complaints: those received in the period, but for duplicates merged into another
    (counted on the one they were merged into) and complaints withdrawn. Handled on time: every
    work order dispatched for it (those returned or transferred aside) was completed by its
    deadline; a complaint handled without a work order — answered at once, or resolved by the
    service centre itself — when its handling clock (处理) was met in time. A complaint still
    being worked on when the figure is counted is not (yet) on time."""
    orders = SlaClock.objects.filter(ticket=OuterRef("pk"), kind=ClockKind.WORK_ORDER).exclude(
        state=ClockState.CANCELLED
    )
    orders_late = orders.exclude(IN_TIME)
    handled = SlaClock.objects.filter(IN_TIME, ticket=OuterRef("pk"), kind=ClockKind.HANDLE)
    on_time = (Q(has_orders=True) & Q(late_order=False)) | (
        Q(has_orders=False) & Q(handled_in_time=True)
    )
    counts = (
        received(project_ids, period)
        .filter(kind=Kind.COMPLAINT)
        .exclude(status__in=[Status.MERGED, Status.CANCELLED])
        .annotate(
            has_orders=Exists(orders),
            late_order=Exists(orders_late),
            handled_in_time=Exists(handled),
        )
        .aggregate(all=Count("pk"), on_time=Count("pk", filter=on_time))
    )
    return Rate(counts["on_time"], counts["all"])


def follow_up_breaches(project_ids: ProjectIds, period: Period) -> dict[str, int]:
    """跟进超时 (SPEC §4): the follow-up clocks of the scope's complaints that fell due in the
    period and breached — a week (or, in long disagreement, a month) passed without a follow-up
    record — counted as ``breaches``, and the complaints they belong to as ``complaints``. A
    record made late still leaves the breach counted."""
    return (
        SlaClock.objects.filter(
            ticket__project_id__in=project_ids,
            kind=ClockKind.FOLLOW_UP,
            state=ClockState.BREACHED,
            due_at__gte=period.start,
            due_at__lt=period.end,
        )
        .order_by()
        .aggregate(breaches=Count("pk"), complaints=Count("ticket", distinct=True))
    )
