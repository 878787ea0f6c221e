"""What the centre's routine did around the tickets while the demo's history ran, so the
console opens on a desk that has been running for months, not on a backlog of its past:

- in-app notices were delivered as things happened (the worker sends within seconds), so each
  is in its reader's list at its own time;
- staff read their notices at their next working moment: only the last hours' stay unread;
- the monthly reports were generated on the 3rd by the scheduled task's own service, and the
  managers wrote their commentary and published them before the 10th.

Every step calls the service the real routine calls, at an explicit moment.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from propdesk.notify.choices import Channel
from propdesk.notify.delivery import deliver_due
from propdesk.notify.inbox import mark_read
from propdesk.notify.models import Notification, OutboxMessage
from propdesk.org.models import User
from propdesk.stats import reports
from propdesk.stats.models import MonthlyReport, ScopeKind

from .timing import OFFICE, next_opening

#: Generated at 02:00 on the 3rd (stats.tasks.next_run), published a few days later.
GENERATED_AT_HOUR = 2


def deliver_notices(limit: datetime) -> int:
    """Deliver every in-app notice queued before ``limit`` at the moment it was queued, oldest
    first, as the worker would have; returns how many were delivered. Messages to residents
    (SMS, WeChat, email) are left to the worker: a demo never sends to the outside world."""
    queued = OutboxMessage.objects.filter(channel=Channel.IN_APP, next_attempt_at__lte=limit)
    moments = sorted(set(queued.values_list("next_attempt_at", flat=True)))
    return sum(deliver_due(now=at, channels=[Channel.IN_APP]).sent for at in moments)


def read_notifications(rng: random.Random, limit: datetime) -> int:
    """Each notice is read at its reader's next working moment after it came in; those that
    came in since stay unread. Returns how many are left unread."""
    unread = 0
    rows = Notification.objects.filter(read_at__isnull=True).order_by("created_at", "pk")
    for pk, user_id, created in rows.values_list("pk", "user_id", "created_at"):
        seen = next_opening(rng, created + timedelta(minutes=rng.uniform(3, 90)), OFFICE)
        if seen < limit:
            mark_read(User(pk=user_id), [pk], now=seen)
        else:
            unread += 1
    return unread


def _months(first: date, today: date) -> list[tuple[int, int]]:
    """Every month from ``first``'s to the one before ``today``'s."""
    months, year, month = [], first.year, first.month
    while (year, month) < (today.year, today.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _publisher(report: MonthlyReport, staff: dict[str, User]) -> User:
    """The project's manager, the region company, headquarters for the whole company."""
    code = report.scope_code.lower()
    if report.scope_kind == ScopeKind.PROJECT:
        return staff[f"pm_{code}"]
    if report.scope_kind == ScopeKind.REGION:
        return staff[f"region_{code}"]
    return staff["hq"]


def _percent(rate: dict) -> str:
    return "—" if rate.get("percent") is None else f"{rate['percent']}%"


def commentary(report: MonthlyReport) -> str:
    """A manager's few lines on the month: the figures that matter and what comes next."""
    f = report.figures
    counts, timeliness = f["counts"], f["timeliness"]
    lines = [
        f"{report.month}月共受理诉求{counts['received']}件,办结{counts['closed']}件,"
        f"月末在办{counts['open_at_end']}件。",
        f"开单及时率{_percent(timeliness['register'])},派单及时率"
        f"{_percent(timeliness['dispatch'])},投诉处理及时率{_percent(timeliness['handle'])};"
        f"回访满意率{_percent(f['callback_satisfaction'])}。",
    ]
    if f["pareto"]:
        top = f["pareto"][0]
        lines.append(f"投诉主要集中在“{top['name']}”({top['count']}件),列为下月整改重点。")
    if report.major_complaints:
        lines.append(f"重大及热点投诉{len(report.major_complaints)}件,均已逐件跟进。")
    return "\n".join(lines)


def monthly_reports(
    rng: random.Random, staff: dict[str, User], company_id: int, first: datetime, now: datetime
) -> int:
    """The reports of every month of the history before this one, generated on the 3rd by
    the scheduled task's service; published with commentary before the 10th once that time
    has come. Returns how many reports there are."""
    today = timezone.localtime(now).date()
    for year, month in _months(timezone.localtime(first).date(), today):
        day = date(year + month // 12, month % 12 + 1, reports.GENERATE_ON)
        generated = datetime.combine(day, time(GENERATED_AT_HOUR), timezone.get_default_timezone())
        if generated >= now:
            continue
        reports.generate_month(year, month, now=generated)
        month_reports = MonthlyReport.objects.filter(company_id=company_id, year=year, month=month)
        for report in month_reports.order_by("pk"):
            at = generated + timedelta(days=rng.randint(2, 6), hours=rng.uniform(7, 14))
            if at >= now:
                continue
            publisher = _publisher(report, staff)
            reports.update_commentary(publisher, report.pk, commentary(report))
            reports.publish(publisher, report.pk, now=at)
    return MonthlyReport.objects.filter(company_id=company_id).count()
