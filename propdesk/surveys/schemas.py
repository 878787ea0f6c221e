"""What the surveys API sends out, and the functions that fill it from models and results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from propdesk.core.schemas import ErrorOut
from propdesk.org.models import User

from . import services
from .choices import Satisfaction
from .models import Campaign, Invitation, Item
from .services.results import Change, Comparison, Figure, ParetoRow, Rate, Results

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ProjectRef(Schema):
    code: str
    name: str


class BuildingRef(Schema):
    id: int
    name: str
    project: str


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    status_display: str
    period_start: date
    period_end: date
    projects: list[ProjectRef] = Field(description="empty: every project of the company")
    created_at: datetime


class CampaignPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CampaignOut]


class ItemOut(Schema):
    id: int
    area: str
    area_display: str
    text: str
    order: int


class CampaignEventOut(Schema):
    kind: str
    kind_display: str
    actor: str | None
    at: datetime
    note: str
    data: dict


class WaitingOut(Schema):
    move: str = Field(description="review or approve (the plan), report_review (the report)")
    title: str = Field(description="management_representative or general_manager")
    title_display: str
    person: str | None = Field(description="the officer's user name; null: nobody designated")
    person_name: str | None


class CampaignDetail(CampaignOut):
    company: str
    unit: str = Field(description="quality (品质部's plan: two steps) or department (one)")
    unit_display: str
    organiser_department: str | None = Field(description="the organiser's department code")
    purpose: str
    population: str
    sample: str
    staff: str
    min_return_rate: Decimal
    buildings: list[BuildingRef]
    created_by: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    filed_at: datetime | None = Field(description="a department's plan: filed with 品质部")
    waiting_for: WaitingOut | None = Field(description="the approval step the plan waits for")
    issued_at: datetime | None
    closed_at: datetime | None
    invitations: int
    moves: list[str] = Field(description="what the caller may do now")
    items: list[ItemOut]
    events: list[CampaignEventOut]


def campaign_out(campaign: Campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "status_display": campaign.get_status_display(),
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "projects": [
            {"code": p.code, "name": p.name}
            for p in sorted(campaign.projects.all(), key=lambda p: p.code)
        ],
        "created_at": campaign.created_at,
    }


def item_out(item: Item) -> dict:
    return {
        "id": item.pk,
        "area": item.area,
        "area_display": item.get_area_display(),
        "text": item.text,
        "order": item.order,
    }


def waiting_out(step: services.Step | None) -> dict | None:
    if step is None:
        return None
    return {
        "move": step.move,
        "title": step.title,
        "title_display": step.title_label,
        "person": step.person.username if step.person else None,
        "person_name": str(step.person) if step.person else None,
    }


def campaign_detail(user: User, campaign: Campaign) -> dict:
    return {
        **campaign_out(campaign),
        "company": campaign.company.name,
        "purpose": campaign.purpose,
        "population": campaign.population,
        "sample": campaign.sample,
        "staff": campaign.staff,
        "min_return_rate": campaign.min_return_rate,
        "buildings": [
            {"id": b.pk, "name": b.name, "project": b.project.code}
            for b in campaign.buildings.select_related("project")
        ],
        "created_by": campaign.created_by.username,
        "unit": campaign.unit,
        "unit_display": campaign.get_unit_display(),
        "organiser_department": (
            campaign.organiser_department.code if campaign.organiser_department else None
        ),
        "reviewed_by": campaign.reviewed_by.username if campaign.reviewed_by else None,
        "reviewed_at": campaign.reviewed_at,
        "filed_at": campaign.filed_at,
        "waiting_for": waiting_out(services.plan_step(campaign)),
        "approved_by": campaign.approved_by.username if campaign.approved_by else None,
        "approved_at": campaign.approved_at,
        "issued_at": campaign.issued_at,
        "closed_at": campaign.closed_at,
        "invitations": campaign.invitations.filter(project_id__in=user.project_ids).count(),
        "moves": services.available_moves(user, campaign),
        "items": [item_out(i) for i in campaign.items.order_by("order", "pk")],
        "events": [
            {
                "kind": e.kind,
                "kind_display": e.get_kind_display(),
                "actor": e.actor.username if e.actor else None,
                "at": e.at,
                "note": e.note,
                "data": e.data,
            }
            for e in campaign.events.select_related("actor")
        ],
    }


class InvitationOut(Schema):
    id: int
    project: str
    room_id: int
    room: str
    channel: str
    link: str = Field(description="the resident's address: the token only, no personal data")
    answered: bool
    answered_at: datetime | None
    source: str | None


class InvitationPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[InvitationOut]


def link_of(invitation: Invitation) -> str:
    return f"/s/{invitation.token}/"


def invitation_out(invitation: Invitation) -> dict:
    response = getattr(invitation, "response", None)
    return {
        "id": invitation.pk,
        "project": invitation.project.code,
        "room_id": invitation.room_id,
        "room": invitation.room.label,
        "channel": invitation.channel,
        "link": link_of(invitation),
        "answered": response is not None,
        "answered_at": response.answered_at if response else None,
        "source": response.source if response else None,
    }


# ---- results ----------------------------------------------------------------------------------


class SurveyRateOut(Schema):
    part: int
    whole: int
    percent: Decimal | None = Field(description="part / whole × 100, rounded half-up to 0.01")


class FigureOut(Schema):
    key: str
    label: str
    levels: dict[str, int]
    answered: int = Field(description="items answered (unanswered ones are not counted)")
    satisfied: int = Field(description="很满意 + 满意 + 基本满意")
    dissatisfied: int = Field(description="不满意 + 很不满意")
    satisfaction: SurveyRateOut


class ItemFigureOut(FigureOut):
    area: str
    area_display: str


class ProjectFigureOut(FigureOut):
    code: str
    invitations: int
    responses: int
    return_rate: SurveyRateOut
    below_minimum: bool


class ChangeOut(Schema):
    key: str
    label: str
    now: SurveyRateOut
    then: SurveyRateOut | None
    points: Decimal | None = Field(description="now − then, percentage points")


class ComparisonOut(Schema):
    previous: CampaignOut
    return_rate: ChangeOut
    overall: ChangeOut
    areas: list[ChangeOut]
    items: list[ChangeOut]


class ParetoOut(Schema):
    key: str
    label: str
    area: str
    count: int
    cumulative: int
    total: int
    share_percent: Decimal | None
    cumulative_percent: Decimal | None
    vital: bool = Field(description="among the few that make the first 80%")


class ResultsOut(Schema):
    invitations: int
    responses: int
    return_rate: SurveyRateOut
    minimum_return_rate: Decimal
    below_minimum: bool
    overall: FigureOut
    areas: list[FigureOut]
    items: list[ItemFigureOut]
    projects: list[ProjectFigureOut]
    comparison: ComparisonOut | None
    pareto: list[ParetoOut]


def rate_out(rate: Rate | None) -> dict | None:
    if rate is None:
        return None
    return {"part": rate.part, "whole": rate.whole, "percent": rate.percent}


def figure_out(figure: Figure) -> dict:
    return {
        "key": str(figure.key),
        "label": figure.label,
        "levels": figure.levels,
        "answered": figure.answered,
        "satisfied": figure.satisfied,
        "dissatisfied": figure.dissatisfied,
        "satisfaction": rate_out(figure.satisfaction),
    }


def change_out(change: Change) -> dict:
    return {
        "key": str(change.key),
        "label": change.label,
        "now": rate_out(change.now),
        "then": rate_out(change.then),
        "points": change.points,
    }


def pareto_out(row: ParetoRow) -> dict:
    return {
        "key": str(row.key),
        "label": row.label,
        "area": row.area,
        "count": row.count,
        "cumulative": row.cumulative,
        "total": row.total,
        "share_percent": row.share.percent,
        "cumulative_percent": row.cumulative_share.percent,
        "vital": row.vital,
    }


def results_out(results: Results, comparison: Comparison | None, pareto: list[ParetoRow]) -> dict:
    return {
        "invitations": results.invitations,
        "responses": results.responses,
        "return_rate": rate_out(results.return_rate),
        "minimum_return_rate": results.minimum,
        "below_minimum": results.below_minimum,
        "overall": figure_out(results.overall),
        "areas": [figure_out(a) for a in results.areas],
        "items": [
            {**figure_out(i), "area": i.area, "area_display": i.area_label} for i in results.items
        ],
        "projects": [
            {
                **figure_out(p),
                "code": p.code,
                "invitations": p.invitations,
                "responses": p.responses,
                "return_rate": rate_out(p.return_rate),
                "below_minimum": p.below_minimum,
            }
            for p in results.projects
        ],
        "comparison": None
        if comparison is None
        else {
            "previous": campaign_out(comparison.previous),
            "return_rate": change_out(comparison.return_rate),
            "overall": change_out(comparison.overall),
            "areas": [change_out(c) for c in comparison.areas],
            "items": [change_out(c) for c in comparison.items],
        },
        "pareto": [pareto_out(r) for r in pareto],
    }


# ---- the resident's questionnaire (public: no personal data) -----------------------------


class LevelOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    id: int
    area: str
    area_display: str
    text: str


class QuestionnaireOut(Schema):
    campaign: str
    project: str = Field(description="the project's name: the only thing said about the household")
    period_end: date
    open: bool
    message: str | None = Field(description="why it takes no answer, when it does not")
    levels: list[LevelOut]
    items: list[QuestionOut]


def questionnaire_out(invitation: Invitation, refusal: str | None) -> dict:
    campaign = invitation.campaign
    return {
        "campaign": campaign.name,
        "project": invitation.project.name,
        "period_end": campaign.period_end,
        "open": refusal is None,
        "message": refusal,
        "levels": [{"value": v, "label": str(label)} for v, label in Satisfaction.choices],
        "items": [
            {"id": i.pk, "area": i.area, "area_display": i.get_area_display(), "text": i.text}
            for i in campaign.items.order_by("order", "pk")
        ],
    }
