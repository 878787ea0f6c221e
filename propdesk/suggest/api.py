"""Suggestions at /api/v1/suggestions (issue 20 §3): what the intake page shows, for a program
that records requests (a call-centre client), and the figures of how the suggestions fare."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.core.errors import PermissionDenied
from propdesk.core.schemas import ErrorOut
from propdesk.org.roles import has_role

from . import records, services
from .records import REPORT_READERS

router = Router(tags=["suggestions"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class SuggestionQuery(Schema):
    project: str = Field(max_length=20, description="the project's code")
    text: str = Field(max_length=2000, description="the description as typed so far")
    category: str = Field(
        "", max_length=30, description="the category chosen, if any (for the alike requests)"
    )


class SuggestedCategoryOut(Schema):
    code: str
    name: str
    confidence: float = Field(description="0..1")


class SuggestedFactOut(Schema):
    field: str = Field(description="the grade fact's field on the request")
    question: str
    because: list[str] = Field(description="the words that raised it")


class SuggestedTicketOut(Schema):
    number: str
    status: str
    received_at: datetime
    description: str
    why: str = Field(description="place, text or words")
    hot_issue: int | None


class SuggestedCaseOut(Schema):
    id: int
    title: str
    category: str
    category_name: str
    scenario: str
    expectation: str
    words: str = Field(description="what to say (话术)")
    risk: str


class SuggestionsOut(Schema):
    project: str
    source: str = Field(description="model or rules")
    model_version: int | None
    categories: list[SuggestedCategoryOut]
    kind: str
    kind_confidence: float
    facts: list[SuggestedFactOut]
    similar: list[SuggestedTicketOut]
    cases: list[SuggestedCaseOut]


@router.get(
    "/suggestions",
    response={200: SuggestionsOut, **ERRORS},
    summary="Suggestions for a request being recorded",
)
def get_suggestions(request: HttpRequest, query: Query[SuggestionQuery]):
    project = services.project_for(request.user, query.project)
    s = services.suggest(request.user, project=project, text=query.text, category=query.category)
    return {
        "project": project.code,
        "source": s.source,
        "model_version": s.model_version,
        "categories": [c.__dict__ for c in s.categories],
        "kind": s.kind,
        "kind_confidence": s.kind_confidence,
        "facts": [
            {"field": f.field, "question": f.question, "because": list(f.because)} for f in s.facts
        ],
        "similar": [
            {
                "number": a.ticket.number,
                "status": a.ticket.status,
                "received_at": a.ticket.received_at,
                "description": a.ticket.description,
                "why": a.why,
                "hot_issue": a.hot_issue_id,
            }
            for a in s.similar
        ],
        "cases": [
            {
                "id": c.pk,
                "title": c.title,
                "category": c.category_code,
                "category_name": c.category_name,
                "scenario": c.scenario,
                "expectation": c.expectation,
                "words": c.words,
                "risk": c.risk,
            }
            for c in s.cases
        ],
    }


class SuggestionMonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    recorded: int = Field(description="requests registered at intake with a suggestion")
    taken: int = Field(description="the first suggested category was chosen")
    in_top3: int
    applied: int = Field(description="the agent pressed the suggestion's button")
    kind_taken: int
    by_model: int = Field(description="suggested by the trained model (the rest by rules)")
    acceptance: float = Field(description="taken / recorded")
    top3: float = Field(description="in_top3 / recorded")


class SuggestionReportQuery(Schema):
    months: int = Field(12, ge=1, le=36)


@router.get(
    "/suggestions/report",
    response={200: list[SuggestionMonthOut], 403: ErrorOut},
    summary="Acceptance and accuracy of the suggestions by month",
)
def suggestion_report(request: HttpRequest, query: Query[SuggestionReportQuery]):
    if not has_role(request.user, REPORT_READERS):
        raise PermissionDenied(_("只有客服主管、品质部及以上可以查看登记建议的采纳情况"))
    return [
        {**m.__dict__, "acceptance": m.acceptance, "top3": m.top3}
        for m in records.by_month(request.user, months=query.months)
    ]
