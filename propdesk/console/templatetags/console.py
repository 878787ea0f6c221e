"""Template helpers: time left on a clock in words and colour, masked phones."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def duration_words(seconds: int) -> str:
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s天%(h)s小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s小时%(m)s分") % {"h": hours, "m": minutes}
    return _("%(m)s分钟") % {"m": minutes}


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
