"""What the actions add to other apps' pages: the request page's actions (with the button to
open one from it) and the survey page's corrective actions under its results (with the form to
open one for an item), each drawn by a template of this app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from propdesk.org.roles import has_role
from propdesk.surveys.services import scope_of

from .choices import ActionSource
from .forms import SurveyActionForm
from .models import CorrectiveAction
from .services import OPENERS, may_report_done, may_verify, visible_actions


def ticket_actions(ticket: Any) -> dict:
    # Always drawn (an empty list too): an opener opens the first action from it.
    rows = list(
        CorrectiveAction.objects.filter(ticket=ticket)
        .select_related("owner")
        .order_by("-opened_at", "-pk")
    )
    new = reverse("improvement:new") + f"?source={ActionSource.TICKET}&ticket={ticket.number}"
    return {"actions": rows, "new_url": new}


def campaign_actions(request: Any, campaign: Any, moves: list[str], forms: dict) -> dict | None:
    from propdesk.surveys.choices import CampaignStatus

    if campaign.status not in (CampaignStatus.ISSUED, CampaignStatus.CLOSED):
        return None
    user = request.user
    rows = list(visible_actions(user).filter(campaign=campaign).order_by("due_on", "pk"))
    for action in rows:
        action.may_done = may_report_done(user, action)
        action.may_verify = may_verify(user, action)
    may_open = "open_action" in moves and has_role(user, OPENERS)
    return {
        "actions": rows,
        "may_open": may_open,
        "form": forms.get("action_form") or SurveyActionForm(campaign, scope_of(user, campaign)),
        "back": reverse("surveys:campaign", kwargs={"pk": campaign.pk}) + "#actions",
    }


def register() -> None:
    from propdesk.surveys.extensions import CampaignPart, add_campaign_part
    from propdesk.tickets.extensions import PagePart, add_page_part

    add_page_part(
        PagePart("ticket_facts", "corrective_actions", "improvement/_ticket_actions.html",
                 ticket_actions)
    )  # fmt: skip
    add_campaign_part(
        CampaignPart("corrective_actions", "improvement/_campaign_actions.html", campaign_actions)
    )
