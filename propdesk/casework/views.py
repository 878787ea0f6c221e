"""The approver's queue of handling plans (方案审批) and their decision; a ticket's plans are
shown on the ticket page (``ticket_pages``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from propdesk.core.errors import DomainError, NotFound
from propdesk.core.web import console_view

from . import services
from .choices import Decision
from .models import HandlingPlan


def _queue(request: HttpRequest, **more) -> dict:
    return {"plans": services.waiting_for(request.user), "decisions": Decision.choices, **more}


@console_view
def plans(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/plans.html", _queue(request))


@require_POST
@console_view
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = HandlingPlan.objects.select_related("ticket").filter(pk=pk).first()
    if plan is None:
        raise NotFound("")
    try:
        services.decide(
            request.user,
            plan,
            request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as refused:
        context = _queue(request, error=refused, failed=pk)
        return render(request, "casework/plans.html", context, status=refused.status_code)
    return redirect("casework:plans")
