"""A statistics period in year 1 or 9999 overflowed once turned into local midnights (a 500,
found by fuzzing /stats/pareto): it is refused naming ``period``."""

from __future__ import annotations

import pytest

from propdesk.core.errors import InvalidInput
from propdesk.stats.period import Period
from propdesk.tickets.tests.test_api_helpers import ApiClient, quick_password_hashing  # noqa: F401


@pytest.mark.parametrize("text", ["0001-01", "9999-12", "1899-12-01..2026-01-31"])
def test_a_period_outside_the_days_counted_is_refused(text):
    with pytest.raises(InvalidInput) as refused:
        Period.parse(text)

    assert refused.value.field == "period"


def test_the_refusal_says_which_days_are_counted():
    with pytest.raises(InvalidInput) as refused:
        Period.parse("0001-01")

    assert refused.value.message == "日期应在 1900-01-01 到 2999-12-31 之间"


@pytest.mark.parametrize("path", ["/stats/figures", "/stats/breakdown", "/stats/pareto"])
def test_the_statistics_api_answers_400_naming_period(world, path):
    response = ApiClient(world.hq).get(path, {"period": "0001-01", "by": "category"})

    assert response.status_code == 400
    assert response.json()["field"] == "period"
