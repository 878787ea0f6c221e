"""Message texts: one Django template per event, language and (optionally) channel.

``templates/notify/<language>/<event>.<channel>.txt``, falling back to ``<event>.default.txt``;
the first line is the subject, the rest the body. A message is written whole in each language
rather than assembled from gettext fragments: a translator (and a reviewer) sees the full text
a resident will receive, and an SMS can be worded shorter in one language than the other.
Templates are plain text, so HTML escaping is off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import translation

from propdesk.tickets.models import Ticket

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
#: Languages with a full set of message templates; others fall back to the default language.
LANGUAGES = ("zh-hans", "en")
#: Related rows :func:`ticket_context` reads; fetch tickets with ``select_related(*these)``.
TICKET_RELATED = ("company", "project", "room__building", "room__unit", "resident")

_engine = Engine(dirs=[str(TEMPLATE_DIR)], autoescape=False, libraries={})
_BLANK_LINES = re.compile(r"\n{3,}")


class TemplateMissing(LookupError):
    """No template for this event in any language: a programming error, not a delivery one."""


def language_of(value: str | None) -> str:
    """A language we have templates for: ``value`` when we do, else the site's default."""
    for candidate in (value, settings.LANGUAGE_CODE):
        code = (candidate or "").lower()
        if code in LANGUAGES:
            return code
        if code.split("-")[0] == "en":
            return "en"
        if code.startswith("zh"):
            return "zh-hans"
    return LANGUAGES[0]


def _template(event: str, channel: str, language: str):
    names = [
        f"notify/{lang}/{event}.{suffix}.txt"
        for lang in dict.fromkeys((language, LANGUAGES[0]))
        for suffix in (channel, "default")
    ]
    try:
        return _engine.select_template(names)
    except TemplateDoesNotExist as exc:
        raise TemplateMissing(f"no message template for {event!r}: tried {names}") from exc


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def render(event: str, channel: str, language: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """``(subject, body)`` of one message, in ``language`` (dates and labels too)."""
    language = language_of(language)
    template = _template(event, channel, language)
    with translation.override(language):
        text = template.render(Context(dict(context), autoescape=False))
    subject, _, body = text.strip().partition("\n")
    return subject.strip()[:200], _tidy(body)


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ticket_context(ticket: Ticket) -> dict[str, Any]:
    """What every template may say about a ticket, with labels in the active language."""
    place = " ".join(p for p in (ticket.room.label if ticket.room_id else "", ticket.place) if p)
    return {
        "number": ticket.number,
        "company": ticket.company.name,
        "project": ticket.project.name,
        "kind": str(ticket.get_kind_display()),
        "description": _excerpt(ticket.description),
        "place": place,
        "resident_name": ticket.resident.name if ticket.resident_id else ticket.contact_name,
        "reply_by": ticket.agreed_reply_at,
        "resolution": _excerpt(ticket.resolution, 120),
        # Where the resident follows the request themselves (the portal registers it), or "".
        "portal_link": next((link for make in _ticket_links if (link := make(ticket))), ""),
    }


#: Functions giving the address a resident follows a request at, registered by the app that
#: serves it (the portal, from its AppConfig.ready()); notify knows no app above it.
_ticket_links: list[Callable[[Ticket], str]] = []


def add_ticket_link(make: Callable[[Ticket], str]) -> None:
    if make not in _ticket_links:
        _ticket_links.append(make)


#: Functions that turn coded values of a context into readable labels (the SLA domain's clock
#: kinds), registered from the AppConfig.ready() of the app that owns the codes.
_labellers: list[Callable[[Mapping[str, Any]], dict[str, Any]]] = []


def add_labels(labeller: Callable[[Mapping[str, Any]], dict[str, Any]]) -> None:
    if labeller not in _labellers:
        _labellers.append(labeller)


def labels(context: Mapping[str, Any]) -> dict[str, Any]:
    """Readable labels for coded values a caller passed (a clock kind), in the active language."""
    extra: dict[str, Any] = {}
    for labeller in _labellers:
        extra.update(labeller(context))
    return extra
