"""Fixtures of the surveys tests: the hand-made households and campaigns of ``helpers``."""

from __future__ import annotations

import pytest

from .helpers import answered_campaign, population


@pytest.fixture
def rooms(world):
    return population(world)


@pytest.fixture
def answered(world, rooms):
    """The campaign over both projects with the hand-made answers of ``helpers.ANSWERS``."""
    return answered_campaign(world, rooms)
