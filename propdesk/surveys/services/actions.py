"""Corrective actions opened from a survey's results (SPEC §7 → §8): an owner, the cause, the
measure and a due date; the owner reports it done; a named person other than the owner verifies
the effect, and only then is it closed. A verification that finds no effect reopens it."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from propdesk.org.models import User
from propdesk.org.roles import has_role, require_role

from ..choices import ActionStatus, CampaignEventKind, CampaignStatus
from ..models import Campaign, CorrectiveAction, Item
from .access import (
    APPROVERS,
    ORGANISERS,
    covered_project_ids,
    get_campaign,
    record,
)


def actions_of(user: User, campaign: Campaign) -> QuerySet[CorrectiveAction]:
    """A campaign's corrective actions in the user's projects."""
    return (
        CorrectiveAction.objects.for_user(user)
        .filter(campaign=campaign)
        .select_related("project", "item", "owner", "verified_by")
    )


def get_action(user: User, pk: int, *, lock: bool = False) -> CorrectiveAction:
    rows = CorrectiveAction.objects.select_related("campaign", "project", "item", "owner")
    if lock:
        rows = rows.select_for_update(of=("self",))
    action = rows.filter(pk=pk).first()
    if action is None or not user.in_scope(action.project_id):
        # Another project's action is not shown to exist at all.
        raise NotFound(_("纠正措施 %(id)s 不存在") % {"id": pk})
    return action


def _required(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("请填写此项"), field=field)
    return text


@transaction.atomic
def open_action(
    actor: User,
    campaign_id: int,
    *,
    project_id: int,
    owner_id: int,
    cause: str,
    measure: str,
    due_on: date | None,
    item_id: int | None = None,
    now: datetime | None = None,
) -> CorrectiveAction:
    """Open a corrective action for an unsatisfactory item (or the campaign as a whole) in one
    of the campaign's projects, owned by a member of staff who works in that project."""
    require_role(actor, ORGANISERS, _("只有客服主管、项目经理、品质部及以上可以开立纠正措施"))
    at = clock.resolve(now)
    campaign = get_campaign(actor, campaign_id)
    if campaign.status not in (CampaignStatus.ISSUED, CampaignStatus.CLOSED):
        raise InvalidTransition(_("调查发放后才能根据结果开立纠正措施"))
    if project_id not in covered_project_ids(campaign) or not actor.in_scope(project_id):
        raise InvalidInput(_("请选择本次调查中您负责的项目"), field="project")
    item = None
    if item_id is not None:
        item = Item.objects.filter(pk=item_id, campaign=campaign).first()
        if item is None:
            raise InvalidInput(_("题目不属于本次调查"), field="item")
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None or not owner.in_scope(project_id):
        raise InvalidInput(_("责任人须为该项目在职员工"), field="owner")
    if due_on is None:
        raise InvalidInput(_("请填写完成期限"), field="due_on")
    if due_on < timezone.localdate(at):
        raise InvalidInput(_("完成期限不能早于今天"), field="due_on")
    action = CorrectiveAction.objects.create(
        campaign=campaign,
        item=item,
        project_id=project_id,
        owner=owner,
        cause=_required(cause, "cause"),
        measure=_required(measure, "measure"),
        due_on=due_on,
        opened_by=actor,
        opened_at=at,
    )
    record(
        campaign,
        CampaignEventKind.ACTION_OPENED,
        actor,
        at,
        action.measure,
        action=action.pk,
        item=item.text if item else "",
    )
    return action


@transaction.atomic
def mark_done(actor: User, pk: int, *, note: str, now: datetime | None = None) -> CorrectiveAction:
    """The owner (or an organiser) reports the measure carried out; it now awaits verification."""
    action = get_action(actor, pk, lock=True)
    if actor.pk != action.owner_id and not has_role(actor, ORGANISERS):
        raise PermissionDenied(_("只有责任人或调查组织者可以填报完成情况"))
    if action.status != ActionStatus.OPEN:
        raise InvalidTransition(
            _("纠正措施当前为“%(s)s”,不能填报完成") % {"s": action.get_status_display()}
        )
    at = clock.resolve(now)
    action.status, action.done_at = ActionStatus.DONE, at
    action.done_note = _required(note, "note")
    action.save(update_fields=["status", "done_at", "done_note"])
    record(
        action.campaign,
        CampaignEventKind.ACTION_DONE,
        actor,
        at,
        action.done_note,
        action=action.pk,
    )
    return action


@transaction.atomic
def verify(
    actor: User, pk: int, *, effective: bool, note: str, now: datetime | None = None
) -> CorrectiveAction:
    """A named verifier, not the owner, checks the effect: effective closes the action, not
    effective sends it back to the owner (the note says why)."""
    require_role(actor, APPROVERS, _("只有项目经理、品质部、总部或管理员可以验证纠正措施"))
    action = get_action(actor, pk, lock=True)
    if actor.pk == action.owner_id:
        raise PermissionDenied(_("责任人不能验证自己的纠正措施"))
    if action.status != ActionStatus.DONE:
        raise InvalidTransition(
            _("纠正措施当前为“%(s)s”,不能验证") % {"s": action.get_status_display()}
        )
    at = clock.resolve(now)
    action.verification_note = _required(note, "note")
    action.verified_by, action.verified_at = actor, at
    action.status = ActionStatus.VERIFIED if effective else ActionStatus.OPEN
    action.save(update_fields=["status", "verification_note", "verified_by", "verified_at"])
    kind = CampaignEventKind.ACTION_VERIFIED if effective else CampaignEventKind.ACTION_REJECTED
    record(action.campaign, kind, actor, at, action.verification_note, action=action.pk)
    return action
