"""Amounts as staff pages say them in words, in whichever app the page lives."""

from __future__ import annotations

from django.utils.translation import gettext as _


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
