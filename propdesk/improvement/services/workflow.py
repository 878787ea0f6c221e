"""Opening an action, reporting it done and verifying its effect (SPEC §8).

An action is opened from a request, a hot issue, a survey item (or a survey as a whole), a
line of a monthly report, or from nothing in the system (``other``), in one project of the
opener's scope, with an owner who works there. The owner (or an opener) reports the measure
carried out; a verifier — the person named when it was opened, else a project manager, quality
or HQ — who is never the owner checks the effect: effective closes it, not effective sends it
back to the owner, with a new due date when one is given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from propdesk.hotissues.services import get_hot_issue
from propdesk.org.choices import Role
from propdesk.org.models import Project, User
from propdesk.org.roles import has_role, require_role, role_of
from propdesk.surveys.choices import CampaignEventKind, CampaignStatus
from propdesk.surveys.models import Campaign, Item
from propdesk.surveys.services import covered_project_ids, get_campaign
from propdesk.surveys.services.access import record as record_on_campaign
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import get_ticket

from ..choices import ActionEventKind, ActionKind, ActionSource, ActionStatus
from ..models import CorrectiveAction
from .access import OPENERS, VERIFIERS, get_action, record
from .timing import due_moments

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Source:
    """What an action is opened from: ``source`` and the one reference it needs."""

    source: str = ActionSource.OTHER
    ticket: str | None = None  # a request's number
    hot_issue_id: int | None = None
    campaign_id: int | None = None
    item_id: int | None = None
    report_id: int | None = None
    report_month: str = ""
    report_scope: str = ""
    report_line: str = ""


def _required(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("请填写此项"), field=field)
    return text


def _project_in_scope(actor: User, project_id: int | None) -> Project:
    if project_id is None:
        raise InvalidInput(_("请选择项目"), field="project")
    project = Project.objects.filter(pk=project_id).first()
    if project is None or not actor.in_scope(project.pk):
        raise InvalidInput(_("请选择您负责的项目"), field="project")
    return project


def _same_project(project: Project, project_id: int | None) -> None:
    if project_id is not None and project_id != project.pk:
        raise InvalidInput(_("项目须与来源的项目一致"), field="project")


def _placed(actor: User, src: Source, project_id: int | None) -> tuple[Project, dict]:
    """The action's project and its reference columns, checked against the actor's scope."""
    kind = src.source
    if kind == ActionSource.TICKET:
        ticket: Ticket = get_ticket(actor, _required(src.ticket, "ticket"))
        _same_project(ticket.project, project_id)
        return ticket.project, {"ticket": ticket}
    if kind == ActionSource.HOT_ISSUE:
        if src.hot_issue_id is None:
            raise InvalidInput(_("请填写此项"), field="hot_issue")
        issue = get_hot_issue(actor, src.hot_issue_id)
        _same_project(issue.project, project_id)
        return issue.project, {"hot_issue": issue}
    if kind == ActionSource.SURVEY_ITEM:
        if src.campaign_id is None:
            raise InvalidInput(_("请填写此项"), field="campaign")
        campaign: Campaign = get_campaign(actor, src.campaign_id)
        if campaign.status not in (CampaignStatus.ISSUED, CampaignStatus.CLOSED):
            raise InvalidTransition(_("调查发放后才能根据结果开立纠正措施"))
        project = _project_in_scope(actor, project_id)
        if project.pk not in covered_project_ids(campaign):
            raise InvalidInput(_("请选择本次调查中您负责的项目"), field="project")
        item = None
        if src.item_id is not None:
            item = Item.objects.filter(pk=src.item_id, campaign=campaign).first()
            if item is None:
                raise InvalidInput(_("题目不属于本次调查"), field="item")
        return project, {"campaign": campaign, "item": item}
    if kind == ActionSource.REPORT_LINE:
        project = _project_in_scope(actor, project_id)
        if not _MONTH.match(src.report_month or ""):
            raise InvalidInput(_("应为月份,如 2026-09"), field="report_month")
        return project, {
            "report_id": src.report_id,
            "report_month": src.report_month,
            "report_scope": (src.report_scope or "").strip()[:100],
            "report_line": _required(src.report_line, "report_line"),
        }
    if kind == ActionSource.OTHER:
        return _project_in_scope(actor, project_id), {}
    allowed = ", ".join(ActionSource.values)
    raise InvalidInput(_("来源应为 %(v)s 之一") % {"v": allowed}, field="source")


def _owner(owner_id: int | None, project: Project) -> User:
    owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
    if owner is None or not owner.in_scope(project.pk):
        raise InvalidInput(_("责任人须为该项目在职员工"), field="owner")
    return owner


def _verifier(verifier_id: int | None, owner: User, project: Project) -> User | None:
    if verifier_id is None:
        return None
    verifier = User.objects.filter(pk=verifier_id, is_active=True).first()
    if verifier is None or not has_role(verifier, VERIFIERS) or not verifier.in_scope(project.pk):
        raise InvalidInput(_("验证人须为该项目的项目经理、品质部或总部人员"), field="verifier")
    if verifier.pk == owner.pk:
        raise InvalidInput(_("验证人不能是责任人"), field="verifier")
    return verifier


def _due(due_on: date | None, at: datetime, field: str = "due_on") -> date:
    if due_on is None:
        raise InvalidInput(_("请填写完成期限"), field=field)
    if due_on < timezone.localdate(at):
        raise InvalidInput(_("完成期限不能早于今天"), field=field)
    return due_on


@transaction.atomic
def open_action(
    actor: User,
    source: Source,
    *,
    owner_id: int | None,
    cause: str,
    measure: str,
    due_on: date | None,
    project_id: int | None = None,
    kind: str = ActionKind.CORRECTIVE,
    verifier_id: int | None = None,
    now: datetime | None = None,
) -> CorrectiveAction:
    """Open an action; every refusal names its field."""
    require_role(actor, OPENERS, _("只有客服主管、项目经理、品质部及以上可以开立纠正预防措施"))
    at = clock.resolve(now)
    if kind not in ActionKind.values:
        raise InvalidInput(_("类型应为 corrective 或 preventive"), field="kind")
    project, refs = _placed(actor, source, project_id)
    owner = _owner(owner_id, project)
    verifier = _verifier(verifier_id, owner, project)
    cause, measure = _required(cause, "cause"), _required(measure, "measure")
    due_on = _due(due_on, at)
    due_at, warn_at = due_moments(due_on)
    action = CorrectiveAction.objects.create(
        company_id=project.company_id,
        project=project,
        kind=kind,
        source=source.source,
        owner=owner,
        verifier=verifier,
        cause=cause,
        measure=measure,
        due_on=due_on,
        due_at=due_at,
        warn_at=warn_at,
        opened_by=actor,
        opened_at=at,
        **refs,
    )
    record(action, ActionEventKind.OPENED, actor, at, action.measure, due_on=due_on.isoformat())
    if action.campaign is not None:
        record_on_campaign(
            action.campaign,
            CampaignEventKind.ACTION_OPENED,
            actor,
            at,
            action.measure,
            action=action.pk,
            item=action.item.text if action.item else "",
        )
    return action


def may_report_done(user: User, action: CorrectiveAction) -> bool:
    return action.status == ActionStatus.OPEN and (
        user.pk == action.owner_id or has_role(user, OPENERS)
    )


def may_verify(user: User, action: CorrectiveAction) -> bool:
    return (
        action.status == ActionStatus.DONE
        and has_role(user, VERIFIERS)
        and user.pk != action.owner_id
        and (action.verifier_id in (None, user.pk) or role_of(user) == Role.ADMIN)
    )


@transaction.atomic
def mark_done(actor: User, pk: int, *, note: str, now: datetime | None = None) -> CorrectiveAction:
    """The owner (or an opener) reports the measure carried out; it now awaits verification."""
    action = get_action(actor, pk, lock=True)
    if actor.pk != action.owner_id and not has_role(actor, OPENERS):
        raise PermissionDenied(_("只有责任人或主管及以上可以填报完成情况"))
    if action.status != ActionStatus.OPEN:
        raise InvalidTransition(
            _("措施当前为“%(s)s”,不能填报完成") % {"s": action.get_status_display()}
        )
    at = clock.resolve(now)
    action.done_note = _required(note, "note")
    action.status, action.done_at = ActionStatus.DONE, at
    action.save(update_fields=["status", "done_at", "done_note"])
    record(action, ActionEventKind.DONE, actor, at, action.done_note)
    if action.campaign is not None:
        record_on_campaign(
            action.campaign, CampaignEventKind.ACTION_DONE, actor, at, action.done_note,
            action=action.pk,
        )  # fmt: skip
    return action


@transaction.atomic
def verify(
    actor: User,
    pk: int,
    *,
    effective: bool | None,
    note: str,
    due_on: date | None = None,
    now: datetime | None = None,
) -> CorrectiveAction:
    """A verifier, never the owner (and the named one when one was named), checks the effect:
    effective closes the action; not effective sends it back to the owner, due on ``due_on``
    when given (its clock then starts again), else on its old date."""
    require_role(actor, VERIFIERS, _("只有项目经理、品质部、总部或管理员可以验证措施效果"))
    action = get_action(actor, pk, lock=True)
    if actor.pk == action.owner_id:
        raise PermissionDenied(_("责任人不能验证自己的措施"))
    if action.verifier_id not in (None, actor.pk) and role_of(actor) != Role.ADMIN:
        named = action.verifier.get_full_name() if action.verifier else ""
        raise PermissionDenied(_("本措施指定由 %(who)s 验证") % {"who": named or action.verifier})
    if action.status != ActionStatus.DONE:
        raise InvalidTransition(
            _("措施当前为“%(s)s”,不能验证") % {"s": action.get_status_display()}
        )
    if effective is None:
        raise InvalidInput(_("请选择验证结论:有效或无效"), field="effective")
    at = clock.resolve(now)
    action.verification_note = _required(note, "note")
    action.verified_by, action.verified_at = actor, at
    fields = ["status", "verification_note", "verified_by", "verified_at"]
    data: dict[str, object] = {}
    if effective:
        action.status = ActionStatus.VERIFIED
    else:
        action.status = ActionStatus.OPEN
        if due_on is not None:
            action.due_on = _due(due_on, at)
            action.due_at, action.warn_at = due_moments(action.due_on)
            action.warned_at = action.breached_at = action.escalated_at = None
            action.escalation_level = 0
            fields += ["due_on", "due_at", "warn_at", "warned_at", "breached_at"]
            fields += ["escalated_at", "escalation_level"]
            data["due_on"] = action.due_on.isoformat()
    action.save(update_fields=fields)
    kind = ActionEventKind.VERIFIED if effective else ActionEventKind.REJECTED
    record(action, kind, actor, at, action.verification_note, **data)
    if action.campaign is not None:
        survey_kind = (
            CampaignEventKind.ACTION_VERIFIED if effective else CampaignEventKind.ACTION_REJECTED
        )
        record_on_campaign(
            action.campaign, survey_kind, actor, at, action.verification_note, action=action.pk
        )
    return action
