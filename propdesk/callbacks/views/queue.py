"""The callback queue (SPEC §6): who owes which resident a callback, by when; this month's
in-home repair callback rate per project against 30%, and the sampling that tops it up."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from propdesk.callbacks.models import TaskStatus
from propdesk.callbacks.services import (
    REPAIR_CALLBACK_TARGET,
    propose_repair_samples,
    repair_month,
    tasks_for,
)
from propdesk.core import clock
from propdesk.core.errors import PermissionDenied
from propdesk.core.web import console_view, page_of
from propdesk.org.access import check_project_scope
from propdesk.org.models import Project
from propdesk.org.roles import MANAGERS, role_of

TABS = {
    "mine": gettext_lazy("我的回访"),
    "open": gettext_lazy("全部待回访"),
    "overdue": gettext_lazy("已逾期"),
    "done": gettext_lazy("已完成"),
}


@console_view
def callback_queue(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "mine")
    tab = tab if tab in TABS else "mine"
    now = clock.now()
    tasks = tasks_for(request.user).select_related(
        "ticket",
        "ticket__project",
        "ticket__room__building",
        "ticket__room__unit",
        "owner",
        "callback",
    )
    if tab == "done":
        tasks = tasks.exclude(status=TaskStatus.OPEN).order_by("-done_at", "-pk")
    else:
        tasks = tasks.filter(status=TaskStatus.OPEN).order_by("due_at", "pk")
        if tab == "mine":
            tasks = tasks.filter(owner=request.user)
        elif tab == "overdue":
            tasks = tasks.filter(due_at__lt=now)
    page = page_of(request, tasks)
    month = timezone.localtime(now).date().replace(day=1)
    projects = Project.objects.for_user(request.user).order_by("code")
    return render(request, "callbacks/callbacks.html", {
        "tab": tab, "tabs": TABS, "page": page, "now": now,
        "months": [repair_month(p, month) for p in projects[:20]],
        "target": int(REPAIR_CALLBACK_TARGET * 100), "month": month,
        "may_sample": role_of(request.user) in MANAGERS,
    })  # fmt: skip


@require_POST
@console_view
def sample_repairs(request: HttpRequest) -> HttpResponse:
    """Book sample callbacks where a project's month is below the 30% target."""
    if role_of(request.user) not in MANAGERS:
        raise PermissionDenied(_("只有客服主管及以上可以安排抽样回访"))
    project = Project.objects.filter(code=request.POST.get("project", "")).first()
    if project is None:
        messages.error(request, _("请选择项目"))
        return redirect("callbacks:callbacks")
    check_project_scope(request.user, project)
    try:
        month = date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        month = timezone.localtime(clock.now()).date()
    booked = propose_repair_samples(project, month, now=clock.now())
    if booked:
        messages.success(request, _("已安排 %(n)s 件抽样回访") % {"n": len(booked)})
    else:
        messages.info(request, _("本月回访率已达标,无需抽样"))
    return redirect("/callbacks/?tab=open")
