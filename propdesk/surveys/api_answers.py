"""The answers side of /api/v1/surveys: the households' links, answers typed in from paper,
the results, corrective actions, and the two public endpoints a resident's link uses (no
login: the token is the key). Mounted by :mod:`propdesk.surveys.api`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from propdesk.core import clock
from propdesk.core.errors import InvalidInput
from propdesk.core.paging import LongPageSize, Page
from propdesk.core.schemas import ErrorOut
from propdesk.org.models import Project, User

from . import services
from .choices import ResponseSource, Satisfaction
from .models import CorrectiveAction, Invitation
from .schemas import (
    ERRORS,
    ActionOut,
    InvitationPage,
    QuestionnaireOut,
    ResultsOut,
    action_out,
    invitation_out,
    questionnaire_out,
    results_out,
)

router = Router(tags=["surveys"])


class InvitationQuery(Schema):
    answered: bool | None = None
    project: str | None = None
    page: Page = 1
    page_size: LongPageSize = 50


@router.get(
    "/surveys/campaigns/{pk}/invitations",
    response={200: InvitationPage, **ERRORS},
    summary="The households' questionnaires and their links",
)
def list_invitations(request: HttpRequest, pk: int, query: Query[InvitationQuery]):
    campaign = services.get_campaign(request.user, pk)
    rows = (
        Invitation.objects.for_user(request.user)
        .filter(campaign=campaign)
        .select_related("project", "room__building", "room__unit", "response")
        .order_by("project__code", "room__building__code", "room__unit__code", "room__number")
    )
    if query.answered is not None:
        rows = rows.filter(response__isnull=not query.answered)
    if query.project:
        rows = rows.filter(project__code=query.project)
    start = (query.page - 1) * query.page_size
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [invitation_out(i) for i in rows[start : start + query.page_size]],
    }


# ---- answers --------------------------------------------------------------------------------


#: A level of Satisfaction, or "" (as well as null) for an item left unanswered. One Literal,
#: so a wrong value is reported on the field itself ("answers[0].level").
Level = Literal[("", *Satisfaction.values)]  # type: ignore[valid-type]


class AnswerIn(Schema):
    item: int = Field(description="the item's id")
    level: Level | None = Field(None, description="empty or null: unanswered")
    comment: str = ""


class PaperIn(Schema):
    room_id: int
    answers: list[AnswerIn]
    comment: str = ""
    source: ResponseSource = ResponseSource.PAPER
    answered_at: datetime | None = Field(None, description="the date on the form; default now")


class ResponseOut(Schema):
    id: int
    room_id: int
    source: str
    answered_at: datetime
    answered_items: int


def _answers(rows: list[AnswerIn]) -> list[services.Answer]:
    return [services.Answer(a.item, a.level or "", a.comment) for a in rows]


@router.post(
    "/surveys/campaigns/{pk}/responses",
    response={201: ResponseOut, **ERRORS},
    summary="Type in a paper questionnaire",
)
def enter_answers(request: HttpRequest, pk: int, payload: PaperIn):
    answered_at = payload.answered_at
    if answered_at is not None and timezone.is_naive(answered_at):
        answered_at = timezone.make_aware(answered_at)
    response = services.enter_answers(
        request.user,
        pk,
        room_id=payload.room_id,
        answers=_answers(payload.answers),
        comment=payload.comment,
        source=payload.source,
        answered_at=answered_at,
    )
    out = {
        "id": response.pk,
        "room_id": payload.room_id,
        "source": response.source,
        "answered_at": response.answered_at,
        "answered_items": response.answers.exclude(level="").count(),
    }
    return Status(201, out)


# ---- results --------------------------------------------------------------------------------


class ResultsQuery(Schema):
    pareto_by: str = Field("item", description="item or area")


@router.get(
    "/surveys/campaigns/{pk}/results",
    response={200: ResultsOut, **ERRORS},
    summary="Return rate, satisfaction rates, comparison and Pareto",
)
def results(request: HttpRequest, pk: int, query: Query[ResultsQuery]):
    if query.pareto_by not in ("item", "area"):
        raise InvalidInput(_("应为 item 或 area"), field="pareto_by")
    figures = services.campaign_results(request.user, pk)
    comparison = services.compare(request.user, figures)
    rows = services.pareto(figures.campaign, figures.project_ids, by=query.pareto_by)
    return results_out(figures, comparison, rows)


# ---- corrective actions ---------------------------------------------------------------------


class ActionIn(Schema):
    project: str = Field(description="a project's code")
    owner: str = Field(description="the owner's user name")
    cause: str
    measure: str
    due_on: date
    item: int | None = Field(None, description="the survey item it corrects")


class DoneIn(Schema):
    note: str


class VerifyIn(Schema):
    effective: bool
    note: str


@router.get(
    "/surveys/campaigns/{pk}/actions",
    response={200: list[ActionOut], **ERRORS},
    summary="Corrective actions of a campaign",
)
def list_actions(request: HttpRequest, pk: int):
    campaign = services.get_campaign(request.user, pk)
    return [action_out(a) for a in services.actions_of(request.user, campaign)]


@router.post(
    "/surveys/campaigns/{pk}/actions",
    response={201: ActionOut, **ERRORS},
    summary="Open a corrective action from the results",
)
def open_action(request: HttpRequest, pk: int, payload: ActionIn):
    project = Project.objects.filter(code=payload.project).first()
    if project is None:
        raise InvalidInput(_("项目编码“%(c)s”不存在") % {"c": payload.project}, field="project")
    owner = User.objects.filter(username=payload.owner).first()
    if owner is None:
        raise InvalidInput(_("用户“%(u)s”不存在") % {"u": payload.owner}, field="owner")
    action = services.open_action(
        request.user,
        pk,
        project_id=project.pk,
        owner_id=owner.pk,
        cause=payload.cause,
        measure=payload.measure,
        due_on=payload.due_on,
        item_id=payload.item,
    )
    return Status(201, action_out(_action(action.pk)))


def _action(pk: int) -> CorrectiveAction:
    return CorrectiveAction.objects.select_related("project", "item", "owner", "verified_by").get(
        pk=pk
    )


@router.post(
    "/surveys/actions/{pk}/done",
    response={200: ActionOut, **ERRORS},
    summary="Report a corrective action carried out",
)
def action_done(request: HttpRequest, pk: int, payload: DoneIn):
    services.mark_done(request.user, pk, note=payload.note)
    return action_out(_action(pk))


@router.post(
    "/surveys/actions/{pk}/verify",
    response={200: ActionOut, **ERRORS},
    summary="Verify the effect of a corrective action",
)
def action_verify(request: HttpRequest, pk: int, payload: VerifyIn):
    services.verify(request.user, pk, effective=payload.effective, note=payload.note)
    return action_out(_action(pk))


# ---- the resident's link (public) -----------------------------------------------------------


class LinkAnswerIn(Schema):
    answers: list[AnswerIn]
    comment: str = ""


class ThanksOut(Schema):
    detail: str
    answered_at: datetime


@router.get(
    "/surveys/answer/{token}",
    auth=None,
    response={200: QuestionnaireOut, 404: ErrorOut},
    summary="The questionnaire behind a resident's link",
)
def read_questionnaire(request: HttpRequest, token: str):
    invitation = services.invitation_for_token(token)
    return questionnaire_out(invitation, services.link_refusal(invitation, clock.now()))


@router.post(
    "/surveys/answer/{token}",
    auth=None,
    response={201: ThanksOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Answer the questionnaire from a resident's link (once per household)",
)
def answer(request: HttpRequest, token: str, payload: LinkAnswerIn):
    response = services.answer_by_link(token, _answers(payload.answers), comment=payload.comment)
    return Status(201, {"detail": _("提交成功,感谢您的参与!"), "answered_at": response.answered_at})
