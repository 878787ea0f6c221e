"""Answers to a questionnaire: from the resident's link (no login, the token is the key), or
typed in by staff from a paper form or a phone or visit (SPEC §7). One answer per household:
the invitation row is locked and the answer is one-to-one with it in the database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, OutOfScope
from propdesk.org.models import User
from propdesk.org.roles import require_role

from ..choices import CampaignStatus, ResponseSource, Satisfaction
from ..models import Invitation, Item, Response, ResponseItem
from .access import CLERKS, get_campaign

#: What a token looks like (url-safe base64); anything else is not looked up at all.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{22,64}")
#: Residents type freely; a bound keeps one public form from filling the database.
COMMENT_LIMIT = 1000


@dataclass(frozen=True)
class Answer:
    """The answer to one item: a level of :class:`Satisfaction`, or "" for unanswered."""

    item_id: int
    level: str = ""
    comment: str = ""


def already_answered_message() -> str:
    return _("此问卷已提交,每户只能填写一次")


def invitation_for_token(token: str) -> Invitation:
    """The invitation behind a link; NotFound for anything that is not one."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        raise NotFound(_("问卷链接无效"))
    invitation = (
        Invitation.objects.select_related("campaign", "project").filter(token=token).first()
    )
    if invitation is None:
        raise NotFound(_("问卷链接无效"))
    return invitation


def link_refusal(invitation: Invitation, at: datetime) -> str | None:
    """Why this link takes no answer now, in the resident's words; None when it does."""
    campaign = invitation.campaign
    if Response.objects.filter(invitation=invitation).exists():
        return already_answered_message()
    if campaign.status == CampaignStatus.CLOSED:
        return _("本次调查已结束,感谢您的关注")
    if campaign.status != CampaignStatus.ISSUED:
        return _("本次调查尚未开始")
    today = timezone.localdate(at)
    if today < campaign.period_start:
        return _("本次调查尚未开始")
    if today > campaign.period_end:
        return _("本次调查已结束,感谢您的关注")
    return None


def _checked(items: dict[int, Item], answers: Sequence[Answer]) -> dict[int, Answer]:
    """Answers by item, each naming a field of the body when it is wrong."""
    by_item: dict[int, Answer] = {}
    for n, answer in enumerate(answers):
        if answer.item_id not in items:
            raise InvalidInput(_("题目不属于本问卷"), field=f"answers[{n}].item")
        if answer.item_id in by_item:
            raise InvalidInput(_("同一题目只能回答一次"), field=f"answers[{n}].item")
        if answer.level and answer.level not in Satisfaction.values:
            raise InvalidInput(
                _("满意度“%(l)s”无效") % {"l": answer.level}, field=f"answers[{n}].level"
            )
        if len(answer.comment or "") > COMMENT_LIMIT:
            raise InvalidInput(
                _("不能超过 %(n)s 个字") % {"n": COMMENT_LIMIT}, field=f"answers[{n}].comment"
            )
        by_item[answer.item_id] = answer
    return by_item


def _save(
    invitation: Invitation,
    answers: Sequence[Answer],
    *,
    comment: str,
    source: str,
    entered_by: User | None,
    answered_at: datetime,
    entered_at: datetime,
) -> Response:
    """Store one household's answer: a row for every item, unanswered ones with no level, so
    "answered" is explicit and a questionnaire returned blank still counts as returned."""
    if len(comment or "") > COMMENT_LIMIT:
        raise InvalidInput(_("不能超过 %(n)s 个字") % {"n": COMMENT_LIMIT}, field="comment")
    items = {i.pk: i for i in Item.objects.filter(campaign_id=invitation.campaign_id)}
    by_item = _checked(items, answers)
    try:
        # A savepoint: a racing second answer that slipped past the lock (SQLite has no row
        # locks) fails on the one-to-one constraint and is refused like any second answer.
        with transaction.atomic():
            response = Response.objects.create(
                invitation=invitation,
                campaign_id=invitation.campaign_id,
                project_id=invitation.project_id,
                answered_at=answered_at,
                source=source,
                entered_by=entered_by,
                entered_at=entered_at,
                comment=(comment or "").strip(),
            )
    except IntegrityError:
        raise InvalidTransition(already_answered_message()) from None
    ResponseItem.objects.bulk_create(
        ResponseItem(
            response=response,
            item_id=item_id,
            level=by_item[item_id].level if item_id in by_item else "",
            comment=(by_item[item_id].comment or "").strip() if item_id in by_item else "",
        )
        for item_id in sorted(items, key=lambda pk: (items[pk].order, pk))
    )
    return response


def _locked(invitation_pk: int) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=invitation_pk)
    )


@transaction.atomic
def answer_by_link(
    token: str, answers: Sequence[Answer], *, comment: str = "", now: datetime | None = None
) -> Response:
    """The resident's own answer from the link: refused once the household has answered, and
    outside the campaign's period or status."""
    at = clock.resolve(now)
    invitation = _locked(invitation_for_token(token).pk)
    refusal = link_refusal(invitation, at)
    if refusal is not None:
        raise InvalidTransition(refusal)
    return _save(
        invitation,
        answers,
        comment=comment,
        source=ResponseSource.LINK,
        entered_by=None,
        answered_at=at,
        entered_at=at,
    )


@transaction.atomic
def enter_answers(
    actor: User,
    campaign_id: int,
    *,
    room_id: int,
    answers: Sequence[Answer],
    comment: str = "",
    source: str = ResponseSource.PAPER,
    answered_at: datetime | None = None,
    now: datetime | None = None,
) -> Response:
    """Staff type in a household's paper questionnaire (or what the resident said on the
    phone or at a visit). Allowed while the campaign runs, after its end date too, since paper
    forms come back late; never for a household that already answered."""
    require_role(actor, CLERKS, _("您的角色不能录入问卷"))
    if source not in (ResponseSource.PAPER, ResponseSource.STAFF):
        raise InvalidInput(_("来源“%(s)s”无效") % {"s": source}, field="source")
    at = clock.resolve(now)
    answered_at = clock.resolve(answered_at) if answered_at is not None else at
    if answered_at > at:
        raise InvalidInput(_("填写时间不能晚于现在"), field="answered_at")
    campaign = get_campaign(actor, campaign_id)
    found = Invitation.objects.filter(campaign=campaign, room_id=room_id).first()
    if found is None:
        raise InvalidInput(_("该房屋不在本次调查的发放范围内"), field="room_id")
    if not actor.in_scope(found.project_id):
        raise OutOfScope(_("该项目不在您的数据范围内"), field="room_id")
    invitation = _locked(found.pk)
    if Response.objects.filter(invitation=invitation).exists():
        raise InvalidTransition(already_answered_message(), field="room_id")
    if campaign.status != CampaignStatus.ISSUED:
        raise InvalidTransition(
            _("调查当前为“%(s)s”,不能录入问卷") % {"s": campaign.get_status_display()}
        )
    return _save(
        invitation,
        answers,
        comment=comment,
        source=source,
        entered_by=actor,
        answered_at=answered_at,
        entered_at=at,
    )
