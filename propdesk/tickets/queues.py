"""The work queues (issue 5 §3): which tickets each one holds and the sort orders. Every queue
starts from the user's scope. Due soon and breached are the SLA domain's list filters, the
"due" order its list order, and the clock beside each row its ``urgent_clocks``
(tickets.extensions)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from propdesk.core.paging import IdsFirst

from .choices import ACTIVE_WORK_ORDER_STATUSES, TERMINAL_STATUSES, Status
from .extensions import list_order
from .models import Ticket
from .serializers import SUMMARY_RELATED
from .services import TicketFilter, filter_tickets, tickets_for

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
    "due": (),  # by the next running due time: the SLA domain's list order, see sorted_page_rows
}


#: A queue another domain adds (from its ``AppConfig.ready()``, as tickets.extensions' parts
#: are): the user's tickets → the queue's, at ``now``.
QueueFilter = Callable[[QuerySet[Ticket], datetime], QuerySet[Ticket]]
_added_queues: dict[str, QueueFilter] = {}


def add_queue(name: str, label, apply: QueueFilter, *, after: str) -> None:
    """Offer queue ``name`` (its tab after ``after``'s) holding what ``apply`` keeps of the
    user's scope; ``QUEUES`` is changed in place, so every page that lists it sees it."""
    _added_queues[name] = apply
    items = [(k, v) for k, v in QUEUES.items() if k != name]
    at = next((i + 1 for i, (k, _v) in enumerate(items) if k == after), len(items))
    items.insert(at, (name, label))
    QUEUES.clear()
    QUEUES.update(items)


def _open(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.exclude(status__in=list(TERMINAL_STATUSES))


def queue(user, name: str, f: TicketFilter, *, now: datetime) -> QuerySet[Ticket]:
    """The tickets of one queue, filtered; unknown names are the whole scope."""
    qs = tickets_for(user)
    f.company_id = user.company_id  # its dictionary cuts the text filter into words
    f.project_ids = user.project_ids  # word search reads only these projects' words
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
    elif name in _added_queues:
        qs = _added_queues[name](qs, now)
    return filter_tickets(qs, f, now=now)


RELATED = SUMMARY_RELATED


def sorted_rows(qs: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    """Every ticket of the queue with its relations, in a stored order (exports read them all;
    the due-time order is a page's, see sorted_page_rows)."""
    return qs.select_related(*RELATED).order_by(*(SORTS.get(sort) or SORTS["received"]))


def sorted_page_rows(qs: QuerySet[Ticket], sort: str) -> IdsFirst:
    """The queue in the chosen order, read a page at a time: the page's ids first, then those
    25 tickets with their relations (core.paging.IdsFirst); by due time, sla.queries.DueOrder."""
    ordered = list_order(sort)
    if ordered is not None:
        return IdsFirst(qs, ordered(qs), RELATED)
    return IdsFirst(qs, qs.order_by(*SORTS.get(sort, SORTS["received"])).values("pk"), RELATED)
