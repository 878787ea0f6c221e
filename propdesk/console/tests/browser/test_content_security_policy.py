"""Every page is served with a Content-Security-Policy (django-csp) that allows scripts and
styles from the site's own files only, and every page works under it in Chromium: the console,
its charts and htmx panels, the printed forms, statistics and reports, the residents'
questionnaire, the API docs and the Django admin. Any `securitypolicyviolation` event, CSP
message in the console or script error fails the test."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from propdesk.stats import reports
from propdesk.stats.models import MonthlyReport
from propdesk.surveys.tests.helpers import answer, population, run_campaign, token_of
from propdesk.tickets.tests.helpers import walk

from .fixtures import log_in

pytestmark = pytest.mark.django_db(transaction=True)

#: Reports each violation to the test, whichever page (or frame) it happens on.
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ` +
                      `${e.sourceFile || document.location.pathname}:${e.lineNumber}`);
});
"""


class Watched:
    """A logged-in page whose CSP violations, CSP console messages and script errors are kept."""

    def __init__(self, open_page, username: str | None = None, password: str | None = None):
        self.page = open_page()
        self.problems: list[str] = []
        self.page.context.expose_function("cspViolation", lambda text: self.problems.append(text))
        self.page.context.add_init_script(WATCH_VIOLATIONS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        if username:
            log_in(self.page, username, password)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def visit(self, path: str):
        """Open ``path``: it must answer 200 with the policy, and run without a violation."""
        response = self.page.goto(path)
        assert response.status == 200, (path, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (path, policy)
        self.page.wait_for_load_state("networkidle")
        self.assert_clean(path)
        return self.page

    def assert_clean(self, where: str) -> None:
        assert self.problems == [], (where, self.problems)

    def hover_charts(self, path: str) -> None:
        """Move the mouse across every chart of ``path``: ECharts shows its tooltips."""
        page = self.visit(path)
        charts = page.locator("canvas").all()
        assert charts, path
        for chart in charts:
            box = chart.bounding_box()
            for x in (0.3, 0.5, 0.7):
                page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * 0.6)
                page.wait_for_timeout(100)
        self.assert_clean(f"{path}, charts hovered")


def test_every_page_runs_under_the_policy_without_a_violation(world, open_page):
    # Data for every page: tickets in several states, a month's report, a survey with answers.
    shanghai = ZoneInfo("Asia/Shanghai")
    start = timezone.now() - timedelta(hours=3)
    ticket = walk(world, start, "dispatched")
    walk(world, start, "resolved")
    month = timezone.localtime(start, shanghai).date().replace(day=1) - timedelta(days=1)
    walk(world, datetime(month.year, month.month, 10, 10, tzinfo=shanghai), "closed")
    reports.generate_month(month.year, month.month)
    report = MonthlyReport.objects.filter(scope_kind="project").first()
    rooms = population(world)
    today = timezone.localdate()
    campaign = run_campaign(
        world, period=(today - timedelta(days=1), today + timedelta(days=30)), at=start
    )
    answer(campaign, rooms["B"], ["very_satisfied", "satisfied", "dissatisfied", ""], at=start)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()

    agent = Watched(open_page, "agent")
    agent.visit("/")
    page = agent.visit("/intake/")
    page.fill("#lookup-phone", "13812345678")
    page.press("#lookup-phone", "Enter")
    page.locator("#phone-matches [data-pick]").first.click()
    expect(page.locator("#household-file")).to_contain_text("3栋2单元1101")
    page.fill("#f-category-filter", "电梯")
    page.wait_for_load_state("networkidle")
    agent.assert_clean("intake, after choosing a resident and a category")

    supervisor = Watched(open_page, "supervisor")
    for path in ("/", "/queues/all/", "/callbacks/", "/visits/", "/hot-issues/", "/residents/"):
        supervisor.visit(path)
    page = supervisor.visit("/queues/all/")
    page.click("text=常用筛选")
    supervisor.assert_clean("queue filters menu")
    page = supervisor.visit(f"/tickets/{ticket.number}/")
    page.locator("button[id^=btn-]").first.click()
    supervisor.assert_clean("ticket page, a move's form opened")
    for form in ("ticket", "work-orders", "opinion"):
        supervisor.visit(f"/tickets/{ticket.number}/print/{form}/")
    supervisor.visit(f"/rooms/{world.room.pk}/")

    hq = Watched(open_page, "hq")
    for path in ("/", "/stats/", "/reports/", f"/reports/{report.pk}/", "/reports/defects/"):
        hq.visit(path)
    for path in ("/", "/stats/", f"/surveys/{campaign.pk}/"):
        hq.hover_charts(path)
    for path in ("/surveys/", f"/surveys/{campaign.pk}/", f"/surveys/{campaign.pk}/households/"):
        hq.visit(path)
    paper = hq.visit(f"/surveys/{campaign.pk}/paper/")
    paper.select_option("#building", index=1)
    paper.wait_for_url(lambda url: "building=" in url)
    hq.assert_clean("paper entry after choosing a building")
    hq.visit("/api/v1/docs")
    expect(hq.page.locator("#swagger-ui")).to_contain_text("PropDesk API")
    hq.assert_clean("API docs")

    admin = Watched(open_page)
    admin.visit("/admin/login/")
    admin.page.fill("#id_username", "admin")
    admin.page.fill("#id_password", "pw-admin")
    admin.page.click("input[type=submit]")
    admin.page.wait_for_url(lambda url: "/login/" not in url)
    for path in ("/admin/", "/admin/org/user/", f"/admin/org/user/{world.agent.pk}/change/"):
        admin.visit(path)

    resident = Watched(open_page)
    page = resident.visit(f"/s/{token_of(campaign, rooms['A'])}/")
    expect(page.locator("#survey-title")).to_be_visible()
