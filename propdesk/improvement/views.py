"""The console's corrective and preventive actions: the list (``/actions/``) with its filters,
a new action opened from a request, a hot issue, a monthly report line or from nothing, one
action's page with its history and the forms of the step it is at, and the survey page's form.

Every change goes through :mod:`propdesk.improvement.services`, which checks role and scope;
the pages only hide the buttons a user could not use."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core import clock
from propdesk.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from propdesk.core.web import console_view, page_of
from propdesk.hotissues.services import get_hot_issue
from propdesk.org.roles import has_role
from propdesk.surveys.services import get_campaign, scope_of
from propdesk.tickets.services import get_ticket

from . import services
from .choices import ActionSource, ActionStatus
from .forms import ActionForm, SurveyActionForm, show_refusal
from .services import OPENERS, Source


def _filtered(request: HttpRequest):
    user, get = request.user, request.GET
    rows = services.visible_actions(user)
    chosen = {k: get.get(k, "") for k in ("status", "source", "overdue", "mine", "campaign")}
    if chosen["status"] in ActionStatus.values:
        rows = rows.filter(status=chosen["status"])
    if chosen["source"] in ActionSource.values:
        rows = rows.filter(source=chosen["source"])
    if chosen["overdue"] == "yes":
        rows = rows.filter(status=ActionStatus.OPEN, breached_at__isnull=False)
    if chosen["mine"] == "yes":
        rows = rows.filter(owner=user) | rows.filter(verifier=user)
    for name in ("campaign", "hot_issue"):
        if get.get(name, "").isdigit():
            rows = rows.filter(**{f"{name}_id": int(get[name])})
    return rows, chosen


@console_view
def action_list(request: HttpRequest) -> HttpResponse:
    rows, chosen = _filtered(request)
    return render(request, "improvement/actions.html", {
        "page": page_of(request, rows.order_by("due_on", "pk")),
        "statuses": ActionStatus.choices, "sources": ActionSource.choices,
        "chosen": chosen, "may_open": has_role(request.user, OPENERS),
        "query": request.GET.urlencode(),
    })  # fmt: skip


def _int(value: str | None, field: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(_("应为整数"), field=field) from None


def _source(data) -> Source:
    return Source(
        source=data.get("source") or ActionSource.OTHER,
        ticket=data.get("ticket") or None,
        hot_issue_id=_int(data.get("hot_issue"), "hot_issue"),
        campaign_id=_int(data.get("campaign"), "campaign"),
        item_id=_int(data.get("item"), "item"),
        report_id=_int(data.get("report"), "report"),
        report_month=data.get("report_month", ""),
        report_scope=data.get("report_scope", ""),
        report_line=data.get("line", ""),
    )


def _origin(request: HttpRequest, source: Source) -> dict:
    """What the new action answers, as the form shows it (read in the user's scope)."""
    user = request.user
    if source.source == ActionSource.TICKET and source.ticket:
        ticket = get_ticket(user, source.ticket)
        return {"ticket": ticket, "project": ticket.project}
    if source.source == ActionSource.HOT_ISSUE and source.hot_issue_id:
        issue = get_hot_issue(user, source.hot_issue_id)
        return {"hot_issue": issue, "project": issue.project}
    return {}


@console_view
def action_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_role(user, OPENERS):
        raise PermissionDenied(_("只有客服主管、项目经理、品质部及以上可以开立纠正预防措施"))
    data = request.POST if request.method == "POST" else request.GET
    error = None
    try:
        source = _source(data)
        origin = _origin(request, source)
    except InvalidInput as refused:
        source, origin, error = Source(), {}, refused
    fixed = origin.get("project")
    project_ids = frozenset({fixed.pk}) if fixed else frozenset(user.project_ids)
    initial = {"project": fixed.pk if fixed else data.get("project")}
    form = ActionForm(project_ids, request.POST or None, initial=initial)
    if request.method == "POST" and error is None and form.is_valid():
        got = form.cleaned_data
        try:
            action = services.open_action(
                user, source, project_id=got["project"].pk, owner_id=got["owner"].pk,
                verifier_id=got["verifier"].pk if got["verifier"] else None, kind=got["kind"],
                cause=got["cause"], measure=got["measure"], due_on=got["due_on"],
            )  # fmt: skip
        except DomainError as refused:
            if isinstance(refused, PermissionDenied | NotFound):
                raise
            show_refusal(form, refused, {"report_line": None, "report_month": None})
        else:
            messages.success(request, _("已开立纠正预防措施"))
            return redirect("improvement:action", pk=action.pk)
    context = {"form": form, "source": source, "origin": origin, "error": error}
    status = 400 if form.is_bound or error else 200
    return render(request, "improvement/new.html", context, status=status)


@console_view
def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "improvement/action.html", _context(request, pk))


def _context(request: HttpRequest, pk: int, **more) -> dict:
    user = request.user
    action = services.get_action(user, pk)
    return {
        "action": action,
        "events": action.events.select_related("actor"),
        "may_done": services.may_report_done(user, action),
        "may_verify": services.may_verify(user, action),
        "overdue_label": services.overdue_label(action),
        "today": clock.now().date(),
        **more,
    }


def _day(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("应为日期,如 2026-09-09"), field="due_on") from None


def _effective(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


@require_POST
@console_view
def action_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    user, post = request.user, request.POST
    services.get_action(user, pk)  # another project's: 404
    back = post.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    try:
        if move == "done":
            services.mark_done(user, pk, note=post.get("note", ""))
        elif move == "verify":
            services.verify(
                user, pk, effective=_effective(post.get("effective", "")),
                note=post.get("note", ""), due_on=_day(post.get("due_on", "")),
            )  # fmt: skip
        else:
            raise NotFound(_("没有这个操作"))
    except DomainError as refused:
        if isinstance(refused, PermissionDenied | NotFound):
            raise
        if back and safe:
            messages.error(request, refused.message)
            return redirect(back)
        context = _context(request, pk, error=refused, failed=move)
        return render(request, "improvement/action.html", context, status=refused.status_code)
    messages.success(request, _("已更新纠正预防措施"))
    if back and safe:
        return redirect(back)
    return redirect("improvement:action", pk=pk)


@require_POST
@console_view
def open_from_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """The form under a survey's results: an action for an item (or the survey as a whole)."""
    from propdesk.surveys.views.campaigns import page_context

    campaign = get_campaign(request.user, pk)
    form = SurveyActionForm(campaign, scope_of(request.user, campaign), request.POST)
    status = 400
    if form.is_valid():
        got = form.cleaned_data
        try:
            services.open_action(
                request.user,
                Source(ActionSource.SURVEY_ITEM, campaign_id=pk,
                       item_id=got["item"].pk if got["item"] else None),
                project_id=got["project"].pk, owner_id=got["owner"].pk,
                cause=got["cause"], measure=got["measure"], due_on=got["due_on"],
            )  # fmt: skip
        except DomainError as refused:
            if isinstance(refused, PermissionDenied | NotFound):
                raise
            show_refusal(form, refused)
            status = refused.status_code
        else:
            messages.success(request, _("已开立纠正措施"))
            return redirect("surveys:campaign", pk=pk)
    context = page_context(request, pk, action_form=form)
    return render(request, "surveys/campaign.html", context, status=status)
