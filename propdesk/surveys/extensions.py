"""What other apps add to a campaign's page, registered from their ``AppConfig.ready()`` so
that surveys imports none of them (DESIGN.md, "Layout"): the corrective actions opened from
the survey's results (improvement) are drawn under the results by that app's own template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CampaignPart:
    """``read(request, campaign, moves, forms)`` gives what ``template`` draws (as ``part``),
    or None to draw nothing; ``forms`` holds a form of the part that failed, by name."""

    name: str
    template: str
    read: Callable[..., Any]


_parts: dict[str, CampaignPart] = {}


def add_campaign_part(part: CampaignPart) -> None:
    _parts[part.name] = part


def campaign_parts(request: Any, campaign: Any, moves: list[str], forms: dict) -> list[dict]:
    drawn = []
    for part in _parts.values():
        if (value := part.read(request, campaign, moves, forms)) is not None:
            drawn.append({"template": part.template, "part": value})
    return drawn
