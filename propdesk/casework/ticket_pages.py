"""The ticket page's part of a request's handling plans: each version, its status, the steps it
waits for and every decision with its reason."""

from __future__ import annotations

from typing import Any

from .models import HandlingPlan


def ticket_plans(ticket: Any) -> list[HandlingPlan] | None:
    plans = list(
        HandlingPlan.objects.filter(ticket=ticket)
        .prefetch_related("decisions__decided_by")
        .order_by("-version")
    )
    return plans or None


def register() -> None:
    from propdesk.tickets.extensions import PagePart, add_page_part

    add_page_part(
        PagePart("ticket_facts", "handling_plans", "casework/_ticket_plans.html", ticket_plans)
    )
