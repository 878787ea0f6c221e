"""Who hears of a published monthly report (SPEC §9; seed 002 4.1.5: 报备至地区公司领导): the
leaders of the region companies whose projects it covers, and HQ customer service — queued in
the outbox in the publication's transaction."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from propdesk.notify.choices import Event
from propdesk.notify.services import Outgoing, queue_many
from propdesk.org.choices import Role, ScopeLevel
from propdesk.org.models import Project, User

from .models import MonthlyReport


def recipients(report: MonthlyReport) -> list[User]:
    """The active region leaders (scoped to a region of the report's projects) and HQ staff of
    the report's company, in id order, each once."""
    regions = (
        Project.objects.filter(pk__in=report.project_ids, region__isnull=False)
        .values("region_id")
        .distinct()
    )
    return list(
        User.objects.filter(company_id=report.company_id, is_active=True)
        .filter(
            Q(role=Role.HQ)
            | Q(role=Role.REGION, scope_level=ScopeLevel.REGION, scope_region_id__in=regions)
        )
        .order_by("pk")
    )


def tell_publication(report: MonthlyReport, at: datetime) -> int:
    """Queue the publication notice; returns how many messages were queued."""
    f = report.figures
    headline = (f.get("complaint_timeliness") or {}).get("percent")
    return queue_many(
        [
            Outgoing(
                Event.MONTHLY_REPORT_PUBLISHED,
                recipients(report),
                key=f"monthly_report:{report.pk}",
                context={
                    "scope_name": report.scope_name,
                    "year": report.year,
                    "month": report.month,
                    "publisher": str(report.published_by or ""),
                    "published_at": report.published_at,
                    "published_late": report.published_late,
                    "complaint_timeliness": headline,
                    "follow_up_breaches": (f.get("follow_up_breaches") or {}).get("breaches", 0),
                },
                url=f"/reports/{report.pk}/",
            )
        ],
        now=at,
    )
