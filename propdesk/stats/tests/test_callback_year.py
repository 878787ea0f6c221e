"""业户回访率统计年报表 (seed 001 篇5 4.3–4.4, SPEC §9): a year's callback figures month by month
and project by project, each the figure of ``stats.figures`` for that month or year; the page,
the Excel read back cell by cell, the PDF's text; exports audited; only the user's projects."""

from __future__ import annotations

import io
import subprocess
import tempfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from propdesk.callbacks import services as callback_services
from propdesk.core.models import AuditAction, AuditLog
from propdesk.core.tests.scene import Scene
from propdesk.stats import figures
from propdesk.stats.callback_year import callback_year
from propdesk.stats.period import Period, scope_for
from propdesk.stats.tests.test_exports import pdf_tool
from propdesk.tickets.tests.helpers import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(world):
    """March 2026 in 华苑: two complaints resolved (one called back), four in-home repairs
    resolved (one called back: 25%, below the 30% target); 丽苑 has a complaint called back."""
    from propdesk.callbacks.tests.test_records import MIN, T0, in_home_repair

    walk(world, T0, "callback_done")
    walk(world, T0, "resolved")
    repairs = [in_home_repair(world, T0) for _ in range(4)]
    callback_services.record_callback(
        world.agent,
        repairs[0],
        satisfaction="basically_satisfied",
        comment="还算及时",
        now=T0 + 10 * MIN,
    )
    Scene(world).ticket("callback_done", foreign=True)  # 丽苑, today
    return world


def test_each_cell_is_the_figure_of_its_month_and_the_total_is_the_years(march):
    world = march
    report = callback_year(scope_for(world.supervisor, "company"), 2026)
    ids = frozenset({world.project.pk})
    assert [r.label for r in report.months] == [f"{m}月" for m in range(1, 13)]
    assert [r.label for r in report.projects] == ["华苑"]  # 丽苑 is outside the user's scope
    row = report.months[2]
    period = Period.month(2026, 3)
    assert row.callbacks == figures.callback_rate(ids, period)
    assert row.callbacks == figures.Rate(1, 2)  # the two complaints' tasks, one done
    assert row.repairs == figures.Rate(1, 4) and row.repairs.percent == Decimal("25.0")
    assert row.repairs_below_target
    assert row.satisfaction == figures.callback_satisfaction(ids, period)
    assert row.satisfaction == figures.Rate(2, 2)  # 满意, 基本满意: both satisfied
    assert report.months[3].repairs.whole == 0 and not report.months[3].repairs_below_target
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    assert report.total.callbacks == figures.callback_rate(ids, year)
    assert report.total.repairs == figures.Rate(1, 4)
    assert report.projects[0].repairs == report.total.repairs
    # Counted in months, the year adds up.
    assert sum(r.satisfaction.whole for r in report.months) == report.total.satisfaction.whole
    assert sum(r.callbacks.whole for r in report.months) == report.total.callbacks.whole


def test_the_page_shows_the_months_projects_and_total_and_marks_a_repair_rate_below_30(
    march, client
):
    client.force_login(march.supervisor)
    answer = client.get("/reports/callback-rates/", {"year": 2026})
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "业户回访率统计年报表" in page and "华苑" in page and "丽苑" not in page
    by_month = page.split('id="by-month"')[1].split("</table>")[0]
    march_row = by_month.split("<td>3月</td>")[1].split("</tr>")[0]
    assert '<td class="num below">25.0</td>' in march_row
    assert "全年合计" in by_month
    assert "管理处经理" in page  # the line the year report is signed on
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()  # viewing is not


def test_the_excel_holds_the_cells_a_user_reads_and_the_export_is_audited(march, client):
    client.force_login(march.supervisor)
    answer = client.get("/reports/callback-rates/", {"year": 2026, "scope": "project:SZHY"})
    assert answer.status_code == 200
    answer = client.get(
        "/reports/callback-rates/", {"year": 2026, "scope": "project:SZHY", "format": "xlsx"}
    )
    assert answer.status_code == 200
    assert "callback-rates-SZHY-2026.xlsx" in answer["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["按月", "按项目"]
    months = book["按月"]
    assert months["A1"].value == "华苑 2026年 业户回访率统计年报表"
    header = [c.value for c in months[2]]
    assert header[:8] == ["月份", "应回访", "已回访", "回访率(%)", "入户维修", "维修已回访",
                          "维修回访率(%)", "维修回访达标(≥30%)"]  # fmt: skip
    row = [c.value for c in months[5]]  # March
    assert row[0] == "3月" and row[1:4] == [2, 1, 50] and row[4:8] == [4, 1, 25, "否"]
    assert row[8:11] == [2, 2, 100]  # callbacks made, satisfied, satisfaction %
    assert months["G5"].number_format == "0.0"
    april = [c.value for c in months[6]]
    assert april[0] == "4月" and april[4:8] == [0, 0, None, "—"]
    total = [c.value for c in months[15]]
    assert total[0] == "全年合计" and total[4:7] == [4, 1, 25]
    projects = book["按项目"]
    assert [c.value for c in projects["A"]][2:] == ["华苑", "全年合计"]
    assert AuditLog.objects.filter(
        action=AuditAction.EXPORT, user=march.supervisor, object_type="callback_year",
        detail__scope="project:SZHY", detail__format="xlsx",
    ).count() == 1  # fmt: skip


def test_the_pdf_is_a4_text_with_the_months_and_projects(march, client):
    client.force_login(march.manager)
    answer = client.get("/reports/callback-rates/", {"year": 2026, "format": "pdf"})
    assert answer["Content-Type"] == "application/pdf" and answer.content.startswith(b"%PDF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(answer.content)
        pdf.flush()
        text = subprocess.run(  # noqa: S603 — a fixed tool on a file this test wrote
            [pdf_tool("pdftotext"), pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    flat = "".join(text.split())
    assert "业户回访率统计年报表" in flat and "3月" in flat and "12月" in flat
    assert "全年合计" in flat and "华苑" in flat and "丽苑" not in flat and "25.0" in flat
    assert AuditLog.objects.filter(
        action=AuditAction.EXPORT, user=march.manager, detail__format="pdf"
    ).exists()


@pytest.mark.parametrize(
    ("query", "status"),
    [({"scope": "project:GZLY"}, 403), ({"scope": "region:GZ"}, 403),
     ({"scope": "project:GZLY", "format": "xlsx"}, 403), ({"scope": "project:NOPE"}, 400),
     ({"year": "twenty"}, 400), ({"year": "99999"}, 400)],
)  # fmt: skip
def test_a_scope_outside_the_users_projects_or_a_bad_year_is_refused(march, client, query, status):
    client.force_login(march.supervisor)
    answer = client.get("/reports/callback-rates/", query)
    assert answer.status_code == status
    assert "丽苑" not in answer.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()
