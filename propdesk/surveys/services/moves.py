"""The moves of a campaign (SPEC §7): submit for approval, issue one questionnaire to every
occupied household, close. Each is allowed from one status and for some roles, needs every
project of the campaign in the actor's scope, and is an event. The approval between submit and
issue (review, approve, return) is by named officers: :mod:`.approval`; the analysis report
after close: :mod:`.report`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition
from propdesk.org.models import User
from propdesk.org.roles import has_role
from propdesk.residents.models import Residency, Room

from ..choices import CampaignEventKind, CampaignStatus, Channel
from ..models import Campaign, Invitation
from .access import (
    CLERKS,
    ORGANISERS,
    covered_project_ids,
    get_campaign,
    record,
    require_whole_scope,
)
from .approval import plan_moves
from .campaigns import new_token, require_organiser
from .report import report_moves


def _guard(actor: User, pk: int, *, expected: str, kind: str) -> Campaign:
    """The campaign, locked, when the actor may change all of it and it is in ``expected``."""
    campaign = get_campaign(actor, pk, lock=True)
    require_whole_scope(actor, campaign)
    if campaign.status != expected:
        raise InvalidTransition(
            _("调查当前为“%(s)s”,不能%(move)s")
            % {"s": campaign.get_status_display(), "move": CampaignEventKind(kind).label}
        )
    return campaign


def _move(
    campaign: Campaign,
    to: str,
    kind: str,
    actor: User,
    at: datetime,
    note: str = "",
    stamps: dict[str, object] | None = None,
    **data: object,
) -> Campaign:
    """The status change, the fields it stamps, and its event, written together."""
    campaign.status = to
    for field, value in (stamps or {}).items():
        setattr(campaign, field, value)
    campaign.save(update_fields=["status", *(stamps or {})])
    record(campaign, kind, actor, at, (note or "").strip(), **data)
    return campaign


@transaction.atomic
def submit(actor: User, pk: int, *, note: str = "", now: datetime | None = None) -> Campaign:
    """The plan and questionnaire go to approval; they are frozen until returned."""
    require_organiser(actor)
    kind = CampaignEventKind.SUBMITTED
    campaign = _guard(actor, pk, expected=CampaignStatus.DRAFT, kind=kind)
    if not campaign.items.exists():
        raise InvalidInput(_("问卷至少要有一道题目"), field="items")
    return _move(campaign, CampaignStatus.SUBMITTED, kind, actor, clock.resolve(now), note)


def occupied_households(campaign: Campaign) -> QuerySet[Room]:
    """The population: every room with an active residency (SPEC §6: 已入住户) in the
    campaign's projects, or in its chosen buildings when it names some."""
    rooms = Room.objects.filter(project_id__in=covered_project_ids(campaign))
    building_ids = list(campaign.buildings.values_list("pk", flat=True))
    if building_ids:
        rooms = rooms.filter(building_id__in=building_ids)
    lived_in = Residency.objects.filter(room=OuterRef("pk"), is_active=True)
    return rooms.filter(Exists(lived_in))


@transaction.atomic
def issue(
    actor: User, pk: int, *, channel: str = Channel.LINK, now: datetime | None = None
) -> Campaign:
    """Hand out the questionnaire: one invitation, with its own token, to every occupied
    household of the population, exactly once. The campaign row is locked and must be
    approved, and (campaign, room) is unique, so a second issue creates nothing."""
    require_organiser(actor)
    if channel not in Channel.values:
        raise InvalidInput(_("发放方式“%(c)s”无效") % {"c": channel}, field="channel")
    kind, at = CampaignEventKind.ISSUED, clock.resolve(now)
    campaign = _guard(actor, pk, expected=CampaignStatus.APPROVED, kind=kind)
    if timezone.localdate(at) > campaign.period_end:
        raise InvalidInput(_("调查期已过,请修改计划的结束日期"), field="period_end")
    households = list(occupied_households(campaign).order_by("pk").values_list("pk", "project_id"))
    if not households:
        raise InvalidInput(_("调查范围内没有已入住的住户"), field="projects")
    Invitation.objects.bulk_create(
        (
            Invitation(
                campaign=campaign,
                room_id=room_id,
                project_id=project_id,
                token=new_token(),
                channel=channel,
                issued_at=at,
            )
            for room_id, project_id in households
        ),
        batch_size=500,
    )
    if channel == Channel.LINK:
        # The links go out from the worker once the issue commits, not before the period
        # begins (surveys/services/links.py).
        transaction.on_commit(lambda: _send_links_later(campaign, at), robust=True)
    return _move(
        campaign,
        CampaignStatus.ISSUED,
        kind,
        actor,
        at,
        "",
        {"issued_at": at},
        channel=channel,
        invitations=len(households),
    )


def _send_links_later(campaign: Campaign, at: datetime) -> None:
    from ..tasks import send_survey_links
    from .links import first_sending

    start = first_sending(campaign, at)
    task = send_survey_links.using(run_after=start) if start else send_survey_links
    task.enqueue(campaign.pk)


@transaction.atomic
def close(actor: User, pk: int, *, note: str = "", now: datetime | None = None) -> Campaign:
    """End the campaign: links stop taking answers, paper forms are no longer typed in."""
    require_organiser(actor)
    kind, at = CampaignEventKind.CLOSED, clock.resolve(now)
    campaign = _guard(actor, pk, expected=CampaignStatus.ISSUED, kind=kind)
    return _move(campaign, CampaignStatus.CLOSED, kind, actor, at, note, {"closed_at": at})


def available_moves(user: User, campaign: Campaign) -> list[str]:
    """What this user may do with the campaign now, for the page's buttons and the API; the
    moves themselves check again."""
    whole = covered_project_ids(campaign) <= user.project_ids
    moves = {
        CampaignStatus.DRAFT: [("edit", ORGANISERS), ("submit", ORGANISERS)],
        CampaignStatus.APPROVED: [("issue", ORGANISERS)],
        CampaignStatus.ISSUED: [("close", ORGANISERS)],
    }.get(CampaignStatus(campaign.status), [])
    allowed = [name for name, roles in moves if whole and has_role(user, roles)]
    if whole:
        allowed += plan_moves(user, campaign)
    if campaign.status == CampaignStatus.ISSUED and has_role(user, CLERKS):
        allowed.append("enter")
    if campaign.status in (CampaignStatus.ISSUED, CampaignStatus.CLOSED) and has_role(
        user, ORGANISERS
    ):
        allowed.append("open_action")
    return allowed + report_moves(user, campaign, whole=whole)
