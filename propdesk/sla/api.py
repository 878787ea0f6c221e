"""Time-limit rules, readable by any staff member (they are edited in the admin)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema

from .choices import ClockKind, ClockUnit
from .models import SlaPolicy

router = Router(tags=["time limits"])


class PolicyOut(Schema):
    id: int
    name: str
    clock: str
    clock_display: str
    scope: str
    kind: str
    channel: str
    grade_level: str
    repair_scope: str
    category: str | None
    only_long_disagreement: bool
    unit: str
    unit_display: str
    amount: int
    warning_percent: int
    is_cap: bool
    priority: int
    source: str


@router.get("/sla/policies", response=list[PolicyOut], summary="The time-limit rules in force")
def policies(request: HttpRequest, clock: str | None = None):
    qs = SlaPolicy.objects.filter(is_active=True).filter(
        Q(company__isnull=True) | Q(company_id=request.user.company_id)
    )
    qs = qs.filter(Q(project__isnull=True) | Q(project_id__in=request.user.project_ids))
    if clock:
        qs = qs.filter(clock=clock)
    return [
        {
            "id": p.pk,
            "name": p.name,
            "clock": p.clock,
            "clock_display": str(ClockKind(p.clock).label),
            "scope": p.project.code if p.project_id else ("company" if p.company_id else "system"),
            "kind": p.kind,
            "channel": p.channel,
            "grade_level": p.grade_level,
            "repair_scope": p.repair_scope,
            "category": p.category.code if p.category_id else None,
            "only_long_disagreement": p.only_long_disagreement,
            "unit": p.unit,
            "unit_display": str(ClockUnit(p.unit).label),
            "amount": p.amount,
            "warning_percent": p.warning_percent,
            "is_cap": p.is_cap,
            "priority": p.priority,
            "source": p.source,
        }
        for p in qs.select_related("project", "category").order_by("clock", "-priority", "pk")
    ]
