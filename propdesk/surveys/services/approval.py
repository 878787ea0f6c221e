"""The approval of a campaign's plan (SPEC §7, seed 001 篇4 §4.1(2)②), by named people, not by
role:

- a plan written by 品质部 (``unit`` quality) is *reviewed* by the management representative
  (管理者代表: submitted → reviewed) and *approved* by the general manager (总经理: reviewed →
  approved);
- a department's plan is approved by the management representative (submitted → approved) and
  thereby filed with 品质部 (an event, and ``filed_at``, which 品质部 sees in its list).

Each step may instead send the plan back to draft with a reason. Nothing is issued before the
final approval (moves.issue needs ``approved``).

Who acts is the company's designated officer (org.officers, set in the admin). An
administrator may stand in only while nobody holds the title, and the event says so; anyone
else is refused (403) with a message naming the person who must act. The move is checked in
this order: the campaign is seen (404) and wholly in the actor's scope (403), it is at the
step the move is for (409: approving twice, approving before the review), then the actor is
the step's officer (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from propdesk.core import clock
from propdesk.core.errors import InvalidTransition, PermissionDenied
from propdesk.org import officers
from propdesk.org.choices import OfficerTitle, Role
from propdesk.org.models import User
from propdesk.org.roles import role_of

from ..choices import CampaignEventKind, CampaignStatus, OrganiserUnit
from ..models import Campaign
from .access import get_campaign, record, require_whole_scope
from .campaigns import clean_text


@dataclass(frozen=True)
class Step:
    """What a campaign waits for: a move (review, approve, report_review) by the holder of a
    title; ``person`` is None when nobody holds it (an administrator may stand in)."""

    move: str
    title: str
    person: User | None

    @property
    def title_label(self) -> str:
        return str(OfficerTitle(self.title).label)

    @property
    def move_label(self) -> str:
        return move_label(self.move)


def move_label(move: str) -> str:
    """An approval move as a verb in a sentence ("只有总经理 X 可以批准")."""
    return {
        "review": pgettext("verb", "审核"),
        "approve": pgettext("verb", "批准"),
        "return": pgettext("verb", "退回修改"),
        "report_review": pgettext("verb", "审核分析报告"),
    }[move]


def plan_step(campaign: Campaign) -> Step | None:
    """The approval step the plan waits for, or None when it waits for no officer."""
    if campaign.status == CampaignStatus.SUBMITTED:
        move = "review" if campaign.unit == OrganiserUnit.QUALITY else "approve"
        title = OfficerTitle.MANAGEMENT_REPRESENTATIVE
    elif campaign.status == CampaignStatus.REVIEWED:
        move, title = "approve", OfficerTitle.GENERAL_MANAGER
    else:
        return None
    return Step(move, title, officers.officer(campaign.company_id, title))


def may_act(user: User, step: Step) -> bool:
    """Whether ``user`` may take ``step``: its officer, or an administrator when there is none."""
    if not user.is_active:
        return False
    if step.person is None:
        return role_of(user) == Role.ADMIN
    return step.person.pk == user.pk


def require_officer(user: User, step: Step) -> bool:
    """Refuse (403) anyone but the step's officer; returns True when an administrator stands
    in for a title nobody holds."""
    if may_act(user, step):
        return step.person is None
    names = {"title": step.title_label, "move": step.move_label}
    if step.person is None:
        raise PermissionDenied(
            _(
                "公司尚未指定%(title)s:请系统管理员在后台“公司负责人”中指定;"
                "指定之前只有系统管理员可以代为%(move)s"
            )
            % names
        )
    raise PermissionDenied(
        _("只有%(title)s %(person)s 可以%(move)s") % {**names, "person": step.person}
    )


def _at_step(actor: User, pk: int, move: str) -> tuple[Campaign, Step, bool]:
    """The campaign, locked, wholly in the actor's scope, at a step that ``move`` takes, and
    the actor its officer (see the module's order of checks)."""
    campaign = get_campaign(actor, pk, lock=True)
    require_whole_scope(actor, campaign)
    step = plan_step(campaign)
    if step is None or (move != "return" and step.move != move):
        if move == "approve" and step is not None and step.move == "review":
            message = _("品质部编制的计划须先经管理者代表审核,再由总经理批准")
        elif move == "review" and campaign.status == CampaignStatus.SUBMITTED:
            message = _("部门编制的计划由管理者代表直接批准,不需要审核")
        else:
            message = _("调查当前为“%(s)s”,不能%(move)s") % {
                "s": campaign.get_status_display(),
                "move": move_label(move),
            }
        raise InvalidTransition(message)
    return campaign, step, require_officer(actor, step)


def _stand_in(standing_in: bool) -> dict[str, object]:
    return {"stand_in": True} if standing_in else {}


@transaction.atomic
def review(actor: User, pk: int, *, note: str = "", now: datetime | None = None) -> Campaign:
    """The management representative reviews a 品质部 plan; it goes to the general manager."""
    campaign, step, standing_in = _at_step(actor, pk, "review")
    at = clock.resolve(now)
    campaign.status = CampaignStatus.REVIEWED
    campaign.reviewed_by, campaign.reviewed_at = actor, at
    campaign.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record(
        campaign,
        CampaignEventKind.REVIEWED,
        actor,
        at,
        clean_text(note, "note"),
        title=step.title,
        **_stand_in(standing_in),
    )
    return campaign


@transaction.atomic
def approve(actor: User, pk: int, *, note: str = "", now: datetime | None = None) -> Campaign:
    """The final approval: the general manager's for a reviewed 品质部 plan, the management
    representative's for a department's plan, which is filed with 品质部 at once. Only an
    approved plan may be issued."""
    campaign, step, standing_in = _at_step(actor, pk, "approve")
    at = clock.resolve(now)
    department_plan = campaign.unit == OrganiserUnit.DEPARTMENT
    campaign.status = CampaignStatus.APPROVED
    campaign.approved_by, campaign.approved_at = actor, at
    fields = ["status", "approved_by", "approved_at"]
    if department_plan:
        campaign.filed_at = at
        fields.append("filed_at")
    campaign.save(update_fields=fields)
    extra = _stand_in(standing_in)
    record(
        campaign,
        CampaignEventKind.APPROVED,
        actor,
        at,
        clean_text(note, "note"),
        title=step.title,
        **extra,
    )
    if department_plan:
        department = campaign.organiser_department
        record(
            campaign,
            CampaignEventKind.FILED,
            actor,
            at,
            "",
            department=str(department) if department else "",
        )
    return campaign


@transaction.atomic
def return_to_draft(actor: User, pk: int, *, reason: str, now: datetime | None = None) -> Campaign:
    """Whoever's step it is sends the plan back for changes, saying why; a review already
    given is cleared (the events keep it), so the changed plan is reviewed again."""
    reason = clean_text(reason, "reason", required=True)
    campaign, step, standing_in = _at_step(actor, pk, "return")
    at = clock.resolve(now)
    campaign.status = CampaignStatus.DRAFT
    campaign.reviewed_by, campaign.reviewed_at = None, None
    campaign.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record(
        campaign,
        CampaignEventKind.RETURNED,
        actor,
        at,
        reason,
        title=step.title,
        step=step.move,
        **_stand_in(standing_in),
    )
    return campaign


def plan_moves(user: User, campaign: Campaign) -> list[str]:
    """The approval moves ``user`` may make now (for the page's buttons and the API)."""
    step = plan_step(campaign)
    if step is None or not may_act(user, step):
        return []
    return [step.move, "return"]
