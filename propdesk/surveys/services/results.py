"""The results of a campaign (SPEC §7), counted by the database and returned as exact counts
beside their percentages.

Formulas (SPEC §7):

- 回收率 return rate = questionnaires returned / questionnaires issued × 100%. A returned
  questionnaire counts even when no item on it was answered. It must reach the campaign's
  minimum (default 30%); below it the results are flagged.
- 满意率 satisfaction rate = (很满意 + 满意 + 基本满意) / answered items × 100%, per item, per
  service area, per project and overall. Items left unanswered are not in the denominator.
- The dissatisfaction Pareto (排列图) orders items (or areas) by the count of 不满意 + 很不满意,
  with each one's cumulative share of all such answers; the few that reach 80% are the
  "vital few" to correct first.

A user sees the figures of the campaign's projects within their own scope only (SPEC §1).
Percentages are ``Decimal`` rounded half-up to two places; ``Rate.fraction`` is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, TypeVar

from django.db.models import Count, Q, QuerySet

from propdesk.org.models import Project, User

from ..choices import (
    DISSATISFIED_LEVELS,
    SATISFIED_LEVELS,
    CampaignStatus,
    Satisfaction,
    ServiceArea,
)
from ..models import Campaign, Invitation, Item, ResponseItem
from .access import get_campaign, scope_of, visible_campaigns

#: The Pareto line: the categories that together make 80% of the dissatisfaction.
PARETO_LINE = Fraction(80, 100)
CENT = Decimal("0.01")


def as_percent(share: Fraction) -> Decimal:
    """An exact share as a percentage rounded half-up to 0.01 (2/3 → 66.67)."""
    hundred = share * 100
    return (Decimal(hundred.numerator) / Decimal(hundred.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Rate:
    """``part`` of ``whole``; no rate at all when nothing was counted."""

    part: int
    whole: int

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.part, self.whole) if self.whole else None

    @property
    def percent(self) -> Decimal | None:
        share = self.fraction
        return None if share is None else as_percent(share)


@dataclass
class Figure:
    """Answers of a group of items: count per level, and the satisfaction rate."""

    key: Any
    label: str
    levels: dict[str, int]
    answered: int
    satisfied: int
    dissatisfied: int

    @property
    def satisfaction(self) -> Rate:
        return Rate(self.satisfied, self.answered)


@dataclass
class ItemFigure(Figure):
    area: str = ""
    area_label: str = ""
    order: int = 0


@dataclass
class ProjectFigure(Figure):
    code: str = ""
    invitations: int = 0
    responses: int = 0
    below_minimum: bool = False

    @property
    def return_rate(self) -> Rate:
        return Rate(self.responses, self.invitations)


@dataclass
class Results:
    campaign: Campaign
    project_ids: frozenset[int]
    invitations: int
    responses: int
    minimum: Decimal
    overall: Figure
    items: list[ItemFigure] = field(default_factory=list)
    areas: list[Figure] = field(default_factory=list)
    projects: list[ProjectFigure] = field(default_factory=list)

    @property
    def return_rate(self) -> Rate:
        return Rate(self.responses, self.invitations)

    @property
    def below_minimum(self) -> bool:
        return below(self.return_rate, self.minimum)


def below(rate: Rate, minimum: Decimal) -> bool:
    """Whether a return rate misses the minimum, compared exactly (29% is below 30%)."""
    share = rate.fraction
    return share is not None and share < Fraction(minimum) / 100


def _answers(campaign: Campaign, project_ids: frozenset[int]) -> QuerySet[ResponseItem]:
    return ResponseItem.objects.filter(
        response__campaign=campaign, response__project_id__in=project_ids
    )


def _counts() -> dict[str, Count]:
    """Counted by the database in one pass: per level, answered, satisfied, dissatisfied."""
    counts = {f"n_{level}": Count("pk", filter=Q(level=level)) for level in Satisfaction.values}
    counts["answered"] = Count("pk", filter=~Q(level=""))
    counts["satisfied"] = Count("pk", filter=Q(level__in=list(SATISFIED_LEVELS)))
    counts["dissatisfied"] = Count("pk", filter=Q(level__in=list(DISSATISFIED_LEVELS)))
    return counts


_F = TypeVar("_F", bound=Figure)


def _figure(cls: type[_F], row: Mapping[str, Any] | None, key: Any, label: str, **extra: Any) -> _F:
    row = row or {}
    return cls(
        key=key,
        label=label,
        levels={level: row.get(f"n_{level}", 0) for level in Satisfaction.values},
        answered=row.get("answered", 0),
        satisfied=row.get("satisfied", 0),
        dissatisfied=row.get("dissatisfied", 0),
        **extra,
    )


def compute(campaign: Campaign, project_ids: frozenset[int]) -> Results:
    """Every figure of one campaign over the given projects: about six grouped queries,
    whatever the number of answers."""
    answers = _answers(campaign, project_ids)
    counts = _counts()
    issued = {
        row["project"]: row
        for row in Invitation.objects.filter(campaign=campaign, project_id__in=project_ids)
        .values("project")
        .annotate(invited=Count("pk"), returned=Count("response"))
        .order_by()
    }
    by_item = {r["item"]: r for r in answers.values("item").annotate(**counts).order_by()}
    by_area = {
        r["item__area"]: r for r in answers.values("item__area").annotate(**counts).order_by()
    }
    by_project = {
        r["response__project"]: r
        for r in answers.values("response__project").annotate(**counts).order_by()
    }
    overall = answers.aggregate(**counts)
    items = list(Item.objects.filter(campaign=campaign).order_by("order", "pk"))
    areas = [a for a in ServiceArea if any(i.area == a for i in items)]
    minimum = campaign.min_return_rate
    projects = []
    for project in Project.objects.filter(pk__in=project_ids).order_by("code"):
        invited: Mapping[str, object] = issued.get(project.pk, {})
        figure = _figure(
            ProjectFigure,
            by_project.get(project.pk),
            project.pk,
            project.name,
            code=project.code,
            invitations=invited.get("invited", 0),
            responses=invited.get("returned", 0),
        )
        figure.below_minimum = below(figure.return_rate, minimum)
        projects.append(figure)
    return Results(
        campaign=campaign,
        project_ids=project_ids,
        invitations=sum(r["invited"] for r in issued.values()),
        responses=sum(r["returned"] for r in issued.values()),
        minimum=minimum,
        overall=_figure(Figure, overall, "overall", "overall"),
        items=[
            _figure(
                ItemFigure,
                by_item.get(i.pk),
                i.pk,
                i.text,
                area=i.area,
                area_label=i.get_area_display(),
                order=i.order,
            )
            for i in items
        ],
        areas=[_figure(Figure, by_area.get(a.value), a.value, str(a.label)) for a in areas],
        projects=projects,
    )


def campaign_results(user: User, pk: int) -> Results:
    campaign = get_campaign(user, pk)
    return compute(campaign, scope_of(user, campaign))


# ---- comparison with the previous campaign ------------------------------------------------


@dataclass
class Change:
    """One figure now and in the previous campaign; ``points`` = now − then, in percentage
    points (exact, then rounded like the percentages)."""

    key: Any
    label: str
    area_label: str
    now: Rate
    then: Rate | None

    @property
    def points(self) -> Decimal | None:
        if self.then is None or self.now.fraction is None or self.then.fraction is None:
            return None
        return as_percent(self.now.fraction - self.then.fraction)


@dataclass
class Comparison:
    previous: Campaign
    return_rate: Change
    overall: Change
    areas: list[Change]
    items: list[Change]


def previous_campaign(user: User, campaign: Campaign) -> Campaign | None:
    """The same company's latest campaign before this one (by start date, then creation) that
    reached residents and that this user sees."""
    earlier = Q(period_start__lt=campaign.period_start) | Q(
        period_start=campaign.period_start, pk__lt=campaign.pk
    )
    return (
        visible_campaigns(user)
        .filter(earlier, company_id=campaign.company_id)
        .filter(status__in=[CampaignStatus.ISSUED, CampaignStatus.CLOSED])
        .order_by("-period_start", "-pk")
        .first()
    )


def _item_key(area: str, text: str) -> tuple[str, str]:
    return area, " ".join(text.split())


def compare(user: User, current: Results) -> Comparison | None:
    """This campaign against the previous one: items matched by service area and text, areas
    by area; each side over the projects the user sees."""
    previous = previous_campaign(user, current.campaign)
    if previous is None:
        return None
    then = compute(previous, scope_of(user, previous))
    then_items = {_item_key(i.area, i.label): i.satisfaction for i in then.items}
    then_areas = {a.key: a.satisfaction for a in then.areas}
    areas = [
        Change(a.key, a.label, a.label, a.satisfaction, then_areas.get(a.key))
        for a in current.areas
    ]
    items = [
        Change(
            i.key, i.label, i.area_label, i.satisfaction, then_items.get(_item_key(i.area, i.label))
        )
        for i in current.items
    ]
    return Comparison(
        previous=previous,
        return_rate=Change("return_rate", "", "", current.return_rate, then.return_rate),
        overall=Change("overall", "", "", current.overall.satisfaction, then.overall.satisfaction),
        areas=areas,
        items=items,
    )


# ---- Pareto of dissatisfaction --------------------------------------------------------------


@dataclass
class ParetoRow:
    key: Any
    label: str
    area: str
    count: int
    cumulative: int
    total: int
    #: Among the few that make the first 80% (the row that crosses the line included).
    vital: bool

    @property
    def share(self) -> Rate:
        return Rate(self.count, self.total)

    @property
    def cumulative_share(self) -> Rate:
        return Rate(self.cumulative, self.total)


def pareto(campaign: Campaign, project_ids: frozenset[int], *, by: str = "item") -> list[ParetoRow]:
    """Items (``by="item"``) or service areas (``by="area"``) with any 不满意 or 很不满意,
    most first (ties in questionnaire order), with cumulative counts and shares."""
    answers = _answers(campaign, project_ids)
    unhappy = Count("pk", filter=Q(level__in=list(DISSATISFIED_LEVELS)))
    rows: list[tuple[int | str, str, str, int]]
    if by == "area":
        labels = dict(ServiceArea.choices)
        rows = [
            (r["item__area"], str(labels[r["item__area"]]), r["item__area"], r["count"])
            for r in answers.values("item__area")
            .annotate(count=unhappy)
            .filter(count__gt=0)
            .order_by("-count", "item__area")
        ]
    else:
        rows = [
            (r["item"], r["item__text"], r["item__area"], r["count"])
            for r in answers.values("item", "item__text", "item__area", "item__order")
            .annotate(count=unhappy)
            .filter(count__gt=0)
            .order_by("-count", "item__order", "item")
        ]
    total = sum(count for *_, count in rows)
    result, cumulative = [], 0
    for key, label, area, count in rows:
        vital = total > 0 and Fraction(cumulative, total) < PARETO_LINE
        cumulative += count
        result.append(ParetoRow(key, label, area, count, cumulative, total, vital))
    return result
