"""Staff pages for the households of an issued campaign: who has a questionnaire, its link and
whether it came back; and typing in a paper questionnaire (or one answered to staff by phone
or at a visit), one household at a time, building by building."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import DomainError, NotFound, PermissionDenied
from propdesk.core.web import console_view, page_of, query_without
from propdesk.org.roles import has_role
from propdesk.residents.models import Building

from .. import services
from ..forms import PaperForm, show_refusal
from ..models import Invitation
from ..schemas import link_of


@console_view
def invitation_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = services.get_campaign(request.user, pk)
    rows = (
        Invitation.objects.for_user(request.user)
        .filter(campaign=campaign)
        .select_related("project", "room__building", "room__unit", "response")
        .order_by("project__code", "room__building__code", "room__unit__code", "room__number")
    )
    answered = request.GET.get("answered", "")
    if answered in ("yes", "no"):
        rows = rows.filter(response__isnull=answered == "no")
    page = page_of(request, rows, per_page=50)
    context = {
        "campaign": campaign,
        "page": page,
        "links": {i.pk: request.build_absolute_uri(link_of(i)) for i in page},
        "answered": answered,
        "query_for_page": query_without(request, "page"),
    }
    return render(request, "surveys/invitations.html", context)


def _buildings(user, campaign) -> list[Building]:
    """Buildings with a questionnaire of this campaign, within the user's projects."""
    return list(
        Building.objects.for_user(user)
        .filter(rooms__survey_invitations__campaign=campaign)
        .select_related("project")
        .distinct()
        .order_by("project__code", "code")
    )


def _households(campaign, building_id: int | None) -> list[tuple[int, str]]:
    """Households of the building still without an answer."""
    if building_id is None:
        return []
    rows = (
        Invitation.objects.filter(
            campaign=campaign, room__building_id=building_id, response__isnull=True
        )
        .select_related("room__building", "room__unit")
        .order_by("room__unit__code", "room__number")
    )
    return [(i.room_id, i.room.label) for i in rows]


def _answers(form: PaperForm) -> list[services.Answer]:
    data = form.cleaned_data
    return [
        services.Answer(i.pk, data.get(f"level-{i.pk}") or "", data.get(f"comment-{i.pk}") or "")
        for i in form.items
    ]


@console_view
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not has_role(user, services.CLERKS):
        raise PermissionDenied(_("您的角色不能录入问卷"))
    campaign = services.get_campaign(user, pk)
    buildings = _buildings(user, campaign)
    try:
        building_id = int(request.GET.get("building", ""))
    except ValueError:
        building_id = buildings[0].pk if len(buildings) == 1 else None
    if building_id is not None and building_id not in {b.pk for b in buildings}:
        raise NotFound(_("该楼栋不在本次调查中"))
    items = campaign.items.order_by("order", "pk")
    form = PaperForm(items, _households(campaign, building_id), request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answered_at = None
        if data.get("answered_on"):
            answered_at = timezone.make_aware(datetime.combine(data["answered_on"], time(12)))
            answered_at = min(answered_at, clock.now())
        try:
            response = services.enter_answers(
                user,
                pk,
                room_id=data["room_id"],
                answers=_answers(form),
                comment=data.get("comment", ""),
                source=data["source"],
                answered_at=answered_at,
            )
        except DomainError as refused:
            if isinstance(refused, PermissionDenied) and not refused.field:
                raise
            show_refusal(form, refused)
        else:
            label = response.invitation.room.label
            messages.success(request, _("已录入 %(room)s 的问卷") % {"room": label})
            return redirect(f"{reverse('surveys:paper', args=[pk])}?building={building_id}")
    context = {
        "campaign": campaign,
        "buildings": buildings,
        "building_id": building_id,
        "form": form,
        "open": campaign.status == "issued",
    }
    return render(request, "surveys/paper.html", context, status=400 if form.errors else 200)
