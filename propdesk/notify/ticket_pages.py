"""What the ticket page shows of the outbox (SPEC §10): each message sent to the resident about
this request, with its channel and delivery state — and, when a provider refused it, the
provider's own words, so the agent knows to call instead."""

from __future__ import annotations

from typing import Any

from .choices import Channel
from .models import OutboxMessage

#: Messages listed on the page; a request rarely has more, and the admin's outbox has them all.
SHOWN = 20


def resident_messages(ticket: Any) -> dict[str, Any] | None:
    """The messages, and whether the resident asked for none (then the agent calls instead)."""
    messages = list(
        OutboxMessage.objects.filter(ticket=ticket, user__isnull=True)
        .exclude(channel=Channel.WECOM)  # the staff group, not the resident
        .order_by("created_at", "pk")[:SHOWN]
    )
    declined = ticket.resident_id is not None and not ticket.resident.accepts_messages
    if not messages and not declined:
        return None
    return {"messages": messages, "declined": declined}


def register() -> None:
    from propdesk.tickets.extensions import PagePart, add_page_part

    add_page_part(
        PagePart(
            "ticket_facts", "resident_messages", "notify/_ticket_messages.html", resident_messages
        )
    )
