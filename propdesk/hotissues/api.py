"""Hot issues at /api/v1/hot-issues: the list, one issue with its members and events, the
supervisor's decisions, and the intake check for requests already open at a place."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.core.errors import InvalidInput
from propdesk.core.paging import Page, PageSize
from propdesk.core.schemas import ErrorOut
from propdesk.org.models import Project
from propdesk.residents.models import mask_phone
from propdesk.tickets.models import Category

from . import services
from .models import HotIssue, HotIssueStatus

router = Router(tags=["hot issues"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class MemberOut(Schema):
    ticket: str
    status: str
    status_display: str
    kind: str
    category: str
    place: str
    description: str
    contact_name: str
    contact_phone: str
    received_at: datetime
    source: str
    merged_into: str | None


class HotIssueEventOut(Schema):
    kind: str
    kind_display: str
    actor: str | None
    at: datetime
    note: str
    data: dict


class HotIssueOut(Schema):
    id: int
    project: str
    basis: str
    basis_display: str
    category: str | None
    building: str | None
    place: str
    title: str
    status: str
    status_display: str
    member_count: int
    complainant_count: int = Field(description="different complainants (complaints only)")
    first_received_at: datetime
    last_received_at: datetime
    detected_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str


class HotIssueDetail(HotIssueOut):
    members: list[MemberOut]
    events: list[HotIssueEventOut]


class HotIssuePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[HotIssueOut]


def _out(issue: HotIssue) -> dict:
    return {
        "id": issue.pk,
        "project": issue.project.code,
        "basis": issue.basis,
        "basis_display": issue.get_basis_display(),
        "category": issue.category.full_name if issue.category else None,
        "building": issue.building.name if issue.building else None,
        "place": issue.place,
        "title": issue.title,
        "status": issue.status,
        "status_display": issue.get_status_display(),
        "member_count": issue.member_count,
        "complainant_count": issue.complainant_count,
        "first_received_at": issue.first_received_at,
        "last_received_at": issue.last_received_at,
        "detected_at": issue.detected_at,
        "decided_by": issue.decided_by.username if issue.decided_by else None,
        "decided_at": issue.decided_at,
        "decision_note": issue.decision_note,
    }


def _detail(issue: HotIssue) -> dict:
    members = issue.members.filter(removed_at=None).select_related(
        "ticket", "ticket__category", "ticket__merged_into"
    )
    return {
        **_out(issue),
        "members": [
            {
                "ticket": m.ticket.number,
                "status": m.ticket.status,
                "status_display": m.ticket.get_status_display(),
                "kind": m.ticket.kind,
                "category": m.ticket.category.full_name,
                "place": m.ticket.place,
                "description": m.ticket.description,
                "contact_name": m.ticket.contact_name,
                "contact_phone": mask_phone(m.ticket.contact_phone),
                "received_at": m.ticket.received_at,
                "source": m.source,
                "merged_into": m.ticket.merged_into.number if m.ticket.merged_into else None,
            }
            for m in members
        ],
        "events": [
            {
                "kind": e.kind,
                "kind_display": e.get_kind_display(),
                "actor": e.actor.username if e.actor else None,
                "at": e.at,
                "note": e.note,
                "data": e.data,
            }
            for e in issue.events.select_related("actor")
        ],
    }


class HotIssueQuery(Schema):
    project: str | None = None
    status: list[str] | None = Field(None, description="detected, confirmed, dismissed")
    page: Page = 1
    page_size: PageSize = 20


@router.get("/hot-issues", response={200: HotIssuePage, 400: ErrorOut}, summary="List hot issues")
def list_hot_issues(request: HttpRequest, query: Query[HotIssueQuery]):
    rows = services.visible_hot_issues(request.user).select_related(
        "project", "category", "building", "decided_by"
    )
    if query.project:
        rows = rows.filter(project__code=query.project)
    for status in query.status or []:
        if status not in HotIssueStatus.values:
            raise InvalidInput(_("状态“%(s)s”无效") % {"s": status}, field="status")
    if query.status:
        rows = rows.filter(status__in=query.status)
    start = (query.page - 1) * query.page_size
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [_out(i) for i in rows[start : start + query.page_size]],
    }


class CandidateQuery(Schema):
    project: str
    category: str | None = None
    building_id: int | None = None
    place: str = ""
    description: str = ""


class CandidateOut(Schema):
    ticket: str
    status_display: str
    category: str
    place: str
    description: str
    received_at: datetime
    basis: str


@router.get(
    "/hot-issues/candidates",
    response={200: list[CandidateOut], **ERRORS},
    summary="Open requests already reported at this place or in nearly these words",
)
def intake_candidates(request: HttpRequest, query: Query[CandidateQuery]):
    project = Project.objects.filter(code=query.project).first()
    if project is None:
        raise InvalidInput(_("项目编码“%(c)s”不存在") % {"c": query.project}, field="project")
    category = None
    if query.category:
        category = Category.objects.filter(code=query.category).first()
        if category is None:
            raise InvalidInput(_("分类编码“%(c)s”不存在") % {"c": query.category},
                               field="category")  # fmt: skip
    by_place, by_text = services.similar_open_requests(
        request.user, project_id=project.pk, category_id=category.pk if category else None,
        building_id=query.building_id, place=query.place, description=query.description,
    )  # fmt: skip
    return [
        {
            "ticket": t.number,
            "status_display": t.get_status_display(),
            "category": t.category.full_name,
            "place": t.place,
            "description": t.description,
            "received_at": t.received_at,
            "basis": basis,
        }
        for basis, rows in (("place", by_place), ("text", by_text))
        for t in rows
    ]


@router.get("/hot-issues/{pk}", response={200: HotIssueDetail, **ERRORS}, summary="One hot issue")
def read_hot_issue(request: HttpRequest, pk: int):
    return _detail(services.get_hot_issue(request.user, pk))


class HotIssueNoteIn(Schema):
    note: str = ""


class HotIssueReasonIn(Schema):
    reason: str


class LinkIn(Schema):
    ticket: str = Field(description="the request's number")
    note: str = ""


class UnlinkIn(Schema):
    ticket: str
    reason: str


class MergeIn(Schema):
    survivor: str = Field(description="the request that stays")
    duplicates: list[str] = Field(description="requests merged into it")
    note: str = ""


@router.post("/hot-issues/{pk}/confirm", response={200: HotIssueDetail, **ERRORS},
             summary="Confirm a hot issue")  # fmt: skip
def confirm(request: HttpRequest, pk: int, payload: HotIssueNoteIn):
    return _detail(services.confirm(request.user, pk, note=payload.note))


@router.post("/hot-issues/{pk}/dismiss", response={200: HotIssueDetail, **ERRORS},
             summary="Dismiss a hot issue")  # fmt: skip
def dismiss(request: HttpRequest, pk: int, payload: HotIssueReasonIn):
    return _detail(services.dismiss(request.user, pk, reason=payload.reason))


@router.post("/hot-issues/{pk}/link", response={200: HotIssueDetail, **ERRORS},
             summary="Link a request to a hot issue")  # fmt: skip
def link(request: HttpRequest, pk: int, payload: LinkIn):
    return _detail(services.link(request.user, pk, ticket=payload.ticket, note=payload.note))


@router.post("/hot-issues/{pk}/unlink", response={200: HotIssueDetail, **ERRORS},
             summary="Take a request out of a hot issue")  # fmt: skip
def unlink(request: HttpRequest, pk: int, payload: UnlinkIn):
    return _detail(services.unlink(request.user, pk, ticket=payload.ticket, reason=payload.reason))


@router.post("/hot-issues/{pk}/merge", response={200: HotIssueDetail, **ERRORS},
             summary="Merge duplicate members into one request")  # fmt: skip
def merge(request: HttpRequest, pk: int, payload: MergeIn):
    return _detail(
        services.merge_duplicates(
            request.user, pk, survivor=payload.survivor, duplicates=payload.duplicates,
            note=payload.note,
        )
    )  # fmt: skip
