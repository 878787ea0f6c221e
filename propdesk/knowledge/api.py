"""The case library at /api/v1/cases (SPEC §8): list and read what the caller may read, write
and edit cases, and the review, send-back, publish and withdraw moves. The rules are
``services``'."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from propdesk.core.errors import InvalidInput
from propdesk.core.paging import Page, PageSize
from propdesk.core.schemas import ErrorOut
from propdesk.tickets.models import Category, Ticket

from . import services
from .models import Case
from .services import SCENARIO_FIELDS, ScenarioText

router = Router(tags=["case library"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ScenarioSchema(Schema):
    name: str = Field("", max_length=200, description="the situation (情景)")
    expectation: str = Field("", max_length=4000, description="what the resident expects")
    handling: str = Field(max_length=4000, description="how to handle it, step by step")
    words: str = Field("", max_length=4000, description="what to say (话术)")
    improvement: str = Field("", max_length=4000, description="internal improvement")
    risk: str = Field("", max_length=4000, description="risk warning")


class CaseVersionOut(Schema):
    version: int
    change: str
    change_display: str
    status: str
    by: str | None
    at: datetime
    note: str


class CaseOut(Schema):
    id: int
    title: str
    category: str = Field(description="category code")
    category_name: str
    status: str
    status_display: str
    version: int
    scenarios: list[ScenarioSchema]
    sources: list[str] = Field(description="numbers of the requests it came from (in scope)")
    published_at: datetime | None
    updated_at: datetime


class CaseDetail(CaseOut):
    versions: list[CaseVersionOut]


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseOut]


class CaseIn(Schema):
    title: str = Field(max_length=200)
    category: str = Field(description="category code, e.g. FAC-ELEV")
    scenarios: list[ScenarioSchema] = Field(max_length=services.MAX_SCENARIOS)
    sources: list[str] = Field(
        default_factory=list, description="request numbers it came from (create only)"
    )
    note: str = Field("", max_length=500, description="what changed (edit only)")


class CaseMoveIn(Schema):
    text: str = Field(
        "", max_length=500, description="the note, or the reason (send back, withdraw)"
    )


def _out(case: Case, user) -> dict:
    return {
        "id": case.pk,
        "title": case.title,
        "category": case.category.code,
        "category_name": case.category.full_name,
        "status": case.status,
        "status_display": case.get_status_display(),
        "version": case.version,
        "scenarios": [{f: getattr(s, f) for f in SCENARIO_FIELDS} for s in case.scenarios.all()],
        "sources": list(case.sources.for_user(user).values_list("number", flat=True)),
        "published_at": case.published_at,
        "updated_at": case.updated_at,
    }


def _detail(case: Case, user) -> dict:
    versions = case.versions.select_related("by").order_by("at", "pk")
    return {
        **_out(case, user),
        "versions": [
            {
                "version": v.version,
                "change": v.change,
                "change_display": v.get_change_display(),
                "status": v.status,
                "by": v.by.username if v.by else None,
                "at": v.at,
                "note": v.note,
            }
            for v in versions
        ],
    }


class CaseQuery(Schema):
    category: str | None = Field(None, description="a category code: its cases and those under it")
    status: str | None = Field(None, description="draft, reviewed, published, withdrawn")
    q: str = Field("", max_length=100, description="words of the title or the scenarios")
    page: Page = 1
    page_size: PageSize = 20


@router.get("/cases", response={200: CasePage, 400: ErrorOut}, summary="List cases")
def list_cases(request: HttpRequest, query: Query[CaseQuery]):
    category = None
    if query.category:
        category = Category.objects.filter(code=query.category).first()
        if category is None:
            raise InvalidInput(
                _("没有编码为“%(c)s”的分类") % {"c": query.category}, field="category"
            )
    rows = services.find_cases(
        request.user, category=category, status=query.status or "", words=query.q
    )
    start = (query.page - 1) * query.page_size
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [_out(c, request.user) for c in rows[start : start + query.page_size]],
    }


@router.get("/cases/{pk}", response={200: CaseDetail, 404: ErrorOut}, summary="Read a case")
def get_case(request: HttpRequest, pk: int):
    return _detail(services.get_case(request.user, pk), request.user)


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise InvalidInput(_("没有编码为“%(c)s”的分类") % {"c": code}, field="category")
    return category


def _scenarios(payload: CaseIn) -> list[ScenarioText]:
    return [ScenarioText(**s.dict()) for s in payload.scenarios]


@router.post("/cases", response={201: CaseDetail, **ERRORS}, summary="Write a case (a draft)")
def create_case(request: HttpRequest, payload: CaseIn):
    sources = []
    for i, number in enumerate(payload.sources):
        ticket = Ticket.objects.for_user(request.user).filter(number=number).first()
        if ticket is None:
            raise InvalidInput(_("没有编号为“%(n)s”的诉求") % {"n": number}, field=f"sources[{i}]")
        sources.append(ticket)
    case = services.create_case(
        request.user,
        title=payload.title,
        category=_category(payload.category),
        scenarios=_scenarios(payload),
        sources=sources,
    )
    return Status(201, _detail(case, request.user))


@router.put("/cases/{pk}", response={200: CaseDetail, **ERRORS}, summary="Edit a case")
def edit_case(request: HttpRequest, pk: int, payload: CaseIn):
    case = services.get_case(request.user, pk)
    services.edit_case(
        request.user,
        case,
        title=payload.title,
        category=_category(payload.category),
        scenarios=_scenarios(payload),
        note=payload.note,
    )
    return _detail(services.get_case(request.user, pk), request.user)


@router.post(
    "/cases/{pk}/{move}",
    response={200: CaseDetail, **ERRORS},
    summary="Review, send back, publish or withdraw a case",
    description="move: review, send-back (text: the reason), publish, withdraw (text: reason)",
)
def move_case(request: HttpRequest, pk: int, move: str, payload: CaseMoveIn | None = None):
    case = services.get_case(request.user, pk)
    # The address says send-back, the page's form send_back: one move.
    services.move_case(request.user, case, move.replace("-", "_"), payload.text if payload else "")
    return _detail(services.get_case(request.user, pk), request.user)
