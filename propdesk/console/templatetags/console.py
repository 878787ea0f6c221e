"""Template helpers: time left on a clock in words and colour, masked phones."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from propdesk.core.words import duration_words

register = template.Library()


@register.simple_tag
def options(items, selected: str = "", value: str | None = None, label: str | None = None):
    """The <option>s of a select, built in one call: ``items`` are (value, label) pairs, or
    objects read by the ``value`` and ``label`` attribute names. Looping over a company's 200
    projects option by option in the template took most of an HQ queue page's time."""
    chosen = str(selected)

    def pair(item) -> tuple:
        if value is None:
            return item[0], item[1]
        return getattr(item, value), getattr(item, label)

    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (v, mark_safe(" selected") if str(v) == chosen else "", text)
            for v, text in map(pair, items)
        ),
    )


@register.simple_tag
def time_left(clock: dict | None):
    """A clock (as clock_data gives it) as "剩 3小时5分" in green, amber past the warning
    point, red when late; paused clocks grey."""
    if not clock:
        return ""
    state, left = clock.get("state"), clock.get("time_left_seconds")
    if state == "paused":
        return format_html(
            '<span class="time-left paused">{} {}</span>', _("已暂停"), duration_words(left or 0)
        )
    if state == "breached" or (left is not None and left < 0):
        late = -(left or 0)
        return format_html(
            '<span class="time-left late">{}</span>', _("超时 %(t)s") % {"t": duration_words(late)}
        )
    if left is None:
        return format_html('<span class="text-muted">{}</span>', clock.get("state_display", ""))
    css = "soon" if clock.get("warned") else "ok"
    return format_html(
        '<span class="time-left {}">{}</span>', css, _("剩 %(t)s") % {"t": duration_words(left)}
    )


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def phone_flag(stored: str | None):
    """A visible warning beside a phone kept as typed because it could not be validated
    (residents/phones.py); nothing for a valid or an empty phone."""
    from propdesk.residents.phones import warning

    said = warning(stored)
    if not said:
        return ""
    return format_html(
        ' <span class="badge text-bg-warning phone-warning" title="{}">'
        '<i class="bi bi-exclamation-triangle"></i> {}</span>',
        said,
        _("号码未核实"),
    )
