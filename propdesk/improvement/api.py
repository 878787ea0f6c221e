"""Corrective and preventive actions at /api/v1/actions: the list (filters as on the console's
page), one action with its history, opening one from any source, reporting it done and
verifying it. The survey API's addresses for its actions (``/surveys/campaigns/{pk}/actions``,
``/surveys/actions/{pk}/done|verify``) answer here too, with the same actions."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from propdesk.core.errors import InvalidInput
from propdesk.core.paging import Page, PageSize
from propdesk.core.schemas import ErrorOut
from propdesk.org.models import Project, User
from propdesk.surveys.services import get_campaign

from . import services
from .choices import ActionKind, ActionSource, ActionStatus
from .models import CorrectiveAction
from .services import Source

router = Router(tags=["corrective actions"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ActionEventOut(Schema):
    kind: str
    kind_display: str
    actor: str | None
    at: datetime
    note: str
    data: dict


class ActionOut(Schema):
    id: int
    kind: str
    source: str
    source_display: str
    project: str
    ticket: str | None
    hot_issue: int | None
    campaign: int | None
    item: int | None
    item_text: str | None
    report: int | None
    report_month: str
    report_scope: str
    report_line: str
    owner: str
    verifier: str | None
    cause: str
    measure: str
    due_on: date
    due_at: datetime
    overdue: bool
    escalation_level: int
    status: str
    status_display: str
    opened_by: str
    opened_at: datetime
    done_at: datetime | None
    done_note: str
    verification_note: str
    verified_by: str | None
    verified_at: datetime | None


class ActionDetail(ActionOut):
    events: list[ActionEventOut]


class ActionPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ActionOut]


def _name(user: User | None) -> str | None:
    return user.username if user else None


def action_out(a: CorrectiveAction) -> dict:
    return {
        "id": a.pk, "kind": a.kind, "source": a.source, "source_display": a.get_source_display(),
        "project": a.project.code, "ticket": a.ticket.number if a.ticket else None,
        "hot_issue": a.hot_issue_id, "campaign": a.campaign_id, "item": a.item_id,
        "item_text": a.item.text if a.item else None, "report": a.report_id,
        "report_month": a.report_month, "report_scope": a.report_scope,
        "report_line": a.report_line, "owner": a.owner.username, "verifier": _name(a.verifier),
        "cause": a.cause, "measure": a.measure, "due_on": a.due_on, "due_at": a.due_at,
        "overdue": a.overdue, "escalation_level": a.escalation_level, "status": a.status,
        "status_display": a.get_status_display(), "opened_by": a.opened_by.username,
        "opened_at": a.opened_at, "done_at": a.done_at, "done_note": a.done_note,
        "verification_note": a.verification_note, "verified_by": _name(a.verified_by),
        "verified_at": a.verified_at,
    }  # fmt: skip


def _detail(request: HttpRequest, pk: int) -> dict:
    action = services.get_action(request.user, pk)
    events = action.events.select_related("actor")
    return {
        **action_out(action),
        "events": [
            {"kind": e.kind, "kind_display": e.get_kind_display(), "actor": _name(e.actor),
             "at": e.at, "note": e.note, "data": e.data}
            for e in events
        ],
    }  # fmt: skip


class ActionQuery(Schema):
    status: ActionStatus | None = None
    source: ActionSource | None = None
    overdue: bool | None = Field(None, description="only those past their due date, not done")
    mine: bool | None = Field(None, description="only those I own or am named to verify")
    project: str | None = Field(None, description="a project's code")
    page: Page = 1
    page_size: PageSize = 20


@router.get("/actions", response={200: ActionPage, **ERRORS}, summary="List actions")
def list_actions(request: HttpRequest, query: Query[ActionQuery]):
    rows = services.visible_actions(request.user).select_related("opened_by")
    if query.status:
        rows = rows.filter(status=query.status)
    if query.source:
        rows = rows.filter(source=query.source)
    if query.overdue:
        rows = rows.filter(status=ActionStatus.OPEN, breached_at__isnull=False)
    if query.mine:
        rows = rows.filter(owner=request.user) | rows.filter(verifier=request.user)
    if query.project:
        rows = rows.filter(project__code=query.project)
    rows = rows.order_by("due_on", "pk")
    start = (query.page - 1) * query.page_size
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [action_out(a) for a in rows[start : start + query.page_size]],
    }


def _user_id(username: str | None, field: str) -> int | None:
    if not username:
        return None
    found = User.objects.filter(username=username).values_list("pk", flat=True).first()
    if found is None:
        raise InvalidInput(_("用户“%(u)s”不存在") % {"u": username}, field=field)
    return found


def _project_id(code: str | None) -> int | None:
    if not code:
        return None
    found = Project.objects.filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        raise InvalidInput(_("项目编码“%(c)s”不存在") % {"c": code}, field="project")
    return found


class ActionIn(Schema):
    source: ActionSource = ActionSource.OTHER
    kind: ActionKind = ActionKind.CORRECTIVE
    project: str | None = Field(None, description="a project's code (from the source if left out)")
    ticket: str | None = Field(None, description="source ticket: the request's number")
    hot_issue: int | None = Field(None, description="source hot_issue: its id")
    campaign: int | None = Field(None, description="source survey_item: the survey's id")
    item: int | None = Field(None, description="source survey_item: the item (optional)")
    report: int | None = Field(None, description="source report_line: the monthly report's id")
    report_month: str = Field("", description="source report_line: the report's month, 2026-09")
    report_scope: str = Field("", max_length=100, description="the report's scope, as named")
    report_line: str = Field("", max_length=2000, description="source report_line: the line")
    owner: str = Field(description="the owner's user name")
    verifier: str | None = Field(None, description="the user name of the person named to verify")
    cause: str = Field(max_length=4000)
    measure: str = Field(max_length=4000)
    due_on: date


@router.post("/actions", response={201: ActionDetail, **ERRORS}, summary="Open an action")
def create_action(request: HttpRequest, payload: ActionIn):
    source = Source(
        source=payload.source, ticket=payload.ticket, hot_issue_id=payload.hot_issue,
        campaign_id=payload.campaign, item_id=payload.item, report_id=payload.report,
        report_month=payload.report_month, report_scope=payload.report_scope,
        report_line=payload.report_line,
    )  # fmt: skip
    action = services.open_action(
        request.user, source, project_id=_project_id(payload.project),
        owner_id=_user_id(payload.owner, "owner"),
        verifier_id=_user_id(payload.verifier, "verifier"), kind=payload.kind,
        cause=payload.cause, measure=payload.measure, due_on=payload.due_on,
    )  # fmt: skip
    return Status(201, _detail(request, action.pk))


@router.get("/actions/{pk}", response={200: ActionDetail, **ERRORS}, summary="One action")
def read_action(request: HttpRequest, pk: int):
    return _detail(request, pk)


class DoneIn(Schema):
    note: str = Field(max_length=4000)


class VerifyIn(Schema):
    effective: bool
    note: str = Field(max_length=4000)
    due_on: date | None = Field(None, description="not effective: the new due date (optional)")


@router.post("/actions/{pk}/done", response={200: ActionDetail, **ERRORS}, summary="Report it done")
def action_done(request: HttpRequest, pk: int, payload: DoneIn):
    services.mark_done(request.user, pk, note=payload.note)
    return _detail(request, pk)


@router.post(
    "/actions/{pk}/verify",
    response={200: ActionDetail, **ERRORS},
    summary="Verify its effect (effective closes it, not effective sends it back)",
)
def action_verify(request: HttpRequest, pk: int, payload: VerifyIn):
    services.verify(
        request.user, pk, effective=payload.effective, note=payload.note, due_on=payload.due_on
    )
    return _detail(request, pk)


# ---- the survey API's addresses of its corrective actions -------------------------------


class SurveyActionIn(Schema):
    project: str = Field(description="a project's code")
    owner: str = Field(description="the owner's user name")
    cause: str
    measure: str
    due_on: date
    item: int | None = Field(None, description="the survey item it corrects")


@router.get(
    "/surveys/campaigns/{pk}/actions",
    response={200: list[ActionOut], **ERRORS},
    summary="Corrective actions of a campaign",
    tags=["surveys"],
)
def survey_actions(request: HttpRequest, pk: int):
    campaign = get_campaign(request.user, pk)
    rows = services.visible_actions(request.user).select_related("opened_by")
    return [action_out(a) for a in rows.filter(campaign=campaign).order_by("due_on", "pk")]


@router.post(
    "/surveys/campaigns/{pk}/actions",
    response={201: ActionOut, **ERRORS},
    summary="Open a corrective action from the results",
    tags=["surveys"],
)
def open_survey_action(request: HttpRequest, pk: int, payload: SurveyActionIn):
    project_id = _project_id(payload.project)
    owner_id = _user_id(payload.owner, "owner")
    action = services.open_action(
        request.user, Source(ActionSource.SURVEY_ITEM, campaign_id=pk, item_id=payload.item),
        project_id=project_id, owner_id=owner_id, cause=payload.cause,
        measure=payload.measure, due_on=payload.due_on,
    )  # fmt: skip
    return Status(201, action_out(services.get_action(request.user, action.pk)))


class SurveyVerifyIn(Schema):
    effective: bool
    note: str


@router.post(
    "/surveys/actions/{pk}/done",
    response={200: ActionOut, **ERRORS},
    summary="Report a corrective action carried out",
    tags=["surveys"],
)
def survey_action_done(request: HttpRequest, pk: int, payload: DoneIn):
    services.mark_done(request.user, pk, note=payload.note)
    return action_out(services.get_action(request.user, pk))


@router.post(
    "/surveys/actions/{pk}/verify",
    response={200: ActionOut, **ERRORS},
    summary="Verify the effect of a corrective action",
    tags=["surveys"],
)
def survey_action_verify(request: HttpRequest, pk: int, payload: SurveyVerifyIn):
    services.verify(request.user, pk, effective=payload.effective, note=payload.note)
    return action_out(services.get_action(request.user, pk))
