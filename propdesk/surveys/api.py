"""Satisfaction surveys at /api/v1/surveys: campaigns with their plan, items and moves (the
approval by named officers: review, approve, return). The answers side (links, paper entry,
results, corrective actions, the resident's public endpoints) is in :mod:`.api_answers`, the
analysis report's review, distribution and receipts in :mod:`.api_report`, both mounted here so
the project mounts one router."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from propdesk.core.errors import InvalidInput
from propdesk.core.paging import Page, PageSize
from propdesk.org.models import Project

from . import services
from .choices import CampaignStatus, Channel, OrganiserUnit
from .models import ITEM_ORDER_MAX
from .schemas import (
    ERRORS,
    CampaignDetail,
    CampaignPage,
    ItemOut,
    campaign_detail,
    campaign_out,
    item_out,
)

router = Router(tags=["surveys"])


# ---- campaigns ------------------------------------------------------------------------------


class CampaignQuery(Schema):
    status: CampaignStatus | None = None
    project: str | None = Field(None, description="a project's code")
    waiting: bool = Field(False, description="only campaigns that wait for the caller to act")
    filed: bool = Field(False, description="only department plans filed with 品质部")
    page: Page = 1
    page_size: PageSize = 20


@router.get("/surveys/campaigns", response={200: CampaignPage, **ERRORS}, summary="List campaigns")
def list_campaigns(request: HttpRequest, query: Query[CampaignQuery]):
    user = request.user
    rows = services.waiting_for(user) if query.waiting else services.visible_campaigns(user)
    rows = rows.prefetch_related("projects")
    if query.filed:
        rows = rows.filter(filed_at__isnull=False)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.project:
        rows = rows.filter(projects__code=query.project)
    start = (query.page - 1) * query.page_size
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [campaign_out(c) for c in rows[start : start + query.page_size]],
    }


class PlanIn(Schema):
    name: str
    period_start: date
    period_end: date
    purpose: str = ""
    population: str = ""
    sample: str = ""
    staff: str = ""
    min_return_rate: Decimal = Field(Decimal(30), description="minimum return rate, percent")
    projects: list[str] = Field(default_factory=list, description="project codes; none = all")
    buildings: list[int] = Field(default_factory=list, description="building ids; none = all")
    unit: OrganiserUnit | None = Field(
        None, description="quality: 品质部's plan (always so for a quality-role author)"
    )


class PlanPatch(Schema):
    name: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    purpose: str | None = None
    population: str | None = None
    sample: str | None = None
    staff: str | None = None
    min_return_rate: Decimal | None = None
    projects: list[str] | None = None
    buildings: list[int] | None = None
    unit: OrganiserUnit | None = None


def _project_ids(codes: list[str]) -> list[int]:
    found = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
    for code in codes:
        if code not in found:
            raise InvalidInput(_("项目编码“%(c)s”不存在") % {"c": code}, field="projects")
    return [found[c] for c in codes]


def _detail(request: HttpRequest, pk: int) -> dict:
    return campaign_detail(request.user, services.get_campaign(request.user, pk))


@router.post(
    "/surveys/campaigns",
    response={201: CampaignDetail, **ERRORS},
    summary="Create a campaign (draft)",
)
def create_campaign(request: HttpRequest, payload: PlanIn):
    data = payload.dict()
    campaign = services.create_campaign(
        request.user,
        project_ids=_project_ids(data.pop("projects")),
        building_ids=data.pop("buildings"),
        **data,
    )
    return Status(201, _detail(request, campaign.pk))


@router.get(
    "/surveys/campaigns/{pk}",
    response={200: CampaignDetail, **ERRORS},
    summary="One campaign with its items and history",
)
def read_campaign(request: HttpRequest, pk: int):
    return _detail(request, pk)


@router.patch(
    "/surveys/campaigns/{pk}",
    response={200: CampaignDetail, **ERRORS},
    summary="Change the plan of a draft",
)
def update_campaign(request: HttpRequest, pk: int, payload: PlanPatch):
    changes = payload.dict(exclude_unset=True)
    if "projects" in changes:
        changes["project_ids"] = _project_ids(changes.pop("projects") or [])
    if "buildings" in changes:
        changes["building_ids"] = changes.pop("buildings") or []
    services.update_campaign(request.user, pk, changes)
    return _detail(request, pk)


#: An item's place in the questionnaire, 0 first (the end when left out).
ItemOrder = Annotated[int | None, Field(ge=0, le=ITEM_ORDER_MAX)]


class ItemIn(Schema):
    area: str = Field(description="customer_service, engineering, security, cleaning, …")
    text: str
    order: ItemOrder = None


class ItemPatch(Schema):
    area: str | None = None
    text: str | None = None
    order: ItemOrder = None


@router.post(
    "/surveys/campaigns/{pk}/items",
    response={201: ItemOut, **ERRORS},
    summary="Add an item to a draft's questionnaire",
)
def add_item(request: HttpRequest, pk: int, payload: ItemIn):
    item = services.add_item(request.user, pk, **payload.dict())
    return Status(201, item_out(item))


@router.patch(
    "/surveys/items/{item_id}",
    response={200: ItemOut, **ERRORS},
    summary="Change an item of a draft",
)
def update_item(request: HttpRequest, item_id: int, payload: ItemPatch):
    return item_out(services.update_item(request.user, item_id, **payload.dict()))


@router.delete(
    "/surveys/items/{item_id}",
    response={204: None, **ERRORS},
    summary="Remove an item from a draft",
)
def remove_item(request: HttpRequest, item_id: int):
    services.remove_item(request.user, item_id)
    return Status(204, None)


class CampaignNoteIn(Schema):
    note: str = ""


class CampaignReasonIn(Schema):
    reason: str


class IssueIn(Schema):
    channel: Channel = Channel.LINK


@router.post(
    "/surveys/campaigns/{pk}/submit",
    response={200: CampaignDetail, **ERRORS},
    summary="Submit the plan for approval",
)
def submit(request: HttpRequest, pk: int, payload: CampaignNoteIn):
    services.submit(request.user, pk, note=payload.note)
    return _detail(request, pk)


@router.post(
    "/surveys/campaigns/{pk}/review",
    response={200: CampaignDetail, **ERRORS},
    summary="Review a 品质部 plan (the management representative)",
)
def review(request: HttpRequest, pk: int, payload: CampaignNoteIn):
    services.review(request.user, pk, note=payload.note)
    return _detail(request, pk)


@router.post(
    "/surveys/campaigns/{pk}/return",
    response={200: CampaignDetail, **ERRORS},
    summary="Return the plan to its author for changes (whoever's approval step it is)",
)
def return_to_draft(request: HttpRequest, pk: int, payload: CampaignReasonIn):
    services.return_to_draft(request.user, pk, reason=payload.reason)
    return _detail(request, pk)


@router.post(
    "/surveys/campaigns/{pk}/approve",
    response={200: CampaignDetail, **ERRORS},
    summary="Approve the plan: the general manager (品质部's, after review) or the management "
    "representative (a department's, filed with 品质部)",
)
def approve(request: HttpRequest, pk: int, payload: CampaignNoteIn):
    services.approve(request.user, pk, note=payload.note)
    return _detail(request, pk)


@router.post(
    "/surveys/campaigns/{pk}/issue",
    response={200: CampaignDetail, **ERRORS},
    summary="Issue one questionnaire to every occupied household",
)
def issue(request: HttpRequest, pk: int, payload: IssueIn):
    services.issue(request.user, pk, channel=payload.channel)
    return _detail(request, pk)


@router.post(
    "/surveys/campaigns/{pk}/close",
    response={200: CampaignDetail, **ERRORS},
    summary="End the campaign",
)
def close(request: HttpRequest, pk: int, payload: CampaignNoteIn):
    services.close(request.user, pk, note=payload.note)
    return _detail(request, pk)


def _mount_answers() -> None:
    from .api_answers import router as answers_router
    from .api_report import router as report_router

    router.add_router("", answers_router)
    router.add_router("", report_router)


_mount_answers()
