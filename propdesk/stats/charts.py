"""Charts of the monthly report drawn on the server as SVG, for the PDF and the report page.

WeasyPrint renders inline SVG itself, so the PDF needs no browser and no JavaScript; the same
markup shows on the report page, where the figures are frozen and need no interaction. Every
text element names the CJK font explicitly: SVG text does not inherit the page's font in
WeasyPrint, and the fallback it picks would draw Chinese with Japanese glyph shapes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
BAR = "#4e79a7"
VITAL_BAR = "#e15759"
LINE = "#f28e2b"
GRID = "#e3e3e3"
AXIS = "#666666"
#: Room around the plot: y-axis figures on the left, the percentage axis on the right,
#: category names (possibly slanted) below.
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 18, 64
#: Longer names are cut so neighbouring labels do not overlap.
LABEL_CHARS = 8


def _nice_scale(largest: float, ticks: int = 5) -> tuple[float, float]:
    """The axis top and tick step: a step of 1, 2 or 5 × 10ⁿ giving about ``ticks`` lines,
    so the grid reads in round numbers."""
    if largest <= 0:
        return 1.0, 1.0
    rough = largest / ticks
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    step = max(step, 1.0)  # counts are whole numbers: never a step below one
    return math.ceil(largest / step) * step, step


def _text(
    x: float, y: float, content: str, *, size: int = 11, anchor: str = "middle", **attrs: object
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="#333"{extra}>{escape(content)}</text>'
    )


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _frame(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 — every text inside went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _empty(width: int, height: int, title: str) -> SafeString:
    return _frame(
        width, height, title, [_text(width / 2, height / 2, _("本期无数据"), size=12, fill="#999")]
    )


def _value_axis(width: int, height: int, top: float, step: float) -> list[str]:
    """Horizontal grid lines with their figures on the left."""
    plot_h = height - TOP - BOTTOM
    parts = []
    value = 0.0
    while value <= top + 1e-9:
        y = TOP + plot_h - plot_h * value / top
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 6, y + 4, f"{value:g}", size=10, anchor="end"))
        value += step
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{width - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    return parts


def _bars(
    labels: Sequence[str],
    values: Sequence[int],
    width: int,
    height: int,
    top: float,
    colours: Sequence[str],
) -> tuple[list[str], list[float]]:
    """The bars with their values above and names below; returns the bar centres too."""
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    slot = plot_w / len(values)
    bar_w = min(slot * 0.6, 48)
    slanted = len(values) > 6
    parts, centres = [], []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = LEFT + slot * (i + 0.5)
        bar_h = plot_h * value / top
        y = TOP + plot_h - bar_h
        parts.append(
            f'<rect x="{centre - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
            f'height="{bar_h:.1f}" fill="{colours[i]}"/>'
        )
        parts.append(_text(centre, y - 3, str(value), size=10))
        base = TOP + plot_h + 14
        if slanted:
            parts.append(
                _text(
                    centre,
                    base,
                    _short(label),
                    size=10,
                    anchor="end",
                    transform=f"rotate(-35 {centre:.1f} {base:.1f})",
                )
            )
        else:
            parts.append(_text(centre, base, _short(label), size=10))
        centres.append(centre)
    return parts, centres


def bar_chart(
    labels: Sequence[str], values: Sequence[int], *, title: str, width: int = 520, height: int = 240
) -> SafeString:
    """One bar per label (e.g. received by kind), the count above each bar."""
    if not values or not any(values):
        return _empty(width, height, title)
    top, step = _nice_scale(max(values))
    body = _value_axis(width, height, top, step)
    bars, _centres = _bars(labels, values, width, height, top, [BAR] * len(values))
    return _frame(width, height, title, body + bars)


def pareto_chart(
    names: Sequence[str],
    counts: Sequence[int],
    cumulative_percents: Sequence[Decimal | float],
    vital: Sequence[bool],
    *,
    title: str,
    line: Decimal | float = 80,
    width: int = 520,
    height: int = 260,
) -> SafeString:
    """排列图: complaints by category, most first (the vital few in red), the cumulative share
    as a line on the right-hand 0–100% axis, and the 80% line dashed across."""
    if not counts or not any(counts):
        return _empty(width, height, title)
    top, step = _nice_scale(max(counts))
    plot_h = height - TOP - BOTTOM
    body = _value_axis(width, height, top, step)
    colours = [VITAL_BAR if v else BAR for v in vital]
    bars, centres = _bars(names, counts, width, height, top, colours)
    body += bars

    def share_y(percent: float) -> float:
        return TOP + plot_h - plot_h * percent / 100

    for percent in (0, 20, 40, 60, 80, 100):
        body.append(
            _text(width - RIGHT + 6, share_y(percent) + 4, f"{percent}%", size=10, anchor="start")
        )
    y80 = share_y(float(line))
    body.append(
        f'<line x1="{LEFT}" y1="{y80:.1f}" x2="{width - RIGHT}" y2="{y80:.1f}" '
        f'stroke="{VITAL_BAR}" stroke-width="1" stroke-dasharray="5,4"/>'
    )
    body.append(_text(LEFT + 4, y80 - 4, f"{float(line):g}%", size=10, anchor="start"))
    points = " ".join(
        f"{x:.1f},{share_y(float(p)):.1f}"
        for x, p in zip(centres, cumulative_percents, strict=True)
    )
    body.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for x, p in zip(centres, cumulative_percents, strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{share_y(float(p)):.1f}" r="3" fill="{LINE}"/>')
    return _frame(width, height, title, body)
