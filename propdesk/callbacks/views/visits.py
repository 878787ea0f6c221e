"""Routine visit plans (例行回访): the plans of the user's projects with their coverage, one
plan by month, recording a household's visit (and the requests it raised), moving a
household to another month."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.callbacks import visits
from propdesk.callbacks.choices import CallbackMethod, Satisfaction
from propdesk.callbacks.models import VisitPlan
from propdesk.core import clock
from propdesk.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from propdesk.core.web import console_view
from propdesk.org.models import Project
from propdesk.org.roles import MANAGERS, role_of
from propdesk.tickets.models import Category


@console_view
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = VisitPlan.objects.for_user(request.user).select_related("project")
    return render(
        request,
        "callbacks/visit_plans.html",
        {
            "rows": [(plan, visits.coverage(plan)) for plan in plans[:50]],
            "projects": Project.objects.for_user(request.user).order_by("code"),
            "year": timezone.localtime(clock.now()).year,
            "may_plan": role_of(request.user) in MANAGERS,
        },
    )


@require_POST
@console_view
def generate(request: HttpRequest) -> HttpResponse:
    project = Project.objects.filter(code=request.POST.get("project", "")).first()
    try:
        if project is None:
            raise InvalidInput(_("请选择项目"), field="project")
        plan = visits.generate_plan(request.user, project, int(request.POST.get("year") or 0))
    except (DomainError, ValueError) as refused:
        if isinstance(refused, PermissionDenied):
            raise
        messages.error(request, getattr(refused, "message", _("年度无效")))
        return redirect("callbacks:visit_plans")
    messages.success(
        request, _("已生成 %(p)s %(y)s 年例行回访计划") % {"p": project, "y": plan.year}
    )
    return redirect("callbacks:visit_plan", pk=plan.pk)


@console_view
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visits.get_plan(request.user, pk)
    try:
        month = int(request.GET.get("month") or timezone.localtime(clock.now()).month)
    except ValueError:
        month = 1
    month = min(12, max(1, month))
    households = (
        plan.households.filter(month=month)
        .select_related("room__building", "room__unit", "visit", "visit__visited_by")
        .order_by("room__building__code", "room__unit__code", "room__number")
    )
    return render(
        request,
        "callbacks/visit_plan.html",
        {
            "plan": plan,
            "coverage": visits.coverage(plan),
            "months": visits.by_month(plan),
            "month": month,
            "households": households,
            "levels": Satisfaction.choices,
            "methods": CallbackMethod.choices,
            "may_plan": role_of(request.user) in MANAGERS,
            "categories": Category.objects.filter(is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__sort_order", "sort_order", "code"),
        },
    )


@require_POST
@console_view
def record(request: HttpRequest, pk: int, planned: int) -> HttpResponse:
    post = request.POST
    raised = []
    if post.get("raise_description", "").strip():
        raised.append(
            visits.Raised(
                category=post.get("raise_category", ""), description=post["raise_description"]
            )
        )
    try:
        visit = visits.record_visit(
            request.user,
            planned,
            method=post.get("method", ""),
            service_quality=post.get("service_quality", ""),
            staff_attitude=post.get("staff_attitude", ""),
            shortcomings=post.get("shortcomings", ""),
            suggestions=post.get("suggestions", ""),
            raised=raised,
            plan_id=pk,
        )
    except DomainError as refused:
        if isinstance(refused, PermissionDenied | NotFound):  # the 403 / 404 page
            raise
        messages.error(request, refused.message)
    else:
        numbers = ", ".join(t.number for t in visit.raised.all())
        messages.success(
            request,
            _("已记录回访") + (_(",已转为诉求 %(n)s") % {"n": numbers} if numbers else ""),
        )
    return redirect(f"/visits/{pk}/?month={post.get('month', '')}")


@require_POST
@console_view
def move(request: HttpRequest, pk: int, planned: int) -> HttpResponse:
    try:
        visits.move_household(request.user, planned, int(request.POST.get("to") or 0), plan_id=pk)
    except (DomainError, ValueError) as refused:
        if isinstance(refused, PermissionDenied | NotFound):  # the 403 / 404 page
            raise
        messages.error(request, getattr(refused, "message", _("月份须为 1–12")))
    return redirect(f"/visits/{pk}/?month={request.POST.get('month', '')}")
