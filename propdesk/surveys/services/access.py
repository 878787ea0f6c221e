"""Who may do what with a survey, and which campaigns and projects a user reaches.

A member of staff *sees* a campaign that touches one of their projects, and its results only
for those projects; they *change* it only when every project it covers is in their scope, so
nobody edits or issues a questionnaire to households they could not otherwise see (SPEC §1).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from propdesk.core.errors import NotFound, OutOfScope
from propdesk.org.choices import Role
from propdesk.org.models import Project, User

from ..models import Campaign, CampaignEvent

#: Plan, run and close campaigns (quality runs the company's surveys,
#: departments and projects may run their own: SPEC §7).
ORGANISERS = frozenset(
    {Role.SUPERVISOR, Role.PROJECT_MANAGER, Role.QUALITY, Role.REGION, Role.HQ, Role.ADMIN}
)
#: Verify the effect of a corrective action (propdesk.improvement reads it; a plan is approved
#: by named officers: approval.py).
APPROVERS = frozenset({Role.PROJECT_MANAGER, Role.QUALITY, Role.HQ, Role.ADMIN})
#: Type in a paper questionnaire or an answer given to staff by phone or visit.
CLERKS = ORGANISERS | {Role.AGENT}


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    return Campaign.objects.for_user(user)


def covered_project_ids(campaign: Campaign) -> frozenset[int]:
    """The projects a campaign covers: its list, or every active project of its company."""
    chosen = frozenset(campaign.projects.values_list("pk", flat=True))
    if chosen:
        return chosen
    return frozenset(
        Project.objects.filter(company_id=campaign.company_id, is_active=True).values_list(
            "pk", flat=True
        )
    )


def scope_of(user: User, campaign: Campaign) -> frozenset[int]:
    """The campaign's projects this user may see figures for."""
    return covered_project_ids(campaign) & user.project_ids


def get_campaign(user: User, pk: int, *, lock: bool = False) -> Campaign:
    """A campaign the user sees, or NotFound / OutOfScope."""
    rows = Campaign.objects.select_related(
        "company", "created_by", "approved_by", "reviewed_by", "organiser_department"
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    campaign = rows.filter(pk=pk).first()
    if campaign is None:
        raise NotFound(_("满意度调查 %(id)s 不存在") % {"id": pk})
    if not scope_of(user, campaign):
        raise OutOfScope(_("该调查不在您的数据范围内"))
    return campaign


def require_whole_scope(user: User, campaign: Campaign) -> None:
    """Changing a campaign needs every one of its projects in the user's scope."""
    if not covered_project_ids(campaign) <= user.project_ids:
        raise OutOfScope(_("该调查包含您数据范围以外的项目,不能修改"))


def record(
    campaign: Campaign,
    kind: str,
    actor: User | None,
    at: datetime,
    note: str = "",
    **data: object,
) -> CampaignEvent:
    return CampaignEvent.objects.create(
        campaign=campaign, kind=kind, actor=actor, at=at, note=note, data=data
    )
