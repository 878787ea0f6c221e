"""The answers side of /api/v1/surveys: the households' links, answers typed in from paper,
the results, and the two public endpoints a resident's link uses (no
login: the token is the key). Mounted by :mod:`propdesk.surveys.api`."""

from __future__ import annotations

from datetime import datetime
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

from . import services
from .choices import ResponseSource, Satisfaction
from .models import Invitation
from .schemas import (
    ERRORS,
    InvitationPage,
    QuestionnaireOut,
    ResultsOut,
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
