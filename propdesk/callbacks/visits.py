"""Routine visits (例行回访, SPEC §6): a yearly plan per project covering every occupied
household exactly once, spread over the months; a visit records what the household said, and
anything raised becomes a request in the same step; coverage is shown against 100%."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from propdesk.org.access import check_project_scope
from propdesk.org.models import Project, User
from propdesk.org.roles import FRONT_DESK, MANAGERS, role_of
from propdesk.residents.models import Room
from propdesk.tickets.services import NewTicket, register_ticket

from .choices import CallbackMethod, Satisfaction
from .models import PlannedVisit, RoutineVisit, VisitPlan

MONTHS = 12


def occupied_households(project: Project):
    """The households a routine plan must cover: the project's occupied rooms."""
    return Room.objects.filter(project=project, is_occupied=True).order_by(
        "building__code", "unit__code", "number", "pk"
    )


def spread(count: int) -> list[int]:
    """Months 1..12 for ``count`` households in order: consecutive households share a month,
    and no month has more than one household more than another."""
    return [index * MONTHS // count + 1 for index in range(count)] if count else []


@transaction.atomic
def generate_plan(
    actor: User, project: Project, year: int, *, now: datetime | None = None
) -> VisitPlan:
    """The year's plan: created with every occupied household, or brought up to date — a
    household that became occupied is added in the month with the fewest, nobody twice,
    months already edited kept."""
    if role_of(actor) not in MANAGERS:
        raise PermissionDenied(_("只有客服主管及以上可以制定例行回访计划"))
    check_project_scope(actor, project)
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("年度无效"), field="year")
    plan, created = VisitPlan.objects.get_or_create(
        project=project,
        year=year,
        defaults={"created_at": clock.resolve(now), "created_by": actor},
    )
    rooms = list(occupied_households(project).values_list("pk", flat=True))
    if created:
        PlannedVisit.objects.bulk_create(
            PlannedVisit(plan=plan, room_id=room, month=month)
            for room, month in zip(rooms, spread(len(rooms)), strict=True)
        )
        return plan
    planned = set(plan.households.values_list("room_id", flat=True))
    load = dict(plan.households.order_by().values_list("month").annotate(n=Count("pk")))
    fresh = []
    for room in rooms:
        if room in planned:
            continue
        month = min(range(1, MONTHS + 1), key=lambda m: (load.get(m, 0), m))
        load[month] = load.get(month, 0) + 1
        fresh.append(PlannedVisit(plan=plan, room_id=room, month=month))
    PlannedVisit.objects.bulk_create(fresh)
    return plan


def get_plan(user: User, pk: int) -> VisitPlan:
    plan = VisitPlan.objects.select_related("project").filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("例行回访计划 %(id)s 不存在") % {"id": pk})
    check_project_scope(user, plan.project_id)
    return plan


def _planned(actor: User, planned_id: int, plan_id: int | None, *, lock: bool = False):
    """A household of a plan the actor may see; with ``plan_id`` (the plan in the address) only
    a household of that plan: another plan's is not found."""
    rows = PlannedVisit.objects.select_related("plan", "room")
    if lock:
        rows = rows.select_for_update(of=("self",))
    rows = rows.filter(pk=planned_id)
    if plan_id is not None:
        rows = rows.filter(plan_id=plan_id)
    planned = rows.first()
    if planned is None:
        raise NotFound(_("计划回访户不存在"))
    check_project_scope(actor, planned.plan.project_id)
    return planned


def move_household(
    actor: User, planned_id: int, month: int, *, plan_id: int | None = None
) -> PlannedVisit:
    """Edit the plan: visit a household in another month (not once it was visited)."""
    if role_of(actor) not in MANAGERS:
        raise PermissionDenied(_("只有客服主管及以上可以调整例行回访计划"))
    planned = _planned(actor, planned_id, plan_id)
    if not isinstance(month, int) or not 1 <= month <= MONTHS:
        raise InvalidInput(_("月份须为 1–12"), field="month")
    if RoutineVisit.objects.filter(planned=planned).exists():
        raise InvalidTransition(_("该户已回访,不能再调整月份"), field="month")
    planned.month = month
    planned.save(update_fields=["month"])
    return planned


@dataclass
class Raised:
    """A request raised during the visit."""

    category: str
    description: str
    kind: str = "complaint"


@transaction.atomic
def record_visit(
    actor: User,
    planned_id: int,
    *,
    method: str,
    service_quality: str,
    staff_attitude: str,
    shortcomings: str = "",
    suggestions: str = "",
    resident_id: int | None = None,
    raised: list[Raised] | None = None,
    plan_id: int | None = None,
    now: datetime | None = None,
) -> RoutineVisit:
    """Record one household's visit; each thing raised becomes a request (channel 回访发现)
    registered by the visitor, linked to the visit."""
    if role_of(actor) not in FRONT_DESK | {"quality"}:
        raise PermissionDenied(_("您的角色不能记录例行回访"))
    planned = _planned(actor, planned_id, plan_id, lock=True)
    if RoutineVisit.objects.filter(planned=planned).exists():
        raise InvalidTransition(_("该户本年度已回访"))
    for name, value in (("service_quality", service_quality), ("staff_attitude", staff_attitude)):
        if value not in Satisfaction.values:
            raise InvalidInput(_("请选择评价"), field=name)
    if method not in CallbackMethod.values:
        raise InvalidInput(_("回访方式无效"), field="method")
    resident = None
    if resident_id is not None:
        resident = planned.room.residents.filter(pk=resident_id).first()
        if resident is None:
            raise InvalidInput(_("受访人不是该户住户"), field="resident_id")
    at = clock.resolve(now)
    visit = RoutineVisit.objects.create(
        planned=planned,
        method=method,
        visited_at=at,
        visited_by=actor,
        resident=resident,
        service_quality=service_quality,
        staff_attitude=staff_attitude,
        shortcomings=shortcomings.strip(),
        suggestions=suggestions.strip(),
    )
    for item in raised or []:
        ticket, _created = register_ticket(
            actor,
            NewTicket(
                kind=item.kind,
                channel="callback",
                category=item.category,
                description=item.description,
                room_id=planned.room_id,
                reporter_type="resident" if resident else "contact",
                resident_id=resident.pk if resident else None,
                contact_name="" if resident else _("例行回访住户"),
            ),
            now=at,
        )
        visit.raised.add(ticket)
    return visit


@dataclass(frozen=True)
class Coverage:
    households: int  # occupied households now
    planned: int
    visited: int

    @property
    def percent(self) -> float | None:
        """Visited households against all occupied ones (target 100%)."""
        return round(100 * self.visited / self.households, 1) if self.households else None


def coverage(plan: VisitPlan) -> Coverage:
    counts = plan.households.aggregate(
        planned=Count("pk"), visited=Count("pk", filter=Q(visit__isnull=False))
    )
    return Coverage(occupied_households(plan.project).count(), counts["planned"], counts["visited"])


def by_month(plan: VisitPlan) -> list[dict]:
    rows = {
        r["month"]: r
        for r in plan.households.order_by()
        .values("month")
        .annotate(planned=Count("pk"), visited=Count("pk", filter=Q(visit__isnull=False)))
    }
    return [
        {
            "month": m,
            "planned": rows.get(m, {}).get("planned", 0),
            "visited": rows.get(m, {}).get("visited", 0),
        }
        for m in range(1, MONTHS + 1)
    ]
