"""The full demo as `make run` loads it, loaded once for this module at a fixed moment: what it
holds, and that it opens on a centre that has been running well for months — reports for the
past months, timeliness and satisfaction of a well-run desk, a short list of unread notices.

Loading takes a minute, so the module shares one load (rolled back at its end) and its tests
run in one xdist worker (the Makefile runs pytest with ``--dist loadgroup``)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings

from propdesk.callbacks.choices import Satisfaction
from propdesk.callbacks.models import Callback
from propdesk.console.dashboard import figures_for
from propdesk.core import clock
from propdesk.demo.logins import DEMO_LOGINS, login_table
from propdesk.notify.inbox import unread_count
from propdesk.org.choices import Role
from propdesk.org.models import Company, Project, Region, User
from propdesk.residents.models import Resident, Room
from propdesk.sla.queries import filter_by_clocks
from propdesk.stats import figures
from propdesk.stats.models import MonthlyReport, ReportStatus, ScopeKind
from propdesk.tickets.choices import Channel, ClosureReason, EventKind, Kind, Status
from propdesk.tickets.models import FeeItem, Ticket, TicketEvent
from propdesk.tickets.services import tickets_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A Thursday late in September: the history runs from late June, the month is well under way.
NOW = datetime(2026, 9, 24, 10, 30, tzinfo=SHANGHAI)
PAST_MONTHS = [(2026, 6), (2026, 7), (2026, 8)]

pytestmark = pytest.mark.xdist_group("demo_world")


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker) -> Iterator[str]:
    """`propdesk demo` run at NOW (what it printed); undone when the module ends."""
    out = StringIO()
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=fast), clock.frozen(NOW):
            call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db, settings) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return demo_output


def page(username: str, path: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    with clock.frozen(NOW):
        response = client.get(path)
    assert response.status_code == 200, (username, path)
    return response.content.decode()


def test_full_demo_loads_a_believable_company(demo) -> None:
    company = Company.objects.get(code="HYWY")
    assert Region.objects.filter(company=company).count() == 2
    assert Project.objects.filter(company=company).count() == 4
    assert Room.objects.count() >= 200
    assert Room.objects.filter(is_occupied=False).exists()
    assert Resident.objects.count() >= 200
    assert Resident.objects.filter(is_key_customer=True).exists()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)

    tickets = Ticket.objects.all()
    assert tickets.count() >= 200
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert set(tickets.values_list("kind", flat=True)) == set(Kind.values)
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    closure_reasons = set(
        tickets.exclude(closure_reason="").values_list("closure_reason", flat=True)
    )
    assert closure_reasons == set(ClosureReason.values)
    assert set(Callback.objects.values_list("satisfaction", flat=True)) == set(Satisfaction.values)
    assert {"anonymous", "contact", "resident"} == set(
        tickets.values_list("reporter_type", flat=True)
    )
    assert FeeItem.objects.exists()
    assert tickets.filter(is_paid_repair=True, work_orders__fee_total__gt=0).exists()
    assert tickets.filter(is_emergency=True, kind=Kind.HELP).exists()
    # Every move the lifecycle services offer appears at least once.
    moves = {
        EventKind.REGISTERED, EventKind.ACCEPTED, EventKind.ANSWERED, EventKind.DISPATCHED,
        EventKind.WORK_ORDER_RETURNED, EventKind.TRANSFERRED, EventKind.STARTED,
        EventKind.PROGRESS_NOTED, EventKind.REPLIED, EventKind.SUSPENDED, EventKind.RESUMED,
        EventKind.WORK_ORDER_COMPLETED, EventKind.RESOLVED, EventKind.CALLBACK_RECORDED,
        EventKind.CLOSED, EventKind.REOPENED, EventKind.MERGED, EventKind.CANCELLED,
        EventKind.UPDATED,
    }  # fmt: skip
    assert moves <= set(TicketEvent.objects.values_list("kind", flat=True))

    # The history is real: every ticket is where its last move put it, all in the past.
    assert not TicketEvent.objects.filter(at__gt=NOW).exists()
    for ticket in tickets:
        moves = ticket.events.exclude(to_status="").order_by("at", "pk")
        assert moves.last().to_status == ticket.status, ticket.number
        chain = list(moves.values_list("from_status", "to_status"))
        assert all(b[0] == a[1] for a, b in itertools.pairwise(chain)), ticket.number
        assert ticket.received_at <= ticket.registered_at

    # The texts are not one sentence repeated.
    descriptions = Counter(tickets.values_list("description", flat=True))
    assert descriptions.most_common(1)[0][1] <= 2
    assert len(descriptions) >= tickets.count() * 0.95

    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=login.password)
        assert user is not None, login.username
        assert user.role == login.role
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser

    for username, password, role, scope in login_table():
        assert username in demo and password in demo and role in demo and scope in demo

    with pytest.raises(CommandError, match="already exists"):
        call_command("demo", stdout=StringIO())
    assert Ticket.objects.count() == tickets.count()


def test_the_past_months_have_their_reports_published_before_the_tenth(demo) -> None:
    company = Company.objects.get(code="HYWY")
    scopes = {(ScopeKind.COMPANY, "")}
    scopes |= {(ScopeKind.REGION, code) for code in ("SZ", "GZ")}
    scopes |= {(ScopeKind.PROJECT, p.code) for p in Project.objects.filter(company=company)}
    for year, month in PAST_MONTHS:
        reports = MonthlyReport.objects.filter(company=company, year=year, month=month)
        assert {(r.scope_kind, r.scope_code) for r in reports} == scopes, (year, month)
        for report in reports:
            assert report.status == ReportStatus.PUBLISHED, report
            assert not report.published_late
            assert report.commentary.startswith(f"{month}月共受理诉求")
    assert not MonthlyReport.objects.filter(year=2026, month=9).exists()  # due on 3 October

    html = page("pm_szhy", "/reports/")
    assert "还没有月报" not in html
    assert len(set(re.findall(r'href="/reports/(\d+)/"', html))) == len(PAST_MONTHS)


def test_the_past_months_look_like_a_well_run_centre(demo) -> None:
    """A well-run desk keeps its clocks: at least 85% of the clocks that fell due each month
    were met, every clock above 80%; most callers are satisfied."""
    report = MonthlyReport.objects.get(year=2026, month=8, scope_kind=ScopeKind.COMPANY)
    rates = {
        kind: figures.Rate(r["part"], r["whole"])
        for kind, r in report.figures["timeliness"].items()
    }
    overall = figures.timeliness_overall(rates.values())
    assert overall.whole >= 300 and overall.percent >= 85, rates
    for kind, rate in rates.items():
        assert rate.whole and rate.percent >= 80, (kind, rate)
    assert float(report.figures["callback_satisfaction"]["percent"]) >= 75


def test_the_dashboard_opens_on_a_well_run_desk(demo) -> None:
    for username in ("agent_szhy", "supervisor_gzly", "hq"):
        user = User.objects.get(username=username)
        f = figures_for(user, NOW)
        assert f.timeliness.whole >= 5 and f.timeliness.percent >= 80, (username, f.timeliness)
        # Old notices were read as they came in; only the last hours' may be waiting.
        assert unread_count(user) <= 12, username

    company = figures_for(User.objects.get(username="hq"), NOW).satisfaction
    assert company.whole >= 20 and company.percent >= 80, company

    html = page("agent_szhy", "/")
    timeliness = re.search(r'id="kpi-timeliness".*?class="kpi">([\d.]+)%', html, re.S)
    assert timeliness and float(timeliness.group(1)) >= 80
    badge = re.search(r'id="unread">(\d+)<', html)  # no badge when nothing is unread
    assert (int(badge.group(1)) if badge else 0) == unread_count(
        User.objects.get(username="agent_szhy")
    )

    # A few tickets did slip (the breached queue has something to show), not the backlog.
    hq = User.objects.get(username="hq")
    open_tickets = tickets_for(hq).exclude(status__in=["closed", "merged", "cancelled"])
    breached = filter_by_clocks(open_tickets, now=NOW, breached=True).count()
    assert 1 <= breached <= open_tickets.count() // 8, (breached, open_tickets.count())
