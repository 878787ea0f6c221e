"""The ticket page's parts of casework: a request's handling plans (each version, its status,
the steps it waits for, every decision with its reason) and its compensation claims (with the
"new claim" link for the front desk); every step of its claims on the page's timeline, by time,
with who and when (the money story beside the handling); the household file's claims (一户一档,
seed 002 6.5.6)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from .claims_choices import ChargeBackStatus, ClaimFileKind
from .models import Claim, ClaimEvent, HandlingPlan


def ticket_plans(ticket: Any) -> list[HandlingPlan] | None:
    plans = list(
        HandlingPlan.objects.filter(ticket=ticket)
        .prefetch_related("decisions__decided_by")
        .order_by("-version")
    )
    return plans or None


def ticket_claims(ticket: Any) -> list[Claim]:
    # Always drawn (an empty list too): the front desk opens the first claim from it.
    return list(Claim.objects.filter(ticket=ticket).order_by("-opened_at", "-pk"))


def household_claims(tickets: Any) -> list[Claim] | None:
    """The claims on a household's requests (tickets already in the viewer's scope)."""
    if not tickets:
        return None
    rows = list(
        Claim.objects.filter(ticket__in=[t.pk for t in tickets])
        .select_related("ticket")
        .order_by("-opened_at", "-pk")
    )
    return rows or None


def _detail(event: ClaimEvent) -> str:
    """What the step was about, in a few words: the step approved, the amount, the file, the
    third party, where the charge-back went."""
    data = event.data or {}
    words = [str(data.get("step_label") or "")]
    if data.get("file_kind") in ClaimFileKind.values:
        words.append(f"{ClaimFileKind(data['file_kind']).label} {data.get('name') or ''}".strip())
    words.append(str(data.get("party") or ""))
    if data.get("to") in ChargeBackStatus.values:
        words.append(str(ChargeBackStatus(data["to"]).label))
    if data.get("amount"):
        words.append(_("%(a)s 元") % {"a": data["amount"]})
    return " · ".join(w for w in words if w)


def claim_timeline(ticket: Any) -> list[dict[str, Any]]:
    """Each step of the request's claims as an entry of its timeline (``tickets.extensions``)."""
    events = (
        ClaimEvent.objects.filter(claim__ticket_id=ticket.pk)
        .select_related("actor")
        .order_by("at", "pk")
    )
    return [
        {
            "at": e.at,
            "actor_name": e.actor.display_name or e.actor.username,
            "kind_display": str(e.get_kind_display()),
            "note": e.note,
            "detail": _detail(e),
            "link": reverse("casework:claim", args=[e.claim_id]),
            "link_label": _("赔偿案件 %(n)s") % {"n": e.claim_id},
            "claim": e.claim_id,
        }
        for e in events
    ]


def register() -> None:
    from propdesk.tickets.extensions import PagePart, add_page_part, add_timeline_source

    add_page_part(
        PagePart("ticket_facts", "handling_plans", "casework/_ticket_plans.html", ticket_plans)
    )
    add_page_part(PagePart("ticket_facts", "claims", "casework/_ticket_claims.html", ticket_claims))
    add_page_part(
        PagePart("household", "claims", "casework/_household_claims.html", household_claims)
    )
    add_timeline_source("claims", claim_timeline)
