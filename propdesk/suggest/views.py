"""The suggestions card of the intake page (htmx, as the agent types) and the supervisors' page
of how the suggestions fare."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from propdesk.core.errors import PermissionDenied
from propdesk.core.web import console_view
from propdesk.org.models import Project
from propdesk.org.roles import MANAGERS, has_role, role_of
from propdesk.residents.models import Room

from . import records, services
from .models import CategoryModel
from .records import REPORT_READERS


def _project(request: HttpRequest) -> tuple[Project | None, int | None]:
    """The project the form is about: the chosen room's, else the chosen project, else the
    user's only project. Every path asks the door (``for_user``)."""
    form = request.POST
    room_id = form.get("room_id", "")
    if room_id.isdigit() and len(room_id) < 19:
        room = Room.objects.for_user(request.user).select_related("project").filter(pk=room_id)
        if (found := room.first()) is not None:
            return found.project, found.pk
    projects = Project.objects.for_user(request.user)
    if code := (form.get("project") or "").strip():
        return projects.filter(code=code).first(), None
    only = list(projects.order_by("pk")[:2])
    return (only[0] if len(only) == 1 else None), None


@console_view
@require_POST
def intake_panel(request: HttpRequest) -> HttpResponse:
    """htmx from the intake form (POST: a description runs to 2000 characters, too long for an
    address; nothing is written)."""
    project, room_id = _project(request)
    text = request.POST.get("description", "")
    chosen = (request.POST.get("category") or "").strip()
    found = services.suggest(
        request.user,
        project=project,
        text=text,
        category=chosen,
        room_id=room_id,
        place=request.POST.get("place", ""),
    )
    return render(
        request,
        "suggest/_intake_panel.html",
        {
            "s": found,
            "chosen": chosen,
            "may_merge": role_of(request.user) in MANAGERS,
            "typed": text.strip(),
        },
    )


@console_view
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Acceptance and accuracy by month over the user's projects, and the company's models."""
    if not has_role(request.user, REPORT_READERS):
        raise PermissionDenied(_("只有客服主管、品质部及以上可以查看登记建议的采纳情况"))
    months = records.by_month(request.user)
    models = CategoryModel.objects.filter(company_id=request.user.company_id).defer("blob")[:6]
    return render(request, "suggest/report.html", {"months": months, "models": models})
