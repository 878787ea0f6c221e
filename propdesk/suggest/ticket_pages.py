"""What the intake page shows and records of suggestions, registered in tickets.extensions from
``SuggestConfig.ready`` (tickets imports nothing of this app): the suggestions card beside the
form, and the record of what was suggested when the form registers a request."""

from __future__ import annotations

from typing import Any


def intake_card(user: Any) -> dict[str, Any]:
    """The card is drawn for every member of staff who may open intake; what it shows comes
    from ``views.intake_panel`` as the agent types."""
    from propdesk.org.roles import MANAGERS, role_of

    return {"may_merge": role_of(user) in MANAGERS}


def register() -> None:
    from propdesk.tickets import extensions

    from .records import after_intake

    extensions.intake_registered.register(after_intake)
    extensions.add_page_part(
        extensions.PagePart(
            "intake_assist", "suggestions", "suggest/_intake_card.html", intake_card
        )
    )
