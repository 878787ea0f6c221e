"""A campaign's plan and questionnaire (SPEC §7). Both change only in draft, so what was
approved is what residents answer. Its moves (draft → submitted → [reviewed →] approved →
issued → closed) are in :mod:`.moves` and :mod:`.approval`.

Whose plan it is (``unit``, seed 001 篇4) decides its approval: a plan written by a
quality-role user is always 品质部's; anyone else's is a department's unless they mark it as
品质部's (HQ writing it for 品质部), which only adds the general manager's approval."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, OutOfScope
from propdesk.org.choices import Role
from propdesk.org.models import Project, User
from propdesk.org.roles import require_role, role_of
from propdesk.residents.models import Building

from ..choices import CampaignEventKind, CampaignStatus, OrganiserUnit, ServiceArea
from ..models import DEFAULT_MIN_RETURN_RATE, ITEM_ORDER_MAX, Campaign, Item
from .access import (
    ORGANISERS,
    get_campaign,
    record,
    require_whole_scope,
)

#: Fields of the plan that ``update_campaign`` accepts.
PLAN_FIELDS = frozenset(
    {
        "name",
        "purpose",
        "population",
        "sample",
        "period_start",
        "period_end",
        "staff",
        "min_return_rate",
        "project_ids",
        "building_ids",
        "unit",
    }
)

#: 24 random bytes: a 32-character url-safe token, 192 bits that nobody guesses.
TOKEN_BYTES = 24


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def require_organiser(actor: User) -> None:
    require_role(actor, ORGANISERS, _("只有客服主管、项目经理、品质部及以上可以组织满意度调查"))


def _require_draft(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise InvalidTransition(
            _("调查已“%(s)s”,只有草稿可以修改") % {"s": campaign.get_status_display()}
        )


def clean_text(value: Any, field: str, *, required: bool = False, limit: int | None = None) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(_("请填写此项"), field=field)
    if limit and len(text) > limit:
        raise InvalidInput(_("不能超过 %(n)s 个字") % {"n": limit}, field=field)
    return text


def _rate(value: Any) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("应为 0–100 之间的数字"), field="min_return_rate") from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100):
        raise InvalidInput(_("应为 0–100 之间的数字"), field="min_return_rate")
    return rate.quantize(Decimal("0.01"))


def _projects(actor: User, ids: Iterable[int]) -> list[Project]:
    ids = list(dict.fromkeys(ids))
    projects = list(Project.objects.filter(pk__in=ids))
    if len(projects) != len(ids):
        raise InvalidInput(_("项目不存在"), field="projects")
    for project in projects:
        if not actor.in_scope(project.pk):
            raise OutOfScope(
                _("项目“%(p)s”不在您的数据范围内") % {"p": project.code}, field="projects"
            )
    return projects


def _company_id(actor: User, projects: list[Project]) -> int:
    companies: set[int | None] = {p.company_id for p in projects} or {actor.company_id}
    company_id = companies.pop() if len(companies) == 1 else None
    if company_id is None:
        raise InvalidInput(_("调查项目须属于同一家公司"), field="projects")
    if not projects:
        # A company-wide campaign reaches every household of the company: only for users
        # whose scope is the whole company.
        everyone = set(
            Project.objects.filter(company_id=company_id, is_active=True).values_list(
                "pk", flat=True
            )
        )
        if not everyone <= actor.project_ids:
            raise OutOfScope(_("请选择调查项目:您的数据范围不是全公司"), field="projects")
    return company_id


def _buildings(ids: Iterable[int], company_id: int, projects: list[Project]) -> list[Building]:
    ids = list(dict.fromkeys(ids))
    rows = Building.objects.filter(pk__in=ids)
    rows = (
        rows.filter(project__in=projects)
        if projects
        else rows.filter(project__company_id=company_id)
    )
    buildings = list(rows)
    if len(buildings) != len(ids):
        raise InvalidInput(_("楼栋须属于所选的调查项目"), field="buildings")
    return buildings


def _unit(actor: User, value: str | None) -> str:
    """Whose plan it is: 品质部's for a quality-role author, else as asked (a department's by
    default)."""
    if value is not None and value not in OrganiserUnit.values:
        raise InvalidInput(_("编制部门“%(u)s”无效") % {"u": value}, field="unit")
    if role_of(actor) == Role.QUALITY:
        if value == OrganiserUnit.DEPARTMENT:
            raise InvalidInput(_("品质部人员编制的计划即为品质部的计划"), field="unit")
        return OrganiserUnit.QUALITY
    return value or OrganiserUnit.DEPARTMENT


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    """Both dates, given and in order."""
    if start is None:
        raise InvalidInput(_("请填写开始日期"), field="period_start")
    if end is None:
        raise InvalidInput(_("请填写结束日期"), field="period_end")
    if end < start:
        raise InvalidInput(_("结束日期不能早于开始日期"), field="period_end")
    return start, end


@transaction.atomic
def create_campaign(
    actor: User,
    *,
    name: str,
    period_start: date | None,
    period_end: date | None,
    purpose: str = "",
    population: str = "",
    sample: str = "",
    staff: str = "",
    min_return_rate: Decimal | str | int = DEFAULT_MIN_RETURN_RATE,
    project_ids: Iterable[int] = (),
    building_ids: Iterable[int] = (),
    unit: str | None = None,
    now: datetime | None = None,
) -> Campaign:
    """A draft campaign with its plan; the questionnaire's items are added next. ``unit``:
    whose plan it is (quality or department; see the module)."""
    require_organiser(actor)
    at = clock.resolve(now)
    projects = _projects(actor, project_ids)
    company_id = _company_id(actor, projects)
    buildings = _buildings(building_ids, company_id, projects)
    period_start, period_end = _period(period_start, period_end)
    campaign = Campaign.objects.create(
        company_id=company_id,
        name=clean_text(name, "name", required=True, limit=100),
        purpose=clean_text(purpose, "purpose"),
        population=clean_text(population, "population"),
        sample=clean_text(sample, "sample", limit=200),
        staff=clean_text(staff, "staff", limit=200),
        period_start=period_start,
        period_end=period_end,
        min_return_rate=_rate(min_return_rate),
        unit=_unit(actor, unit),
        organiser_department_id=actor.department_id,
        created_by=actor,
        created_at=at,
    )
    campaign.projects.set(projects)
    campaign.buildings.set(buildings)
    record(campaign, CampaignEventKind.CREATED, actor, at)
    return campaign


@transaction.atomic
def update_campaign(
    actor: User, pk: int, changes: Mapping[str, Any], *, now: datetime | None = None
) -> Campaign:
    """Change the plan of a draft. ``changes`` holds only the fields to change."""
    require_organiser(actor)
    unknown = set(changes) - PLAN_FIELDS
    if unknown:
        raise InvalidInput(_("不能修改此项"), field=sorted(unknown)[0])
    campaign = get_campaign(actor, pk, lock=True)
    require_whole_scope(actor, campaign)
    _require_draft(campaign)
    if "project_ids" in changes:
        projects = _projects(actor, changes["project_ids"] or [])
        campaign.company_id = _company_id(actor, projects)
    else:
        projects = list(campaign.projects.all())
    limits = {"name": 100, "purpose": None, "population": None, "sample": 200, "staff": 200}
    for field, limit in limits.items():
        if field in changes:
            value = clean_text(changes[field], field, required=field == "name", limit=limit)
            setattr(campaign, field, value)
    for field in ("period_start", "period_end"):
        if field in changes:
            setattr(campaign, field, changes[field])
    _period(campaign.period_start, campaign.period_end)
    if "min_return_rate" in changes:
        campaign.min_return_rate = _rate(changes["min_return_rate"])
    if "unit" in changes:
        campaign.unit = _unit(actor, changes["unit"])
    if "building_ids" in changes or "project_ids" in changes:
        wanted = changes.get("building_ids")
        if wanted is None:
            wanted = campaign.buildings.values_list("pk", flat=True)
        buildings = _buildings(wanted, campaign.company_id, projects)
    campaign.save()
    if "project_ids" in changes:
        campaign.projects.set(projects)
    if "building_ids" in changes or "project_ids" in changes:
        campaign.buildings.set(buildings)
    return campaign


# ---- the questionnaire ----------------------------------------------------------------------


def _area(value: str) -> str:
    if value not in ServiceArea.values:
        raise InvalidInput(_("服务类别“%(a)s”无效") % {"a": value}, field="area")
    return value


def _draft_item(actor: User, item_id: int) -> Item:
    require_organiser(actor)
    item = Item.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("题目 %(id)s 不存在") % {"id": item_id})
    campaign = get_campaign(actor, item.campaign_id, lock=True)
    require_whole_scope(actor, campaign)
    _require_draft(campaign)
    return item


def _order(order: int) -> int:
    """An item's place: 0 to ITEM_ORDER_MAX (a negative one broke the database's check)."""
    if not 0 <= order <= ITEM_ORDER_MAX:
        raise InvalidInput(
            _("顺序应为 0 到 %(max)s 之间的整数") % {"max": ITEM_ORDER_MAX}, field="order"
        )
    return order


@transaction.atomic
def add_item(
    actor: User, campaign_id: int, *, area: str, text: str, order: int | None = None
) -> Item:
    """A five-level item at the end of the questionnaire (or at ``order``)."""
    require_organiser(actor)
    campaign = get_campaign(actor, campaign_id, lock=True)
    require_whole_scope(actor, campaign)
    _require_draft(campaign)
    if order is None:
        last = campaign.items.aggregate(last=Max("order"))["last"]
        order = 1 if last is None else min(last + 1, ITEM_ORDER_MAX)
    return Item.objects.create(
        campaign=campaign,
        area=_area(area),
        text=clean_text(text, "text", required=True, limit=200),
        order=_order(order),
    )


@transaction.atomic
def update_item(
    actor: User,
    item_id: int,
    *,
    area: str | None = None,
    text: str | None = None,
    order: int | None = None,
) -> Item:
    item = _draft_item(actor, item_id)
    if area is not None:
        item.area = _area(area)
    if text is not None:
        item.text = clean_text(text, "text", required=True, limit=200)
    if order is not None:
        item.order = _order(order)
    item.save()
    return item


@transaction.atomic
def remove_item(actor: User, item_id: int) -> None:
    """Drafts only: nobody has answered it, so nothing of the record is lost."""
    _draft_item(actor, item_id).delete()


@transaction.atomic
def copy_items(actor: User, campaign_id: int, *, source_id: int) -> list[Item]:
    """Reuse an earlier questionnaire, so this campaign's results compare item by item."""
    require_organiser(actor)
    campaign = get_campaign(actor, campaign_id, lock=True)
    require_whole_scope(actor, campaign)
    _require_draft(campaign)
    source = get_campaign(actor, source_id)
    start = (campaign.items.aggregate(last=Max("order"))["last"] or 0) + 1
    return Item.objects.bulk_create(
        Item(campaign=campaign, area=i.area, text=i.text, order=min(start + n, ITEM_ORDER_MAX))
        for n, i in enumerate(source.items.order_by("order", "pk"))
    )
