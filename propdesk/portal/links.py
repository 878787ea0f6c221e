"""The addresses residents are sent to (under PUBLIC_URL, like every link sent to them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from propdesk.tickets.choices import ReporterType


def ticket_link(ticket: Any) -> str:
    """A request's page on the portal (the resident signs in with the SMS code to open it);
    none for an anonymous request, whose private link is its submitter's alone."""
    if ticket.reporter_type == ReporterType.ANONYMOUS:
        return ""
    path = reverse("portal:ticket", args=[ticket.project.code, ticket.number])
    return settings.PUBLIC_URL.rstrip("/") + path
