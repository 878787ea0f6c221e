"""Tickets publish their lifecycle events; other domains subscribe here (DESIGN.md, "How an
event travels").

Every move of ``tickets.services`` changes the row and calls ``record_event``, which writes the
event and hands it to each subscriber in turn, inside the move's transaction: a subscriber that
raises undoes the move. Subscribers write only their own tables; whatever leaves the database
(a message, a task for the worker) goes through the outbox or a task row in that transaction.

Each app registers its handler in its ``AppConfig.ready()`` with a fixed ``order``, so the order
does not depend on the order of ``INSTALLED_APPS``:

====  ==========  ==================================================================
10    sla         clocks start, stop and pause; grades are re-evaluated (first: the
                  notices and callback tasks below read the clocks it has just started)
20    notify      receipts, replies and assignments are queued in the outbox
30    hotissues   a new or regrouped request books a hot-issue check for the worker
40    callbacks   callback tasks are opened, completed or cancelled
50    knowledge   a request closed as worth a case becomes a draft of the case library
60    search      a move that changes what the request says re-indexes its words
====  ==========  ==================================================================

This module imports nothing above ``tickets``: the handlers are plain callables.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection

from propdesk.core.rows import insert_rows

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import Ticket, TicketEvent

Handler = Callable[["Ticket", "TicketEvent"], None]


@dataclass(frozen=True)
class Subscriber:
    order: int
    name: str
    handler: Handler


_subscribers: list[Subscriber] = []


def subscribe(name: str, handler: Handler, *, order: int) -> None:
    """Register ``handler`` to be called with (ticket, event) for every event a move records.

    Registering the same name again replaces the handler (``ready()`` may run twice in tests)."""
    global _subscribers
    kept = [s for s in _subscribers if s.name != name]
    kept.append(Subscriber(order, name, handler))
    _subscribers = sorted(kept, key=lambda s: (s.order, s.name))


def subscribers() -> tuple[Subscriber, ...]:
    return tuple(_subscribers)


#: Rows the subscribers of the event being published book (book_rows()), by model.
_booked = threading.local()


def publish(ticket: Ticket, event: TicketEvent) -> None:
    """Hand one recorded event to every subscriber, in order (inside the caller's
    transaction); then write the rows they booked, one INSERT per kind of row."""
    outermost = getattr(_booked, "rows", None) is None
    if outermost:
        _booked.rows = {}
        _booked.depth = _savepoints()
    try:
        for subscriber in _subscribers:
            subscriber.handler(ticket, event)
        if outermost:
            for (_model, ignore_conflicts), rows in _booked.rows.items():
                insert_rows(rows, ignore_conflicts=ignore_conflicts)
    finally:
        if outermost:
            _booked.rows = None


def book_rows(rows: Sequence[Model], *, ignore_conflicts: bool = False) -> None:
    """New rows that only leave the transaction — task rows for the worker, outbox messages —
    written when the event being published has been through every subscriber: a
    registration's timers, group regrade and hot-issue check in one INSERT, its receipt and
    escalation notices in another, not one per subscriber. Outside a publish, at once.

    Only for rows nothing in the move reads back: until the last subscriber has run they are
    not in the database, so a later subscriber does not see them (notify's look-up of what
    is queued already would render a message twice, which the unique key then keeps once;
    dropping a clock's timers would miss timers booked in the same move, which find an old
    version when they fire). No subscriber does either today. Rows booked inside a savepoint
    of a subscriber are written at once, so that rolling the savepoint back takes them too.
    (``core.rows.insert_rows`` writes them; ``ignore_conflicts`` as there.)"""
    if not rows:
        return
    pending = getattr(_booked, "rows", None)
    if pending is None or _savepoints() != _booked.depth:
        insert_rows(rows, ignore_conflicts=ignore_conflicts)
    else:
        pending.setdefault((type(rows[0]), ignore_conflicts), []).extend(rows)


def _savepoints() -> int:
    return len(connection.savepoint_ids)
