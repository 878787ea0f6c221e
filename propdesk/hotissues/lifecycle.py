"""Which ticket events make the worker look for a hot issue: a new request, or a correction of
what groups it (category, place, description)."""

from __future__ import annotations

from propdesk.tickets.choices import EventKind

#: Corrections that can change the group a request belongs to.
GROUPING_FIELDS = frozenset({"category", "place", "building", "room", "room_id", "description"})


def on_event(ticket, event) -> None:
    if event.kind == EventKind.REGISTERED or (
        event.kind == EventKind.UPDATED and GROUPING_FIELDS & set(event.data.get("changes", {}))
    ):
        from .tasks import detect_hot_issue

        # A task row written in the move's transaction: detection locks the project's group,
        # which intake must never wait for.
        detect_hot_issue.enqueue(ticket.pk, event.at.isoformat())
