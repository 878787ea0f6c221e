"""The results part of a campaign's page: the figures, the comparison with the previous
campaign, the Pareto of dissatisfaction, the data its two charts draw, and what other apps add
under them (the corrective actions: ``surveys.extensions``). The figures come from
:mod:`propdesk.surveys.services.results`, counted by the database; the charts get them as
JSON with labels already translated."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from .. import services
from ..extensions import campaign_parts
from ..models import Campaign
from ..services.results import PARETO_LINE, Results, as_percent


def chart_data(figures: Results, pareto_rows: list) -> dict:
    """What the two charts draw: satisfaction per service area (bars), and the Pareto of
    dissatisfaction (bars of counts, a line of cumulative percentages, and the 80% line)."""
    return {
        "areas": {
            "names": [a.label for a in figures.areas],
            "percents": [
                float(a.satisfaction.percent) if a.satisfaction.percent is not None else None
                for a in figures.areas
            ],
            "label": _("满意率(%)"),
        },
        "pareto": {
            "names": [r.label for r in pareto_rows],
            "counts": [r.count for r in pareto_rows],
            "cumulative": [float(r.cumulative_share.percent) for r in pareto_rows],
            "line": float(as_percent(PARETO_LINE)),
            "count_label": _("不满意次数"),
            "cumulative_label": _("累计百分比(%)"),
            "line_label": _("80% 线"),
        },
    }


def results_context(
    request: HttpRequest, campaign: Campaign, moves: list[str], forms: dict
) -> dict:
    user = request.user
    project_ids = services.scope_of(user, campaign)
    figures = services.compute(campaign, project_ids)
    pareto_by = "area" if request.GET.get("pareto") == "area" else "item"
    pareto_rows = services.pareto(campaign, project_ids, by=pareto_by)
    comparison = services.compare(user, figures)
    return {
        "figures": figures,
        "comparison": comparison,
        "item_changes": {c.key: c for c in comparison.items} if comparison else {},
        "area_changes": {c.key: c for c in comparison.areas} if comparison else {},
        "pareto_rows": pareto_rows,
        "pareto_by": pareto_by,
        "chart": chart_data(figures, pareto_rows),
        "may_enter": "enter" in moves,
        "campaign_parts": campaign_parts(request, campaign, moves, forms),
    }
