"""Ticket events that create, complete or cancel callback tasks (in the move's transaction)."""

from __future__ import annotations

from propdesk.tickets.choices import EventKind


def on_event(ticket, event) -> None:
    from . import services

    # A complaint answered at once (即时答复) is resolved too, and is called back like any other.
    if event.kind in (EventKind.RESOLVED, EventKind.ANSWERED):
        services.on_resolved(ticket, event.at)
    elif event.kind == EventKind.CALLBACK_RECORDED:
        services.on_callback(ticket, event.data.get("callback_id"), event.at)
    elif event.kind == EventKind.CLOSED:
        reason = ticket.get_closure_reason_display() or event.data.get("reason", "")
        services.on_finished(ticket, str(reason), event.at)
    elif event.kind in (EventKind.CANCELLED, EventKind.MERGED) and not event.data.get(
        "merged_from"
    ):
        services.on_finished(ticket, str(event.get_kind_display()), event.at)
