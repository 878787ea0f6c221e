"""The monthly report (客服工作月报, SPEC §9): generated on the 3rd for the month before, for
every project, region and the company; the figures of ``figures`` plus the list of major and
hot complaints; commentary edited by a manager, who publishes it — before the 10th, or it is
flagged late. A published report keeps the figures it was published with."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.clock import FIRST_DAY, LAST_DAY
from propdesk.core.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    OutOfScope,
    PermissionDenied,
)
from propdesk.org.choices import Role
from propdesk.org.models import Company, Project, Region, User
from propdesk.tickets.choices import GradeClass, GradeLevel, Kind

from . import figures, notices
from .figures_claims import claim_figures
from .figures_complaints import complaint_timeliness, follow_up_breaches
from .models import MonthlyReport, ReportStatus, ScopeKind
from .period import Period, scope_for

#: Reports are generated on this day of the following month and due by PUBLISH_BY.
GENERATE_ON = 3
PUBLISH_BY = 10
PUBLISHERS = {Role.PROJECT_MANAGER, Role.REGION, Role.HQ, Role.ADMIN}


def _rate(rate: figures.Rate) -> dict:
    return {
        "part": rate.part,
        "whole": rate.whole,
        "percent": str(rate.percent) if rate.percent is not None else None,
    }


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


def snapshot(ids: figures.ProjectIds, period: Period) -> dict:
    """Every figure of the period, as JSON (what a report stores and the API answers)."""
    took = figures.handling_time(ids, period)
    return {
        "period": str(period),
        "counts": figures.counts(ids, period),
        "last_month": figures.counts(ids, period.previous_month()),
        "same_month_last_year": figures.counts(ids, period.same_month_last_year()),
        "timeliness": {k: _rate(r) for k, r in figures.timeliness(ids, period).items()},
        # Seed 003's headline, shown beside the per-clock rates (SPEC §9).
        "complaint_timeliness": _rate(complaint_timeliness(ids, period)),
        "follow_up_breaches": follow_up_breaches(ids, period),
        "callback_rate": _rate(figures.callback_rate(ids, period)),
        "repair_callback_rate": _rate(figures.repair_callback_rate(ids, period)),
        "repair_callback_target_percent": str(figures.REPAIR_CALLBACK_TARGET),
        "routine_coverage": _rate(figures.routine_coverage(ids, period)),
        "callback_satisfaction": _rate(figures.callback_satisfaction(ids, period)),
        "survey_satisfaction": _rate(figures.survey_satisfaction(ids, period)),
        "handling_time": {
            "resolved": took.count,
            "average_hours": _hours(took.average),
            "p90_hours": _hours(took.p90),
        },
        "pareto": [
            {
                "key": r.key,
                "name": r.name,
                "count": r.count,
                "cumulative_percent": str(r.cumulative_percent),
                "vital": r.vital,
            }
            for r in figures.pareto(ids, period)
        ],
        "by_kind": figures.breakdown(ids, period, "kind"),
        "by_channel": figures.breakdown(ids, period, "channel"),
        "by_category_group": figures.breakdown(ids, period, "category_group"),
        # Compensation claims per project (SPEC §8, issue 21 item 2): opened, approved, paid,
        # charged back, recovered and pending in the period.
        "claims": claim_figures(ids, period),
    }


def major_complaints(ids: figures.ProjectIds, period: Period) -> list[dict]:
    """Major and hot complaints received in the period (grades 一级/二级, 重大/热点), with their
    handling and status."""
    rows = (
        figures.received(ids, period)
        .filter(kind=Kind.COMPLAINT)
        .filter(
            Q(grade_level__in=[GradeLevel.LEVEL_1, GradeLevel.LEVEL_2])
            | Q(grade_class__in=[GradeClass.MAJOR, GradeClass.HOT])
        )
        .select_related("project", "category", "category__parent")
        .order_by("received_at")
    )
    return [
        {
            "number": t.number,
            "project": t.project.name,
            "category": t.category.full_name,
            "grade": t.get_grade_level_display(),
            "class": t.get_grade_class_display(),
            "received_at": timezone.localtime(t.received_at).strftime("%Y-%m-%d %H:%M"),
            "description": t.description,
            "resolution": t.resolution,
            "status": t.get_status_display(),
        }
        for t in rows[:200]
    ]


def _scopes(company: Company) -> list[tuple[str, str, str, list[int]]]:
    projects = list(Project.objects.filter(company=company, is_active=True).order_by("code"))
    scopes = [(ScopeKind.COMPANY, "", company.name, [p.pk for p in projects])]
    for region in Region.objects.filter(company=company).order_by("code"):
        ids = [p.pk for p in projects if p.region_id == region.pk]
        if ids:
            scopes.append((ScopeKind.REGION, region.code, region.name, ids))
    scopes += [(ScopeKind.PROJECT, p.code, p.name, [p.pk]) for p in projects]
    return scopes


def generate_month(year: int, month: int, *, now: datetime | None = None) -> int:
    """Generate (or refresh, while unpublished) every report of one month; returns how many
    were written. Published reports are never touched."""
    at = clock.resolve(now)
    period = Period.month(year, month)
    written = 0
    for company in Company.objects.all():
        for kind, code, name, ids in _scopes(company):
            with transaction.atomic():
                report, _created = MonthlyReport.objects.select_for_update().get_or_create(
                    company=company,
                    scope_kind=kind,
                    scope_code=code,
                    year=year,
                    month=month,
                    defaults={"scope_name": name, "generated_at": at},
                )
                if report.status == ReportStatus.PUBLISHED:
                    continue
                report.scope_name, report.project_ids = name, ids
                report.figures = snapshot(ids, period)
                report.major_complaints = major_complaints(ids, period)
                report.generated_at = at
                report.save()
                written += 1
    return written


def month_before(day: date) -> tuple[int, int]:
    first = day.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def reports_for(user: User) -> list[MonthlyReport]:
    """Reports whose every project the user may see."""
    visible = user.project_ids
    rows = MonthlyReport.objects.filter(company_id=user.company_id)
    return [r for r in rows if set(r.project_ids) <= visible and r.project_ids]


def parse_month(text: str | None) -> tuple[int, int]:
    """``2026-09`` → (2026, 9); anything else is refused, naming the field ``month``."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    year, month = (int(found[1]), int(found[2])) if found else (0, 0)
    if not (1 <= month <= 12 and FIRST_DAY.year <= year <= LAST_DAY.year):
        raise InvalidInput(_("月份格式应为 YYYY-MM,如 2026-09"), field="month")
    return year, month


def reports_of(user: User, *, month: str, scope: str | None = None) -> list[MonthlyReport]:
    """The reports of one month the user may read — each scope's whose every project they
    see — of one scope (``company``, ``region:CODE``, ``project:CODE``) when given. A scope
    outside the user's reach is refused (403), as on the statistics page."""
    year, number = parse_month(month)
    rows = MonthlyReport.objects.filter(company_id=user.company_id, year=year, month=number)
    if scope:
        chosen = scope_for(user, scope)
        rows = rows.filter(scope_kind=chosen.kind, scope_code=chosen.code)
    visible = user.project_ids
    return [
        r
        for r in rows.order_by("scope_kind", "scope_code")
        if r.project_ids and set(r.project_ids) <= visible
    ]


def get_report(user: User, pk: int, *, lock: bool = False) -> MonthlyReport:
    rows = MonthlyReport.objects.select_for_update() if lock else MonthlyReport.objects
    report = rows.filter(pk=pk).first()
    if report is None:
        raise NotFound(_("月报 %(id)s 不存在") % {"id": pk})
    if report.company_id != user.company_id or not set(report.project_ids) <= user.project_ids:
        raise OutOfScope(_("该月报不在您的数据范围内"))
    return report


def publish_deadline(report: MonthlyReport) -> date:
    """The day by which the report is due (SPEC §9: the 10th of the following month)."""
    last = Period.month(report.year, report.month).last
    return (last + timedelta(days=1)).replace(day=PUBLISH_BY)


def is_overdue(report: MonthlyReport, today: date) -> bool:
    """A draft still unpublished after its deadline (flagged on the list and the page)."""
    return report.status == ReportStatus.DRAFT and today > publish_deadline(report)


def may_publish(user: User) -> bool:
    """Who edits and publishes a report (within their scope): project managers, the region,
    HQ and administrators."""
    return user.role in PUBLISHERS or user.is_superuser


def _require_publisher(user: User) -> None:
    if not may_publish(user):
        raise PermissionDenied(_("只有项目经理、地区公司、总部或管理员可以编辑和发布月报"))


#: The longest commentary a report keeps (a few pages of A4).
COMMENTARY_LIMIT = 20000


@transaction.atomic
def update_commentary(actor: User, pk: int, text: str) -> MonthlyReport:
    """Edit the report's text (分析与说明): a publisher, within their scope, while it is a
    draft; what is published stays as published."""
    _require_publisher(actor)
    report = get_report(actor, pk, lock=True)
    if report.status == ReportStatus.PUBLISHED:
        raise InvalidTransition(_("月报已发布,不能再修改"))
    text = (text or "").strip()
    if len(text) > COMMENTARY_LIMIT:
        raise InvalidInput(
            _("分析与说明最多 %(n)s 个字") % {"n": COMMENTARY_LIMIT}, field="commentary"
        )
    report.commentary = text
    report.save(update_fields=["commentary"])
    return report


@transaction.atomic
def publish(actor: User, pk: int, *, now: datetime | None = None) -> MonthlyReport:
    """Publish with the figures as they are now (computed once more), frozen from then on;
    after the 10th of the following month the report is flagged late."""
    _require_publisher(actor)
    # Locked: two publishers at once publish it once, and the second is told it is done.
    report = get_report(actor, pk, lock=True)
    if report.status == ReportStatus.PUBLISHED:
        raise InvalidTransition(_("月报已发布"))
    at = clock.resolve(now)
    period = Period.month(report.year, report.month)
    report.figures = snapshot(report.project_ids, period)
    report.major_complaints = major_complaints(report.project_ids, period)
    report.status, report.published_at, report.published_by = ReportStatus.PUBLISHED, at, actor
    report.published_late = timezone.localtime(at).date() > publish_deadline(report)
    report.save()
    notices.tell_publication(report, at)
    return report
