"""The console's survey pages (SPEC §7): the list of campaigns, a new campaign's plan, and one
campaign's page with its plan, questionnaire, moves, results with charts, comparison with the
previous campaign, Pareto of dissatisfaction and what other apps add under the results (the
corrective actions, whose forms post to :mod:`propdesk.improvement`).

Every change goes through :mod:`propdesk.surveys.services`, which checks role and scope; the
pages only hide the buttons a user could not use."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from propdesk.core.errors import DomainError, NotFound, PermissionDenied
from propdesk.core.web import console_view, page_of
from propdesk.org.roles import has_role

from .. import services
from ..choices import CampaignStatus, ServiceArea
from ..forms import IssueForm, ItemForm, PlanForm, show_refusal
from ..models import Campaign
from .approval import chain, report_context
from .results import results_context

#: The moves of a campaign: their button label and whether they ask for a note or a reason.
MOVES = {
    "submit": (gettext_lazy("提交审批"), "note"),
    "review": (gettext_lazy("审核通过"), "note"),
    "approve": (gettext_lazy("批准"), "note"),
    "return": (gettext_lazy("退回修改"), "reason"),
    "issue": (gettext_lazy("发放问卷"), "channel"),
    "close": (gettext_lazy("结束调查"), "note"),
}
STATUS_COLOURS = {
    CampaignStatus.DRAFT: "secondary",
    CampaignStatus.SUBMITTED: "warning",
    CampaignStatus.REVIEWED: "warning",
    CampaignStatus.APPROVED: "info",
    CampaignStatus.ISSUED: "primary",
    CampaignStatus.CLOSED: "success",
}


@console_view
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    # "待我处理": what waits for the user (services/waiting.py); "已备案": department plans
    # filed with 品质部 (seed 001 篇4), what 品质部 keeps an eye on.
    show = request.GET.get("show", "")
    rows = services.waiting_for(user) if show == "waiting" else services.visible_campaigns(user)
    if show == "filed":
        rows = rows.filter(filed_at__isnull=False)
    rows = rows.select_related("organiser_department").prefetch_related("projects")
    status = request.GET.get("status", "")
    if status in CampaignStatus.values:
        rows = rows.filter(status=status)
    context = {
        "page": page_of(request, rows.order_by("-period_start", "-pk")),
        "statuses": CampaignStatus.choices,
        "status": status,
        "show": show,
        "waiting_count": services.waiting_for(user).count(),
        "colours": STATUS_COLOURS,
        "may_create": has_role(request.user, services.ORGANISERS),
    }
    return render(request, "surveys/campaigns.html", context)


@console_view
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, services.ORGANISERS):
        raise PermissionDenied(_("只有客服主管、项目经理、品质部及以上可以组织满意度调查"))
    form = PlanForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(request.user, **form.plan())
        except DomainError as refused:
            if isinstance(refused, PermissionDenied) and not refused.field:
                raise
            show_refusal(form, refused)
        else:
            messages.success(request, _("已创建调查草稿,请添加问卷题目"))
            return redirect("surveys:campaign", pk=campaign.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "surveys/plan_form.html", {"form": form, "campaign": None}, status=status
    )


@console_view
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = services.get_campaign(request.user, pk)
    if "edit" not in services.available_moves(request.user, campaign):
        messages.error(request, _("只有草稿可以修改,且须有权修改该调查的全部项目"))
        return redirect("surveys:campaign", pk=pk)
    initial = PlanForm.initial_of(campaign)
    form = PlanForm(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(request.user, pk, form.plan())
        except DomainError as refused:
            if isinstance(refused, PermissionDenied) and not refused.field:
                raise
            show_refusal(form, refused)
        else:
            messages.success(request, _("已保存调查计划"))
            return redirect("surveys:campaign", pk=pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "campaign": campaign}
    return render(request, "surveys/plan_form.html", context, status=status)


def _grouped_items(campaign: Campaign) -> list[tuple[str, list]]:
    items = list(campaign.items.order_by("order", "pk"))
    return [
        (area.label, [i for i in items if i.area == area])
        for area in ServiceArea
        if any(i.area == area for i in items)
    ]


def page_context(request: HttpRequest, pk: int, **forms) -> dict:
    """Everything the campaign page shows; ``forms`` replaces a form that failed."""
    user = request.user
    campaign = services.get_campaign(user, pk)
    moves = services.available_moves(user, campaign)
    events = list(campaign.events.select_related("actor"))
    context = {
        "campaign": campaign,
        "colours": STATUS_COLOURS,
        "projects": list(campaign.projects.all()),
        "buildings": list(campaign.buildings.select_related("project")),
        "groups": _grouped_items(campaign),
        "moves": moves,
        "buttons": [(m, *MOVES[m]) for m in MOVES if m in moves],
        "may_edit": "edit" in moves,
        "item_form": forms.get("item_form") or ItemForm(),
        "issue_form": forms.get("issue_form") or IssueForm(),
        "move_error": forms.get("move_error"),
        "events": events,
        "chain": chain(campaign, events),
        "earlier": [],
        **report_context(user, campaign, moves),
    }
    if "edit" in moves:
        context["earlier"] = list(
            services.visible_campaigns(user)
            .filter(company_id=campaign.company_id)
            .exclude(pk=campaign.pk)
            .order_by("-period_start", "-pk")[:20]
        )
    if campaign.status in (CampaignStatus.ISSUED, CampaignStatus.CLOSED):
        context.update(results_context(request, campaign, moves, forms))
    return context


@console_view
def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "surveys/campaign.html", page_context(request, pk))


def _again(request: HttpRequest, pk: int, refused: DomainError, **forms) -> HttpResponse:
    """A refusal that is not about role or scope: the page again, status 400/409, with the
    message shown where the user acted."""
    if isinstance(refused, PermissionDenied | NotFound):
        raise refused
    context = page_context(request, pk, **forms)
    return render(request, "surveys/campaign.html", context, status=refused.status_code)


@require_POST
@console_view
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_item(request.user, pk, **form.cleaned_data)
        except DomainError as refused:
            show_refusal(form, refused)
            return _again(request, pk, refused, item_form=form)
        return redirect("surveys:campaign", pk=pk)
    context = page_context(request, pk, item_form=form)
    return render(request, "surveys/campaign.html", context, status=400)


@require_POST
@console_view
def remove_item(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    try:
        services.remove_item(request.user, item_id)
    except DomainError as refused:
        return _again(request, pk, refused, move_error=refused.message)
    return redirect("surveys:campaign", pk=pk)


@require_POST
@console_view
def copy_items(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        source = int(request.POST.get("source", ""))
        copied = services.copy_items(request.user, pk, source_id=source)
    except ValueError:
        messages.error(request, _("请选择要复制题目的调查"))
    except DomainError as refused:
        return _again(request, pk, refused, move_error=refused.message)
    else:
        messages.success(request, _("已复制 %(n)s 道题目") % {"n": len(copied)})
    return redirect("surveys:campaign", pk=pk)


def _make_move(request: HttpRequest, pk: int, move: str) -> None:
    post, user = request.POST, request.user
    note = post.get("note", "")
    if move == "submit":
        services.submit(user, pk, note=note)
    elif move == "review":
        services.review(user, pk, note=note)
    elif move == "approve":
        services.approve(user, pk, note=note)
    elif move == "return":
        services.return_to_draft(user, pk, reason=post.get("reason", ""))
    elif move == "issue":
        services.issue(user, pk, channel=post.get("channel", ""))
    else:
        services.close(user, pk, note=note)


@require_POST
@console_view
def campaign_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    if move not in MOVES:
        raise NotFound(_("没有这个操作"))
    try:
        _make_move(request, pk, move)
    except DomainError as refused:
        return _again(request, pk, refused, move_error=refused.message)
    messages.success(request, _("已完成:%(m)s") % {"m": MOVES[move][0]})
    return redirect("surveys:campaign", pk=pk)
