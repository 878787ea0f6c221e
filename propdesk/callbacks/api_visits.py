"""Routine visit plans at /api/v1/visit-plans: generate a year's plan, read its coverage and
months, record a household's visit (raising requests), move a household to another month."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from propdesk.core.errors import InvalidInput
from propdesk.core.schemas import ErrorOut
from propdesk.org.models import Project

from . import visits
from .models import VisitPlan

router = Router(tags=["routine visits"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class MonthOut(Schema):
    month: int
    planned: int
    visited: int


class PlanOut(Schema):
    id: int
    project: str
    year: int
    households: int = Field(description="occupied households now")
    planned: int
    visited: int
    coverage_percent: float | None = Field(description="visited / occupied households × 100")
    months: list[MonthOut]


def _plan_out(plan: VisitPlan) -> dict:
    cover = visits.coverage(plan)
    return {
        "id": plan.pk,
        "project": plan.project.code,
        "year": plan.year,
        "households": cover.households,
        "planned": cover.planned,
        "visited": cover.visited,
        "coverage_percent": cover.percent,
        "months": visits.by_month(plan),
    }


@router.get("/visit-plans", response=list[PlanOut], summary="Routine visit plans in your scope")
def list_plans(request: HttpRequest):
    plans = VisitPlan.objects.for_user(request.user).select_related("project")
    return [_plan_out(p) for p in plans[:100]]


class GenerateIn(Schema):
    project: str
    year: int


@router.post(
    "/visit-plans",
    response={200: PlanOut, **ERRORS},
    summary="Generate (or bring up to date) a project's plan for a year",
)
def generate(request: HttpRequest, payload: GenerateIn):
    project = Project.objects.filter(code=payload.project).first()
    if project is None:
        raise InvalidInput(_("项目编码“%(c)s”不存在") % {"c": payload.project}, field="project")
    return _plan_out(visits.generate_plan(request.user, project, payload.year))


class HouseholdOut(Schema):
    id: int
    room_id: int
    room: str
    month: int
    visited_at: datetime | None


@router.get("/visit-plans/{pk}", response={200: PlanOut, **ERRORS}, summary="One plan")
def read_plan(request: HttpRequest, pk: int):
    return _plan_out(visits.get_plan(request.user, pk))


@router.get(
    "/visit-plans/{pk}/households",
    response={200: list[HouseholdOut], **ERRORS},
    summary="The households of one month of a plan",
)
def households(request: HttpRequest, pk: int, month: int):
    plan = visits.get_plan(request.user, pk)
    rows = plan.households.filter(month=month).select_related(
        "room__building", "room__unit", "visit"
    )
    return [
        {
            "id": h.pk,
            "room_id": h.room_id,
            "room": h.room.label,
            "month": h.month,
            "visited_at": h.visit.visited_at if hasattr(h, "visit") else None,
        }
        for h in rows
    ]


class RaisedIn(Schema):
    category: str
    description: str
    kind: str = "complaint"


class VisitIn(Schema):
    method: str = "phone"
    service_quality: str
    staff_attitude: str
    shortcomings: str = ""
    suggestions: str = ""
    resident_id: int | None = None
    raised: list[RaisedIn] = Field(default_factory=list, description="requests to register")


class VisitOut(Schema):
    id: int
    visited_at: datetime
    raised: list[str]


@router.post(
    "/visit-plans/{pk}/households/{planned}/visit",
    response={200: VisitOut, **ERRORS},
    summary="Record a household's visit",
)
def record(request: HttpRequest, pk: int, planned: int, payload: VisitIn):
    visits.get_plan(request.user, pk)
    data = payload.dict()
    raised = [visits.Raised(**r) for r in data.pop("raised")]
    visit = visits.record_visit(request.user, planned, raised=raised, plan_id=pk, **data)
    return {
        "id": visit.pk,
        "visited_at": visit.visited_at,
        "raised": [t.number for t in visit.raised.order_by("pk")],
    }


class MoveIn(Schema):
    month: int


@router.post(
    "/visit-plans/{pk}/households/{planned}/move",
    response={200: HouseholdOut, **ERRORS},
    summary="Visit a household in another month",
)
def move(request: HttpRequest, pk: int, planned: int, payload: MoveIn):
    visits.get_plan(request.user, pk)
    h = visits.move_household(request.user, planned, payload.month, plan_id=pk)
    return {
        "id": h.pk,
        "room_id": h.room_id,
        "room": h.room.label,
        "month": h.month,
        "visited_at": None,
    }
