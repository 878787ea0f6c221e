"""Which ticket events make the worker look for a hot issue: a new request, or a correction of
what groups it (category, place, description)."""

from __future__ import annotations

from propdesk.core.rows import task_row
from propdesk.tickets.choices import EventKind
from propdesk.tickets.lifecycle import book_rows

#: Corrections that can change the group a request belongs to.
GROUPING_FIELDS = frozenset({"category", "place", "building", "room", "room_id", "description"})


def on_event(ticket, event) -> None:
    if event.kind == EventKind.REGISTERED or (
        event.kind == EventKind.UPDATED and GROUPING_FIELDS & set(event.data.get("changes", {}))
    ):
        from .tasks import detect_hot_issue

        # A task row written in the move's transaction (with the clocks' timers): detection
        # locks the project's group, which intake must never wait for.
        book_rows([task_row(detect_hot_issue, [ticket.pk, event.at.isoformat()])])
