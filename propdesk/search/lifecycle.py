"""The search app's ticket-event subscriber (tickets.lifecycle, order 60: after knowledge)."""

from __future__ import annotations

from .services.indexing import on_ticket_event

__all__ = ["on_ticket_event"]
