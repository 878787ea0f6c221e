"""The figures of SPEC §9 at /api/v1/stats/…, for a period and a scope in the user's reach."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from propdesk.core.errors import InvalidInput
from propdesk.core.schemas import ErrorOut

from . import figures
from .period import Period, scope_for
from .reports import snapshot

router = Router(tags=["statistics"])
ERRORS = {400: ErrorOut, 403: ErrorOut}


class StatsQuery(Schema):
    period: str = Field(description="YYYY-MM, or YYYY-MM-DD..YYYY-MM-DD")
    scope: str = Field("company", description="company | region:CODE | project:CODE")


class RateOut(Schema):
    part: int
    whole: int
    percent: Decimal | None


class CountsOut(Schema):
    received: int
    closed: int
    open_at_end: int
    reopened: int
    repeat_complaints: int


class HandlingOut(Schema):
    resolved: int
    average_hours: float | None
    p90_hours: float | None


class FollowUpBreachesOut(Schema):
    breaches: int = Field(description="follow-up clocks that fell due in the period and breached")
    complaints: int = Field(description="the complaints those breaches belong to")


class ClaimTotalsOut(Schema):
    """One project's compensation claims in the period (``figures_claims``), amounts in yuan;
    the total line has no project code."""

    project_code: str
    project_name: str
    opened: int = Field(description="claims opened in the period")
    approved: int = Field(description="claims whose approval was completed in the period")
    approved_amount: Decimal
    paid: int = Field(description="claims paid, by the day of payment")
    paid_amount: Decimal
    charged_back: int = Field(description="charge-backs to a third party opened in the period")
    charged_back_amount: Decimal
    recovered: int = Field(description="charge-backs recovered, by the day of recovery")
    recovered_amount: Decimal
    pending: int = Field(description="charge-backs not recovered at the period's end")
    pending_amount: Decimal


class ClaimFiguresOut(Schema):
    projects: list[ClaimTotalsOut]
    total: ClaimTotalsOut


class SnapshotOut(Schema):
    """Every figure of a period (``reports.snapshot``), as the statistics and a report hold
    them. Figures added since a report was published are absent (null) in that report."""

    period: str
    counts: CountsOut
    last_month: CountsOut
    same_month_last_year: CountsOut
    timeliness: dict[str, RateOut] = Field(description="per clock: met / fell due")
    complaint_timeliness: RateOut | None = Field(
        None,
        description="投诉处理及时率 (seed 003): complaints handled on time by their work orders "
        "/ complaints received in the period",
    )
    follow_up_breaches: FollowUpBreachesOut | None = None
    callback_rate: RateOut
    repair_callback_rate: RateOut
    repair_callback_target_percent: Decimal
    routine_coverage: RateOut
    callback_satisfaction: RateOut
    survey_satisfaction: RateOut
    handling_time: HandlingOut
    claims: ClaimFiguresOut | None = Field(
        None,
        description="compensation claims per project (SPEC §8): opened, approved, paid, "
        "charged back to third parties, recovered and pending, in yuan",
    )


class FiguresOut(SnapshotOut):
    scope: str
    scope_name: str


@router.get(
    "/stats/figures",
    response={200: FiguresOut, **ERRORS},
    summary="Every SPEC §9 figure for a period and a scope",
)
def all_figures(request: HttpRequest, query: Query[StatsQuery]) -> dict:
    period = Period.parse(query.period)
    scope = scope_for(request.user, query.scope)
    return {
        **snapshot(scope.project_ids, period),
        "scope": query.scope,
        "scope_name": scope.name,
    }


class BreakdownQuery(StatsQuery):
    by: str = Field(description="kind | category | category_group | channel | grade | department")


class BreakdownRow(Schema):
    key: str
    received: int
    closed: int
    reopened: int


@router.get(
    "/stats/breakdown",
    response={200: list[BreakdownRow], **ERRORS},
    summary="Received, closed and reopened by one dimension",
)
def breakdown(request: HttpRequest, query: Query[BreakdownQuery]) -> list[dict]:
    if query.by not in figures.DIMENSIONS:
        raise InvalidInput(_("维度应为:%(o)s") % {"o": ", ".join(figures.DIMENSIONS)}, field="by")
    scope = scope_for(request.user, query.scope)
    return figures.breakdown(scope.project_ids, Period.parse(query.period), query.by)


class ParetoRowOut(Schema):
    key: str
    name: str
    count: int
    cumulative: int
    cumulative_percent: Decimal
    vital: bool = Field(description="among the few categories that make 80% of complaints")


@router.get(
    "/stats/pareto",
    response={200: list[ParetoRowOut], **ERRORS},
    summary="Pareto of complaint categories (80% line)",
)
def pareto(
    request: HttpRequest, query: Query[StatsQuery], by: str = "category_group"
) -> list[dict]:
    if by not in ("category", "category_group"):
        raise InvalidInput(_("维度应为 category 或 category_group"), field="by")
    scope = scope_for(request.user, query.scope)
    return [
        row.__dict__ for row in figures.pareto(scope.project_ids, Period.parse(query.period), by=by)
    ]
