"""The work queues of the console (issue 5 §3): which tickets each one holds, the clock shown
beside each row, and the sort orders. Every queue starts from the user's scope."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from propdesk.core.paging import IdsFirst
from propdesk.sla.choices import ClockState
from propdesk.sla.models import SlaClock
from propdesk.tickets.choices import ACTIVE_WORK_ORDER_STATUSES, TERMINAL_STATUSES, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.serializers import SUMMARY_RELATED
from propdesk.tickets.services import TicketFilter, filter_tickets, tickets_for

QUEUES = {
    "mine": _("我的工作"),
    "unassigned": _("待受理"),
    "to_dispatch": _("待派单"),
    "due_soon": _("即将到期"),
    "breached": _("已超时"),
    "escalated": _("已升级"),
    "callback": _("待回访"),
    "all": _("全部"),
}

SORTS = {
    "received": ("-received_at", "-pk"),
    "oldest": ("received_at", "pk"),
    "number": ("number",),
    "grade": ("grade_level", "-received_at"),
    "due": (),  # by the next running due time: see sorted_page_rows
}


def _open(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.exclude(status__in=list(TERMINAL_STATUSES))


def queue(user, name: str, f: TicketFilter, *, now: datetime) -> QuerySet[Ticket]:
    """The tickets of one queue, filtered; unknown names are the whole scope."""
    qs = tickets_for(user)
    if name == "mine":
        qs = (
            _open(qs)
            .filter(
                Q(registered_by=user)
                | Q(work_orders__assignee=user, work_orders__status__in=ACTIVE_WORK_ORDER_STATUSES)
            )
            .distinct()
        )
    elif name == "unassigned":
        qs = qs.filter(status=Status.REGISTERED)
    elif name == "to_dispatch":
        qs = qs.filter(status__in=[Status.ACCEPTED, Status.REOPENED])
    elif name == "due_soon":
        f.due_soon = True
    elif name == "breached":
        f.breached = True
    elif name == "escalated":
        qs = _open(qs).filter(escalation_level__gt=0)
    elif name == "callback":
        qs = qs.filter(status=Status.RESOLVED)
    return filter_tickets(qs, f, now=now)


RELATED = SUMMARY_RELATED


def sorted_rows(qs: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    """Every ticket of the queue with its relations, in a stored order (exports read them all;
    the due-time order is a page's, see sorted_page_rows)."""
    return qs.select_related(*RELATED).order_by(*(SORTS.get(sort) or SORTS["received"]))


class DueOrder:
    """The ids of a queue by next running due time, a slice at a time: first the tickets with
    a running clock, soonest due first (few: running clocks are the open tickets' clocks),
    then every other ticket newest first. Grouping a company's whole queue by its clocks to
    sort it read hundreds of thousands of rows for a page of 25 (benchmarks/bench.py)."""

    def __init__(self, qs: QuerySet[Ticket]) -> None:
        running = Q(clocks__state=ClockState.RUNNING)
        self.timed = (
            qs.filter(running)
            .values("pk")
            .annotate(next_due=Min("clocks__due_at", filter=running))
            .order_by("next_due", "-received_at", "-pk")
        )
        self.untimed = (
            qs.exclude(pk__in=qs.filter(running).values("pk"))
            .order_by("-received_at", "-pk")
            .values("pk")
        )

    def __getitem__(self, item: slice) -> list[dict]:
        start, stop = item.start or 0, item.stop
        rows = list(self.timed[start:stop])
        if stop is not None and len(rows) == stop - start:
            return rows
        timed = start + len(rows) if rows else self.timed.order_by().count()
        rest = self.untimed[max(0, start - timed) : None if stop is None else stop - timed]
        return rows + list(rest)


def sorted_page_rows(qs: QuerySet[Ticket], sort: str) -> IdsFirst:
    """The queue in the chosen order, read a page at a time: the page's ids first, then those
    25 tickets with their relations (core.paging.IdsFirst); by due time, see DueOrder."""
    if sort == "due":
        return IdsFirst(qs, DueOrder(qs), RELATED)
    return IdsFirst(qs, qs.order_by(*SORTS.get(sort, SORTS["received"])).values("pk"), RELATED)


def urgent_clocks(tickets: list[Ticket], now: datetime) -> dict[int, dict]:
    """The most urgent open clock of each ticket (an unmet breach first, then the running
    clock due soonest), in one query for the whole page."""
    chosen: dict[int, SlaClock] = {}
    rows = SlaClock.objects.filter(ticket_id__in=[t.pk for t in tickets]).filter(
        Q(state__in=[ClockState.RUNNING, ClockState.PAUSED])
        | Q(state=ClockState.BREACHED, met_at__isnull=True)
    )
    for clock in rows.only("ticket_id", "kind", "state", "due_at", "warn_at", "remaining_minutes"):
        best = chosen.get(clock.ticket_id)
        if best is None or _urgency(clock, now) < _urgency(best, now):
            chosen[clock.ticket_id] = clock
    return {pk: _shown(c, now) for pk, c in chosen.items()}


def _urgency(clock: SlaClock, now: datetime) -> tuple:
    rank = {ClockState.BREACHED: 0, ClockState.RUNNING: 1, ClockState.PAUSED: 2}[clock.state]
    if clock.state == ClockState.RUNNING and clock.due_at <= now:
        rank = 0
    return (rank, clock.due_at)


def _shown(clock: SlaClock, now: datetime) -> dict:
    if clock.state == ClockState.PAUSED:
        left = (clock.remaining_minutes or 0) * 60
    else:
        left = int((clock.due_at - now).total_seconds())
    return {
        "kind": clock.kind,
        "kind_display": clock.get_kind_display(),
        "state": clock.state,
        "state_display": clock.get_state_display(),
        "time_left_seconds": left,
        "warned": clock.warn_at <= now,
        "due_at": clock.due_at,
    }
