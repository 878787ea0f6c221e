"""Compensation claims in the figures (SPEC §8, §9; issue 21 item 2: "totals by project and
month in the figures"): per project of the scope, what happened to claims in the period, in
yuan as ``Decimal``. The definition is casework's (``casework.claims_totals``), so the claims
page, the claims API, the statistics and the monthly report always agree.

For a period and the scope's projects, each project where anything happened:

- opened = claims opened in the period;
- approved = claims whose last approval step was passed in the period; approved amount = the
  sum of their approved amounts;
- paid = claims recorded paid whose payment day is in the period; paid amount = the sum of
  the amounts paid;
- charged back = charge-backs to a third party at fault opened in the period, and their sum;
- recovered = charge-backs recovered whose recovery day is in the period; recovered amount =
  the sum recovered;
- pending = charge-backs opened before the period's end and not recovered by then (requested,
  agreed or disputed), their claim not withdrawn by then; pending amount = the sum charged.

The total line adds the projects up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from propdesk.casework.claims_totals import COUNTED, ClaimTotals, period_totals, summed

from .figures import ProjectIds
from .period import Period

__all__ = ["COUNTED", "ClaimTotals", "claim_figures", "claims_by_project"]


def claims_by_project(project_ids: ProjectIds, period: Period) -> list[ClaimTotals]:
    """Each project's claims in the period (see the module), by project code."""
    return period_totals(project_ids, period.start, period.end)


def _json(row: ClaimTotals) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in row.as_dict().items()}


def claim_figures(project_ids: ProjectIds, period: Period) -> dict[str, Any]:
    """The claims of the period as a snapshot holds them: ``projects`` (one row each) and
    ``total``, amounts as strings of yuan with two decimals (exact in JSON)."""
    rows = claims_by_project(project_ids, period)
    return {"projects": [_json(r) for r in rows], "total": _json(summed(rows))}
