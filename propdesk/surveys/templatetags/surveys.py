"""Template helpers for survey figures: a rate as "66.67%", a change in percentage points."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def percent(rate) -> str:
    """A :class:`Rate` (or a Decimal percentage) as "66.67%"; "—" when there is nothing to
    divide by."""
    value = getattr(rate, "percent", rate)
    return "—" if value is None else f"{value}%"


@register.filter
def points(value: Decimal | None):
    """A change in percentage points, green up and red down."""
    if value is None:
        return "—"
    if value > 0:
        return format_html('<span class="text-success">+{}</span>', value)
    if value < 0:
        return format_html('<span class="text-danger">{}</span>', value)
    return "0.00"
