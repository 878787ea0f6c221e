"""The analysis report of a closed campaign (SPEC §7, seed 001 篇4 §4.1(5)④): reviewed by the
management representative, then distributed to the general manager, the deputy general
managers, the management representative, the managers in charge (the project managers of the
campaign's projects) and the departments concerned (their active members); each recipient is
told through the outbox and acknowledges receipt, and the time is recorded.

The review is the management representative's (an administrator stands in only while nobody
holds the title, as for the plan: :mod:`.approval`); distributing is for the organisers who may
change the whole campaign, or the management representative. Twice is 409 each time; nothing
is ever deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from propdesk.org import officers
from propdesk.org.choices import OfficerTitle, Role
from propdesk.org.models import Department, User
from propdesk.org.roles import has_role

from ..choices import CampaignEventKind, CampaignStatus, RecipientReason
from ..models import Campaign, ReportDistribution, ReportReceipt
from .access import ORGANISERS, covered_project_ids, get_campaign, record, require_whole_scope
from .approval import Step, may_act, require_officer
from .campaigns import clean_text
from .results import compute


def report_of(campaign: Campaign) -> ReportDistribution | None:
    return ReportDistribution.objects.filter(campaign=campaign).first()


def review_step(campaign: Campaign) -> Step:
    title = OfficerTitle.MANAGEMENT_REPRESENTATIVE
    return Step("report_review", title, officers.officer(campaign.company_id, title))


def _closed(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.CLOSED:
        raise InvalidTransition(
            _("调查当前为“%(s)s”,结束调查后才能审核和分发分析报告")
            % {"s": campaign.get_status_display()}
        )


@transaction.atomic
def review_report(
    actor: User, pk: int, *, note: str = "", now: datetime | None = None
) -> ReportDistribution:
    """The management representative reviews the analysis report of a closed campaign."""
    campaign = get_campaign(actor, pk, lock=True)
    require_whole_scope(actor, campaign)
    _closed(campaign)
    if report_of(campaign) is not None:
        raise InvalidTransition(_("分析报告已审核,不能重复审核"))
    step = review_step(campaign)
    standing_in = require_officer(actor, step)
    at = clock.resolve(now)
    note = clean_text(note, "note")
    report = ReportDistribution.objects.create(
        campaign=campaign, reviewed_by=actor, reviewed_at=at, review_note=note
    )
    extra: dict[str, object] = {"stand_in": True} if standing_in else {}
    record(campaign, CampaignEventKind.REPORT_REVIEWED, actor, at, note, **extra)
    return report


def may_distribute(user: User, campaign: Campaign) -> bool:
    return has_role(user, ORGANISERS) or may_act(user, review_step(campaign))


def _departments(campaign: Campaign, codes: Iterable[str]) -> list[Department]:
    """The departments concerned, by code: active, of the campaign's company, and serving at
    least one of its projects."""
    codes = list(dict.fromkeys(str(c).strip() for c in codes if str(c).strip()))
    found = {
        d.code: d
        for d in Department.objects.filter(
            company_id=campaign.company_id, code__in=codes, is_active=True
        ).select_related("project", "region")
    }
    projects = list(campaign.company.projects.filter(pk__in=covered_project_ids(campaign)))
    chosen = []
    for code in codes:
        department = found.get(code)
        if department is None:
            raise InvalidInput(_("部门编码“%(c)s”不存在") % {"c": code}, field="departments")
        if not any(department.serves_project(p) for p in projects):
            raise InvalidInput(
                _("部门“%(c)s”不负责本次调查的项目") % {"c": code}, field="departments"
            )
        chosen.append(department)
    return chosen


def recipients(campaign: Campaign, departments: list[Department]) -> dict[User, list[str]]:
    """Who receives the report and why, in the seed's order, each person once."""
    company_id = campaign.company_id
    found: dict[User, list[str]] = {}

    def add(users: Iterable[User | None], reason: str) -> None:
        for user in users:
            if user is not None and user.is_active:
                found.setdefault(user, [])
                if reason not in found[user]:
                    found[user].append(reason)

    add(officers.holders(company_id, OfficerTitle.GENERAL_MANAGER), RecipientReason.GENERAL_MANAGER)
    add(
        officers.holders(company_id, OfficerTitle.DEPUTY_GENERAL_MANAGER),
        RecipientReason.DEPUTY_GENERAL_MANAGER,
    )
    add(
        officers.holders(company_id, OfficerTitle.MANAGEMENT_REPRESENTATIVE),
        RecipientReason.MANAGEMENT_REPRESENTATIVE,
    )
    covered = covered_project_ids(campaign)
    managers = User.objects.filter(
        company_id=company_id, role=Role.PROJECT_MANAGER, is_active=True
    ).order_by("pk")
    add((m for m in managers if m.project_ids & covered), RecipientReason.MANAGER_IN_CHARGE)
    members = User.objects.filter(department__in=departments, is_active=True).order_by("pk")
    add(members, RecipientReason.DEPARTMENT)
    return found


def _percent(value: object) -> str:
    return "—" if value is None else f"{value}%"


@transaction.atomic
def distribute(
    actor: User,
    pk: int,
    *,
    department_codes: Iterable[str] = (),
    now: datetime | None = None,
) -> ReportDistribution:
    """Send the reviewed report to its recipients: one receipt each, and one notice each
    through the outbox, in this transaction."""
    campaign = get_campaign(actor, pk, lock=True)
    require_whole_scope(actor, campaign)
    _closed(campaign)
    report = report_of(campaign)
    if report is None:
        raise InvalidTransition(_("分析报告须先经管理者代表审核,才能分发"))
    if report.distributed_at is not None:
        raise InvalidTransition(_("分析报告已分发,不能重复分发"))
    if not may_distribute(actor, campaign):
        raise PermissionDenied(_("只有调查的组织者或管理者代表可以分发分析报告"))
    departments = _departments(campaign, department_codes)
    people = recipients(campaign, departments)
    if not people:
        raise InvalidInput(
            _("没有接收人:请先在后台指定公司负责人,或选择相关部门"), field="departments"
        )
    at = clock.resolve(now)
    report.distributed_by, report.distributed_at = actor, at
    report.save(update_fields=["distributed_by", "distributed_at"])
    report.departments.set(departments)
    ReportReceipt.objects.bulk_create(
        ReportReceipt(distribution=report, recipient=user, reasons=reasons, sent_at=at)
        for user, reasons in people.items()
    )
    record(
        campaign,
        CampaignEventKind.REPORT_DISTRIBUTED,
        actor,
        at,
        "",
        recipients=len(people),
        departments=[d.code for d in departments],
    )
    _tell(campaign, report, list(people), at)
    return report


def _tell(campaign: Campaign, report: ReportDistribution, people: list[User], at: datetime) -> None:
    from propdesk.notify.choices import Event
    from propdesk.notify.services import Outgoing, queue_many

    figures = compute(campaign, covered_project_ids(campaign))
    queue_many(
        [
            Outgoing(
                Event.SURVEY_REPORT_DISTRIBUTED,
                people,
                key=f"survey_report:{campaign.pk}",
                context={
                    "company": campaign.company.name,
                    "campaign": campaign.name,
                    "reviewer": str(report.reviewed_by),
                    "distributor": str(report.distributed_by),
                    "distributed_at": at,
                    "return_rate": _percent(figures.return_rate.percent),
                    "responses": figures.responses,
                    "invitations": figures.invitations,
                    "satisfaction": _percent(figures.overall.satisfaction.percent),
                },
                url=f"/surveys/{campaign.pk}/#report",
                look_up=False,
            )
        ],
        now=at,
    )


@transaction.atomic
def acknowledge(actor: User, pk: int, *, now: datetime | None = None) -> ReportReceipt:
    """The recipient confirms receiving the report (确认收到), once, on the campaign they see
    (SPEC §1: the officers are expected to reach the whole company)."""
    campaign = get_campaign(actor, pk)
    receipt = (
        ReportReceipt.objects.select_for_update(of=("self",))
        .filter(distribution__campaign=campaign, recipient=actor)
        .first()
    )
    if receipt is None:
        raise PermissionDenied(_("您不在该分析报告的分发名单中"))
    if receipt.received_at is not None:
        raise InvalidTransition(_("您已确认收到该分析报告"))
    at = clock.resolve(now)
    receipt.received_at = at
    receipt.save(update_fields=["received_at"])
    record(campaign, CampaignEventKind.REPORT_RECEIVED, actor, at)
    return receipt


def receipts_of(campaign: Campaign) -> list[ReportReceipt]:
    return list(
        ReportReceipt.objects.filter(distribution__campaign=campaign)
        .select_related("recipient", "recipient__department")
        .order_by("pk")
    )


def pending_receipt(user: User, campaign: Campaign) -> ReportReceipt | None:
    return ReportReceipt.objects.filter(
        distribution__campaign=campaign, recipient=user, received_at__isnull=True
    ).first()


def report_moves(user: User, campaign: Campaign, *, whole: bool) -> list[str]:
    """The report's moves ``user`` may make now."""
    if campaign.status != CampaignStatus.CLOSED:
        return []
    report = report_of(campaign)
    moves = []
    if report is None:
        if whole and may_act(user, review_step(campaign)):
            moves.append("report_review")
    elif report.distributed_at is None:
        if whole and may_distribute(user, campaign):
            moves.append("distribute")
    elif pending_receipt(user, campaign) is not None:
        moves.append("acknowledge")
    return moves
