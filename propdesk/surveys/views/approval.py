"""The approval chain and the analysis report on a campaign's page (SPEC §7, seed 001 篇4): who
reviewed and approved the plan, when, with what note, and what waits for whom; the report's
review, its distribution (choosing the departments concerned) and every recipient's receipt,
with the "确认收到" button for a recipient. The moves themselves are
:mod:`propdesk.surveys.services.approval` and :mod:`~propdesk.surveys.services.report`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.errors import DomainError, NotFound, PermissionDenied
from propdesk.core.web import console_view
from propdesk.org.models import Department, User
from propdesk.org.services import departments_serving

from .. import services
from ..choices import CampaignEventKind, CampaignStatus, OrganiserUnit, RecipientReason
from ..models import Campaign, CampaignEvent


@dataclass
class Link:
    """One step of the approval chain: done (who, when, note), waiting (for whom), or later."""

    label: str
    state: str  # done, waiting, later
    who: User | None = None
    at: datetime | None = None
    note: str = ""
    waiting_for: str = ""


def _last(events: list[CampaignEvent], kind: str) -> CampaignEvent | None:
    found = [e for e in events if e.kind == kind]
    return found[-1] if found else None


def _waiting(step: services.Step) -> str:
    if step.person is None:
        return _("公司尚未指定%(title)s,由系统管理员代为%(move)s") % {
            "title": step.title_label,
            "move": step.move_label,
        }
    return _("等待%(title)s %(person)s %(move)s") % {
        "title": step.title_label,
        "person": step.person,
        "move": step.move_label,
    }


def chain(campaign: Campaign, events: list[CampaignEvent]) -> list[Link]:
    """The plan's approval steps for its unit, each done, waiting or still to come."""
    status = CampaignStatus(campaign.status)
    step = services.plan_step(campaign)
    submitted = _last(events, CampaignEventKind.SUBMITTED)
    past_draft = status != CampaignStatus.DRAFT
    links = [
        Link(
            _("提交审批"),
            "done" if past_draft and submitted else "later",
            submitted.actor if submitted and past_draft else None,
            submitted.at if submitted and past_draft else None,
            submitted.note if submitted and past_draft else "",
        )
    ]
    approved_done = campaign.approved_at is not None
    if campaign.unit == OrganiserUnit.QUALITY:
        reviewed = _last(events, CampaignEventKind.REVIEWED)
        if campaign.reviewed_at or (approved_done and reviewed):
            links.append(
                Link(_("管理者代表审核"), "done", campaign.reviewed_by or reviewed.actor,
                     campaign.reviewed_at or reviewed.at, reviewed.note if reviewed else "")
            )  # fmt: skip
        else:
            links.append(_pending(_("管理者代表审核"), step, "review"))
        approve_label = _("总经理批准")
    else:
        approve_label = _("管理者代表批准")
    if approved_done:
        approved = _last(events, CampaignEventKind.APPROVED)
        links.append(
            Link(approve_label, "done", campaign.approved_by, campaign.approved_at,
                 approved.note if approved else "")
        )  # fmt: skip
    else:
        links.append(_pending(approve_label, step, "approve"))
    if campaign.unit == OrganiserUnit.DEPARTMENT:
        filed = Link(_("报品质部备案"), "done" if campaign.filed_at else "later")
        filed.at = campaign.filed_at
        if campaign.organiser_department:
            filed.note = str(campaign.organiser_department)
        links.append(filed)
    return links


def _pending(label: str, step: services.Step | None, move: str) -> Link:
    if step is not None and step.move == move:
        return Link(label, "waiting", waiting_for=_waiting(step))
    return Link(label, "later")


def report_context(user: User, campaign: Campaign, moves: list[str]) -> dict:
    """The report card of a closed campaign."""
    if campaign.status != CampaignStatus.CLOSED:
        return {}
    report = services.report_of(campaign)
    receipts = services.receipts_of(campaign)
    context: dict = {
        "report": report,
        "receipts": [(r, [RecipientReason(v).label for v in r.reasons]) for r in receipts],
        "received": sum(1 for r in receipts if r.received_at),
        "report_moves": [m for m in moves if m in ("report_review", "distribute", "acknowledge")],
        "report_waiting": "",
    }
    if report is None:
        context["report_waiting"] = _waiting(services.review_step(campaign))
    if report is not None and "distribute" in moves:
        projects = list(
            campaign.company.projects.filter(pk__in=services.covered_project_ids(campaign))
        )
        serving: dict[int, Department] = {}
        for project in projects:
            for department in departments_serving(project):
                serving.setdefault(department.pk, department)
        context["departments"] = sorted(serving.values(), key=lambda d: d.code)
    if report is not None:
        context["report_departments"] = list(report.departments.all())
    return context


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("surveys:campaign", kwargs={"pk": pk}) + "#report")


def _refused(request: HttpRequest, refused: DomainError) -> None:
    if isinstance(refused, PermissionDenied | NotFound):
        raise refused
    messages.error(request, refused.message)


@require_POST
@console_view
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.review_report(request.user, pk, note=request.POST.get("note", ""))
    except DomainError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("已审核分析报告"))
    return _back(pk)


@require_POST
@console_view
def distribute(request: HttpRequest, pk: int) -> HttpResponse:
    codes = request.POST.getlist("departments")
    try:
        report = services.distribute(request.user, pk, department_codes=codes)
    except DomainError as refused:
        _refused(request, refused)
    else:
        count = report.receipts.count()
        messages.success(request, _("已分发分析报告给 %(n)s 位接收人") % {"n": count})
    return _back(pk)


@require_POST
@console_view
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.acknowledge(request.user, pk)
    except DomainError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("已确认收到分析报告"))
    return _back(pk)
