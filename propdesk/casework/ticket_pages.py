"""The ticket page's parts of casework: a request's handling plans (each version, its status,
the steps it waits for, every decision with its reason) and its compensation claims (with the
"new claim" link for the front desk); the household file's claims (一户一档, seed 002 6.5.6)."""

from __future__ import annotations

from typing import Any

from .models import Claim, HandlingPlan


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


def register() -> None:
    from propdesk.tickets.extensions import PagePart, add_page_part

    add_page_part(
        PagePart("ticket_facts", "handling_plans", "casework/_ticket_plans.html", ticket_plans)
    )
    add_page_part(PagePart("ticket_facts", "claims", "casework/_ticket_claims.html", ticket_claims))
    add_page_part(
        PagePart("household", "claims", "casework/_household_claims.html", household_claims)
    )
