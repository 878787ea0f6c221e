"""Reading tickets: the scope filter every list goes through, and the list filters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock as core_clock
from propdesk.core.errors import InvalidInput
from propdesk.org.models import User
from propdesk.residents import phones

from .. import extensions
from ..choices import ACTIVE_WORK_ORDER_STATUSES, GradeClass, GradeLevel, Kind, Status
from ..models import Category, Ticket


def tickets_for(user: User) -> QuerySet[Ticket]:
    """Every ticket the user may see: those of the projects in their scope (SPEC §1)."""
    return Ticket.objects.for_user(user)


@dataclass
class TicketFilter:
    project: str | None = None
    status: list[str] | None = None
    kind: str | None = None
    category: str | None = None
    grade: str | None = None
    assignee: str | None = None
    department: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    text: str | None = None
    room_id: int | None = None
    resident_id: int | None = None
    due_soon: bool = False
    breached: bool = False
    clock: str | None = None
    #: Whose dictionary cuts ``text`` into words: the caller's company (None: the property
    #: dictionary alone).
    company_id: int | None = None
    #: The caller's projects, so that word search reads only their words (the index is
    #: narrowed by project before the tickets are joined); None: not narrowed there.
    project_ids: frozenset[int] | None = None
    #: Only tickets received since then (tickets.paging.NewestFirst's span; not a filter a
    #: person sets: the list's date filters are created_from / created_to).
    received_since: datetime | None = None


def _phone_typed(text: str) -> Q:
    """A whole phone in any of its forms (0755-12345678, +86 755 1234 5678) finds the number
    as it is stored (residents/phones.py)."""
    number = phones.normalise(text)
    if not number.valid or number.canonical == text:
        return Q()
    return Q(contact_phone__startswith=number.canonical)


#: A ticket number as numbering.py makes it (<PROJECTCODE>-<YYYYMMDD>-<NNNN>).
_TICKET_NUMBER = re.compile(r"^[A-Za-z0-9_]+-\d{8}-\d+$")


def _text_condition(
    text: str,
    company_id: int | None,
    project_ids: frozenset[int] | None = None,
    received_since: datetime | None = None,
) -> Q:
    """What ``text`` finds: a ticket number that ticket, a valid phone that contact phone (in
    any of its forms), digits alone the phones holding them and the words, anything else the
    tickets saying its words (the search app's word index, tickets.extensions.text_match).
    One kind at a time where it can be: an OR of number, phone and words kept PostgreSQL off
    every index (0.9 s at 1M tickets, benchmarks/results/search.md)."""
    if _TICKET_NUMBER.match(text):
        return Q(number=text.upper())
    if phones.normalise(text).valid:
        return Q(contact_phone=text) | _phone_typed(text)
    words = extensions.text_match(text, company_id, project_ids, received_since)
    if len(digits := phones.digits(text)) >= 4 and digits == re.sub(r"\D", "", text):
        # Digits alone are the last digits of a phone people remember (尾号 5678, 12345678)
        # or a word (a room, 1101): both.
        return Q(contact_phone__contains=digits) | words
    return words


def _day_start(day: date) -> datetime:
    """Midnight of ``day`` in the company's time zone (Asia/Shanghai), whatever zone is active."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def filter_tickets(
    qs: QuerySet[Ticket], f: TicketFilter, *, now: datetime | None = None
) -> QuerySet[Ticket]:
    # due_soon, breached and clock are the SLA domain's (tickets.extensions).
    qs = extensions.apply_list_filters(qs, f, core_clock.resolve(now))
    if f.project:
        qs = qs.filter(project__code=f.project)
    if f.status:
        bad = [s for s in f.status if s not in Status.values]
        if bad:
            raise InvalidInput(_("状态“%(s)s”无效") % {"s": bad[0]}, field="status")
        qs = qs.filter(status__in=f.status)
    if f.kind:
        if f.kind not in Kind.values:
            raise InvalidInput(_("类型“%(s)s”无效") % {"s": f.kind}, field="kind")
        qs = qs.filter(kind=f.kind)
    if f.category:
        category = Category.objects.filter(code=f.category).first()
        if category is None:
            raise InvalidInput(_("分类编码“%(s)s”不存在") % {"s": f.category}, field="category")
        # A top-level category includes everything filed under it. The ids are read first so
        # the ticket query filters one indexed column instead of joining the categories.
        ids = [category.pk, *Category.objects.filter(parent=category).values_list("pk", flat=True)]
        qs = qs.filter(category_id__in=ids)
    if f.grade:
        if f.grade in GradeLevel.values:
            qs = qs.filter(grade_level=f.grade)
        elif f.grade in GradeClass.values:
            qs = qs.filter(grade_class=f.grade)
        else:
            raise InvalidInput(_("等级“%(s)s”无效") % {"s": f.grade}, field="grade")
    if f.assignee:
        qs = qs.filter(
            work_orders__assignee__username=f.assignee,
            work_orders__status__in=ACTIVE_WORK_ORDER_STATUSES,
        ).distinct()
    if f.department:
        qs = qs.filter(work_orders__department__code=f.department).distinct()
    if f.created_from:
        qs = qs.filter(received_at__gte=_day_start(f.created_from))
    if f.created_to:
        qs = qs.filter(received_at__lt=_day_start(f.created_to + timedelta(days=1)))
    if f.created_from and f.created_to and f.created_from > f.created_to:
        raise InvalidInput(_("开始日期不能晚于结束日期"), field="created_from")
    if f.room_id:
        qs = qs.filter(room_id=f.room_id)
    if f.resident_id:
        qs = qs.filter(resident_id=f.resident_id)
    if f.received_since:
        qs = qs.filter(received_at__gte=f.received_since)
    if f.text:
        qs = qs.filter(
            _text_condition(f.text.strip(), f.company_id, f.project_ids, f.received_since)
        )
    return qs
