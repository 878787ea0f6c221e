"""All scenarios in one place, by kind, and the checks that keep the texts consistent."""

from __future__ import annotations

from propdesk.tickets.choices import Kind

from .scenarios import Scenario
from .texts_disputes import DISPUTE_COMPLAINTS
from .texts_facilities import FACILITY_COMPLAINTS
from .texts_fees import FEE_AND_DEVELOPER_COMPLAINTS
from .texts_help import HELP_REQUESTS
from .texts_other import CONSULTATIONS, PRAISES, SUGGESTIONS
from .texts_repairs import REPAIRS

SCENARIOS: tuple[Scenario, ...] = (
    *FACILITY_COMPLAINTS,
    *DISPUTE_COMPLAINTS,
    *FEE_AND_DEVELOPER_COMPLAINTS,
    *REPAIRS,
    *HELP_REQUESTS,
    *CONSULTATIONS,
    *SUGGESTIONS,
    *PRAISES,
)
BY_KIND: dict[str, tuple[Scenario, ...]] = {
    kind: tuple(s for s in SCENARIOS if s.kind == kind) for kind in Kind.values
}


def all_templates(scenario: Scenario) -> list[str]:
    """Every text of a scenario that is rendered with a ticket's placeholders."""
    return [
        scenario.topic,
        scenario.place,
        *scenario.places,
        *scenario.descriptions,
        *scenario.expectations,
        *scenario.results,
        *scenario.notes,
        *scenario.patrol,
        *scenario.answers,
        *scenario.unhappy,
        *scenario.suspend,
        *scenario.disagreement,
        *scenario.beyond,
    ]
