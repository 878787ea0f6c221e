"""The callback as a move of the ticket (``POST /tickets/{number}/actions/callback`` and the
console's callback form) and the callbacks in the ticket's detail, registered from
``CallbacksConfig.ready``."""

from __future__ import annotations

from propdesk.tickets import schemas
from propdesk.tickets.actions import register_action

from . import services


def register() -> None:
    register_action(
        "callback",
        schemas.CallbackIn,
        lambda u, t, b: services.record_callback(
            u,
            t,
            satisfaction=b.satisfaction,
            method=b.method,
            comment=b.comment,
            resident_confirmation=b.resident_confirmation,
        ),
        after="complete_work_order",
    )


def ticket_callbacks(ticket, now) -> list[dict]:
    from propdesk.tickets.serializers import user_name

    from .models import Callback

    return [
        {
            "method": c.method,
            "satisfaction": c.satisfaction,
            "satisfaction_display": c.get_satisfaction_display(),
            "comment": c.comment,
            "called_by": user_name(c.called_by),
            "called_at": c.called_at,
        }
        for c in Callback.objects.filter(ticket=ticket).select_related("called_by")
    ]


def register_ticket_reads() -> None:
    """The callbacks of a ticket, in its detail (tickets.extensions); a ticket just registered
    has none."""
    from propdesk.tickets.extensions import DetailPart, add_detail_part

    add_detail_part(DetailPart("callbacks", ticket_callbacks, lambda ticket, now: []))
