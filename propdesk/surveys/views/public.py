"""The resident's questionnaire at /s/<token>/: no login, the token is the key, phone-first.
It shows the campaign and the project's name and nothing else about the household.

A second answer from the same link (a second tab, the back button, a forwarded link) gets a
409 page saying the questionnaire was already submitted, and nothing is stored; an unknown
token gets a friendly 404 page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound

from .. import services
from ..choices import Satisfaction, ServiceArea
from ..models import Invitation, Response


def _groups(invitation: Invitation) -> list[tuple[str, list]]:
    items = list(invitation.campaign.items.order_by("order", "pk"))
    return [
        (area.label, [i for i in items if i.area == area])
        for area in ServiceArea
        if any(i.area == area for i in items)
    ]


def _refused(request: HttpRequest, invitation: Invitation, message: str) -> HttpResponse:
    context = {"invitation": invitation, "message": message}
    return render(request, "surveys/public/refused.html", context, status=409)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/public/not_found.html", status=404)


@never_cache
def answer_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except NotFound:
        return _not_found(request)
    if request.method == "POST":
        answers = [
            services.Answer(
                item.pk,
                request.POST.get(f"item-{item.pk}", ""),
                request.POST.get(f"comment-{item.pk}", ""),
            )
            for item in invitation.campaign.items.all()
        ]
        try:
            services.answer_by_link(token, answers, comment=request.POST.get("comment", ""))
        except InvalidTransition as refused:
            return _refused(request, invitation, refused.message)
        except InvalidInput as refused:
            return _form(request, invitation, error=refused.message, status=400)
        return redirect("surveys:thanks", token=token)
    refusal = services.link_refusal(invitation, clock.now())
    if refusal is not None:
        return _refused(request, invitation, refusal)
    return _form(request, invitation)


def _form(
    request: HttpRequest, invitation: Invitation, *, error: str = "", status: int = 200
) -> HttpResponse:
    groups = _groups(invitation)
    posted = request.POST
    context = {
        "invitation": invitation,
        "groups": groups,
        "levels": Satisfaction.choices,
        # What was typed comes back with an error, so nothing has to be chosen twice.
        "chosen": {i.pk: posted.get(f"item-{i.pk}", "") for _a, rows in groups for i in rows},
        "comments": {i.pk: posted.get(f"comment-{i.pk}", "") for _a, rows in groups for i in rows},
        "comment": posted.get("comment", ""),
        "error": error,
    }
    return render(request, "surveys/public/answer.html", context, status=status)


@never_cache
def thanks_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for_token(token)
    except NotFound:
        return _not_found(request)
    if not Response.objects.filter(invitation=invitation).exists():
        return redirect("surveys:answer", token=token)
    return render(request, "surveys/public/thanks.html", {"invitation": invitation})
