"""The callback as a move of the ticket (``POST /tickets/{number}/actions/callback`` and the
ticket page's callback form), the callbacks in the ticket's detail, and what the tickets pages
show of callbacks (the ticket's callback task, the household file's latest callbacks), all
registered from ``CallbacksConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from propdesk.tickets import schemas
from propdesk.tickets.actions import register_action
from propdesk.tickets.choices import Satisfaction
from propdesk.tickets.moves import FormField, MoveForms, add_move_form

from . import services
from .choices import CallbackMethod


def _callback_form(forms: MoveForms) -> list[FormField]:
    return [
        FormField("satisfaction", _("满意度"), "radio", True, Satisfaction.choices),
        FormField("method", _("回访方式"), "select", True, CallbackMethod.choices),
        FormField("comment", _("住户意见"), "textarea"),
        FormField("resident_confirmation", _("住户确认(上门回访时签名或姓名)"), "text"),
    ]


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
    add_move_form("callback", _callback_form, after="resolve")


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


# --- what the tickets pages show of callbacks (tickets.extensions page parts) -----------------

#: The household file (room and resident pages) shows the latest callbacks; older ones are on
#: each ticket's page. Intake's household panel shows fewer.
HOUSEHOLD_CALLBACKS = 10
INTAKE_CALLBACKS = 3


def callback_task(ticket):
    """The ticket's latest callback task, as a row of the ticket page's facts."""
    from .models import CallbackTask

    return (
        CallbackTask.objects.filter(ticket=ticket).select_related("owner").order_by("-pk").first()
    )


def household_callbacks(tickets) -> list:
    """The latest callbacks on a household's requests (a list of tickets), as a card."""
    from .models import Callback

    if not tickets:
        return []
    return list(
        Callback.objects.filter(ticket__in=[t.pk for t in tickets])
        .select_related("ticket", "called_by")
        .order_by("-called_at", "-pk")[:HOUSEHOLD_CALLBACKS]
    )


def intake_callbacks(tickets) -> list:
    """The last callbacks on a household's requests (a queryset), in intake's panel."""
    from .models import Callback

    callbacks = Callback.objects.filter(ticket__in=tickets).select_related("ticket")
    return list(callbacks.order_by("-called_at")[:INTAKE_CALLBACKS])


def register_page_parts() -> None:
    from propdesk.tickets.extensions import PagePart, add_page_part

    add_page_part(
        PagePart("ticket_facts", "callback_task", "callbacks/_task_fact.html", callback_task)
    )
    add_page_part(
        PagePart(
            "household", "callbacks", "callbacks/_household_callbacks.html", household_callbacks
        )
    )
    add_page_part(
        PagePart(
            "intake_household", "callbacks", "callbacks/_intake_callbacks.html", intake_callbacks
        )
    )
