"""The statistics page, the monthly reports and the ticket export, as staff see them.

The pages are reached by their paths only (``/stats/``, ``/reports/…``, ``/exports/…``), so the
tests hold whether the app is included by propdesk/urls.py or by the test URLconf."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from propdesk.core import clock
from propdesk.core.models import AuditAction, AuditLog
from propdesk.org.models import Project
from propdesk.stats import figures, figures_breakdown, queue_export, reports
from propdesk.stats.models import MonthlyReport
from propdesk.stats.period import Period
from propdesk.tickets.tests.helpers import register

from .test_exports import a_month_of_requests, at

SEPT = Period.month(2026, 9)


@pytest.fixture
def month(world):
    tickets = a_month_of_requests(world)
    reports.generate_month(2026, 9, now=at(10, 3, 2))
    return tickets


@pytest.fixture
def report(month) -> MonthlyReport:
    return MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")


def kpi(html: str, name: str) -> str:
    found = re.search(rf'id="kpi-{name}".*?<div class="kpi">([^<]*)', html, re.S)
    assert found, f"no KPI card {name}"
    return found.group(1).strip()


def chart_data(html: str) -> dict:
    found = re.search(r'<script id="stats-data" type="application/json">(.*?)</script>', html)
    assert found
    return json.loads(found.group(1))


def exports_logged() -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=AuditAction.EXPORT).order_by("pk"))


# --- the statistics page ------------------------------------------------------------------------


def test_the_statistics_page_shows_a_project_month(client, world, month):
    client.force_login(world.manager)
    response = client.get("/stats/", {"period": "2026-09", "scope": "project:SZHY"})
    html = response.content.decode()
    assert response.status_code == 200
    assert kpi(html, "received") == "5"
    assert kpi(html, "closed") == "1"
    assert kpi(html, "satisfaction") == "100.0%"
    assert 'value="2026-09"' in html and 'value="project:SZHY" selected' in html
    data = chart_data(html)
    assert data["trend"]["months"][-3:] == ["2026-07", "2026-08", "2026-09"]
    assert len(data["trend"]["months"]) == 12
    assert data["trend"]["received"][-2:] == [1, 5]
    assert data["pareto"]["names"] == ["设备设施", "环境管理"]
    assert data["pareto"]["cumulative"] == [66.7, 100.0] and data["pareto"]["line"] == 80.0
    assert {row["name"]: row["value"] for row in data["by_kind"]} == {
        "投诉": 3,
        "报修": 1,
        "咨询": 1,
    }
    assert data["by_channel"] == [{"name": "来电", "value": 5}]
    assert 'id="projects"' not in html  # one project: nothing to compare
    assert "stats/stats.js" in html and "echarts.min.js" in html


def test_headquarters_compares_the_projects_of_the_company(client, world, month):
    client.force_login(world.hq)
    html = client.get("/stats/", {"period": "2026-09"}).content.decode()
    assert kpi(html, "received") == "6"
    options = re.findall(r'<option value="([^"]+)"', html)
    assert options == ["company", "region:GZ", "region:SZ", "project:GZLY", "project:SZHY"]
    rows = re.findall(
        r'scope=project:(\w+)">[^<]*</a></td>\s*<td class="text-end">(\d+)</td>', html
    )
    assert rows == [("GZLY", "1"), ("SZHY", "5")]
    projects = chart_data(html)["projects"]
    assert projects["names"] == ["丽苑", "华苑"] and projects["received"] == [1, 5]


def test_the_project_comparison_counts_like_the_figures(world, month):
    ids = frozenset(Project.objects.values_list("pk", flat=True))
    for row in figures_breakdown.per_project(ids, SEPT):
        one = {row["project"].pk}
        assert row["received"] == figures.received(one, SEPT).count()
        assert row["timeliness"] == figures.timeliness(one, SEPT)["handle"]
        assert row["satisfaction"] == figures.callback_satisfaction(one, SEPT)


def test_a_scope_outside_the_users_reach_is_refused(client, world, month):
    client.force_login(world.outsider)
    response = client.get("/stats/", {"period": "2026-09", "scope": "project:SZHY"})
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="stats-error"' in html and "不在您的数据范围内" in html
    assert 'id="kpis"' not in html
    assert "project:SZHY" not in re.findall(r'<option value="([^"]+)"', html)
    assert client.get("/stats/", {"period": "2026-13"}).status_code == 400


def test_the_statistics_page_costs_a_bounded_number_of_queries(
    client, world, month, django_assert_max_num_queries
):
    client.force_login(world.hq)
    client.get("/stats/", {"period": "2026-09"})  # warm the session and caches
    # 59: two of them the compensation claims' per project (claims, then charge-backs), two
    # the open-at-the-end counts' withdrawn part (this month and last).
    with django_assert_max_num_queries(59):
        assert client.get("/stats/", {"period": "2026-09"}).status_code == 200
    # More requests and one more project cost no more queries.
    Project.objects.create(region=world.region, company=world.company, code="SZXY", name="星苑")
    for day in range(1, 9):
        register(world, at(9, day, 15), description=f"第{day}件:垃圾没有清运")
    with django_assert_max_num_queries(59):
        assert client.get("/stats/", {"period": "2026-09"}).status_code == 200


def test_signed_out_visitors_are_sent_to_the_login_page(client, report):
    for path in ("/stats/", "/reports/", f"/reports/{report.pk}/", "/exports/tickets/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path


# --- monthly reports ------------------------------------------------------------------------------


def test_the_report_list_shows_the_reports_the_user_sees_whole(client, world, report):
    client.force_login(world.manager)
    with clock.frozen(at(10, 12)):
        html = client.get("/reports/").content.decode()
    region = MonthlyReport.objects.get(scope_kind="region", scope_code="SZ")  # 华苑 alone
    assert sorted(re.findall(r'<tr id="report-(\d+)">', html)) == sorted(
        [str(report.pk), str(region.pk)]
    )
    assert "华苑" in html and "已过发布期限" in html  # a draft after the 10th
    client.force_login(world.hq)
    html = client.get("/reports/").content.decode()
    assert len(re.findall(r'<tr id="report-\d+">', html)) == 5


def test_a_manager_writes_the_commentary_and_publishes_through_the_page(client, world, report):
    client.force_login(world.manager)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "华苑 2026年9月 客服工作月报" in page
    assert 'id="publish"' in page and "电梯困人受伤" in page
    assert "<svg" in page and 'id="table-timeliness"' in page
    with clock.frozen(at(10, 8)):
        response = client.post(
            f"/reports/{report.pk}/", {"commentary": "电梯故障集中。", "action": "publish"}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.published_late, report.commentary) == (
        "published",
        False,
        "电梯故障集中。",
    )
    page = client.get(response["Location"]).content.decode()
    assert "月报已发布" in page and 'id="publish"' not in page and "电梯故障集中。" in page
    # Once published nothing changes, and the page says why.
    again = client.post(f"/reports/{report.pk}/", {"commentary": "改", "action": "save"})
    assert again.status_code == 400 and "月报已发布" in again.content.decode()
    report.refresh_from_db()
    assert report.commentary == "电梯故障集中。"


def test_saving_the_commentary_keeps_the_report_a_draft(client, world, report):
    client.force_login(world.manager)
    response = client.post(f"/reports/{report.pk}/", {"commentary": "初稿", "action": "save"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.commentary) == ("draft", "初稿")


def test_an_agent_sees_no_publish_button_and_may_not_post(client, world, report):
    client.force_login(world.agent)
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    assert 'id="publish"' not in page.content.decode()
    refused = client.post(f"/reports/{report.pk}/", {"commentary": "x", "action": "publish"})
    assert refused.status_code == 403
    report.refresh_from_db()
    assert (report.status, report.commentary) == ("draft", "")


def test_reports_outside_the_users_reach_are_refused(client, world, report):
    company = MonthlyReport.objects.get(scope_kind="company")
    client.force_login(world.outsider)
    for path in (
        f"/reports/{report.pk}/",
        f"/reports/{report.pk}/xlsx/",
        f"/reports/{report.pk}/pdf/",
    ):
        assert client.get(path).status_code == 403, path
    client.force_login(world.manager)  # one project: the company's report is not theirs
    assert client.get(f"/reports/{company.pk}/").status_code == 403
    assert client.get("/reports/999999/").status_code == 404
    assert exports_logged() == []


def test_report_downloads_are_audited(client, world, report):
    client.force_login(world.manager)
    xlsx = client.get(f"/reports/{report.pk}/xlsx/")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "概要"
    pdf = client.get(f"/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    logged = exports_logged()
    assert [(e.user, e.object_type, e.object_id, e.detail["format"]) for e in logged] == [
        (world.manager, "monthly_report", str(report.pk), "xlsx"),
        (world.manager, "monthly_report", str(report.pk), "pdf"),
    ]


# --- ticket exports -------------------------------------------------------------------------------


def test_a_queue_exports_with_its_filters_and_is_audited(client, world, month):
    client.force_login(world.supervisor)
    response = client.get(
        "/exports/tickets/", {"queue": "all", "kind": "complaint", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = sorted(
        t.number
        for key, t in month.items()
        if t.kind == "complaint" and key != "GZLY"  # 丽苑 is not the supervisor's
    )
    assert sorted(line[0] for line in lines[1:]) == expected
    (entry,) = exports_logged()
    assert (entry.user, entry.object_type, entry.object_id) == (
        world.supervisor,
        "ticket_list",
        "all",
    )
    assert entry.detail["rows"] == len(expected) and "kind=complaint" in entry.detail["query"]

    xlsx = client.get("/exports/tickets/", {"queue": "all", "project": "SZHY"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.max_row == 1 + 6  # the header and 华苑's six requests
    assert len(exports_logged()) == 2


def test_a_refused_export_says_why_and_is_not_logged(client, world, month, monkeypatch):
    client.force_login(world.supervisor)
    monkeypatch.setattr(queue_export, "MAX_EXPORT_ROWS", 3)
    too_many = client.get("/exports/tickets/", {"queue": "all", "format": "xlsx"})
    assert too_many.status_code == 400
    html = too_many.content.decode()
    assert "超过单次导出上限 3 条" in html and "共 6 条" in html
    assert client.get("/exports/tickets/", {"format": "pdf"}).status_code == 400
    assert client.get("/exports/tickets/", {"kind": "nonsense"}).status_code == 400
    client.force_login(world.outsider)
    foreign = client.get("/exports/tickets/", {"queue": "all", "project": "SZHY", "format": "csv"})
    assert foreign.status_code == 200
    assert len(list(csv.reader(io.StringIO(foreign.content.decode("utf-8-sig"))))) == 1
    assert len(exports_logged()) == 1  # only the outsider's (empty) export
