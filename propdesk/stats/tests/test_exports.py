"""The monthly report as Excel and PDF, and ticket lists as Excel and CSV.

A small September is built by hand; the PDF is rendered, its first page turned into a PNG
(pdftoppm) that must not be blank and its text (pdftotext) must carry the Chinese title; the
workbook is opened with openpyxl and its figures must equal the API's for the same month."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from propdesk.callbacks import services as callback_services
from propdesk.stats import charts, exports, reports
from propdesk.stats.models import MonthlyReport
from propdesk.tickets import services
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import ApiClient
from propdesk.worktime.arithmetic import SHANGHAI

SHEETS = [
    "概要",
    "及时率",
    "投诉处理及时率",
    "跟进",
    "回访与满意度",
    "处理时长",
    "分类排列图",
    "按类型",
    "按渠道",
    "按分类",
    "赔偿与追偿",
    "重大及热点投诉",
]


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def a_month_of_requests(world) -> dict[str, Ticket]:
    """September 2026 in 华苑: A a lift complaint handled, called back satisfied and closed;
    B a major complaint (an injury in the lift) still open; C an in-home repair resolved;
    D a consultation answered; E a cleaning complaint whose text starts with "=". One
    complaint in August (for 上月), one in 丽苑 in September (for the company)."""
    t: dict[str, Ticket] = {}
    t["A"] = register(world, at(9, 2))
    services.accept(world.agent, t["A"], now=at(9, 2, 11))
    services.dispatch(
        world.supervisor, t["A"], department="SZHY-ENG", deadline=at(9, 2, 18), now=at(9, 2, 11)
    )
    services.resolve(world.handler, t["A"], result="更换了主板", now=at(9, 2, 14))
    callback_services.record_callback(world.agent, t["A"], satisfaction="satisfied", now=at(9, 3))
    services.close(world.agent, t["A"], reason="satisfied", now=at(9, 3, 11))
    t["B"] = register(
        world, at(9, 5), grade_facts={"major_accident": True}, description="电梯困人受伤"
    )
    t["C"] = register(
        world,
        at(9, 10),
        kind="repair",
        repair_scope="in_home",
        category="FAC-WATER",
        description="厨房漏水",
    )
    services.accept(world.agent, t["C"], now=at(9, 10, 11))
    services.dispatch(
        world.supervisor, t["C"], department="SZHY-ENG", deadline=at(9, 10, 18), now=at(9, 10, 11)
    )
    services.resolve(world.handler, t["C"], result="已修", now=at(9, 10, 15))
    t["D"] = register(
        world, at(9, 15), kind="consultation", category="FEE-MGMT", description="物业费怎么交"
    )
    services.answer(world.agent, t["D"], content="可在服务中心缴纳", now=at(9, 15, 10))
    t["E"] = register(world, at(9, 20), category="ENV-CLEAN", description="=楼道垃圾没人清")
    t["August"] = register(world, at(8, 20), category="ENV-CLEAN", description="垃圾桶满了")
    elsewhere = services.NewTicket(
        kind="complaint",
        channel="phone",
        category="FAC-LIGHT",
        description="路灯不亮",
        resident_id=world.neighbour.pk,
        room_id=world.other_room.pk,
    )
    t["GZLY"], _ = services.register_ticket(world.outsider, elsewhere, now=at(9, 12))
    return t


@pytest.fixture
def september(world) -> MonthlyReport:
    a_month_of_requests(world)
    reports.generate_month(2026, 9, now=at(10, 3, 2))
    report = MonthlyReport.objects.get(scope_kind="project", scope_code="SZHY")
    reports.update_commentary(world.manager, report.pk, "本月电梯故障集中,已安排全面检修。")
    report.refresh_from_db()
    return report


def pdf_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install Debian's poppler-utils (scripts/system_deps.sh)")
    return path


def test_the_pdf_has_the_chinese_title_and_a_first_page_that_is_not_blank(september, tmp_path):
    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(exports.report_pdf(september))
    assert pdf.read_bytes().startswith(b"%PDF")

    first_page = ["-png", "-r", "50", "-f", "1", "-l", "1"]
    subprocess.run(  # noqa: S603 — a fixed tool on a file this test wrote
        [pdf_tool("pdftoppm"), *first_page, str(pdf), str(tmp_path / "page")], check=True
    )
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        grey = image.convert("L")
        width, height = grey.size
        inked = sum(grey.histogram()[:200])  # pixels clearly darker than the white paper
    assert (width, height) == pytest.approx((413, 585), abs=3)  # A4 at 50 dpi
    assert inked > 0.02 * width * height, "the first page is (almost) blank"

    text = subprocess.run(  # noqa: S603
        [pdf_tool("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "华苑2026年9月客服工作月报" in flat
    assert "本月电梯故障集中" in flat  # the commentary
    assert "电梯困人受伤" in flat  # the major complaint
    assert "受理量" in flat and "及时率" in flat and "80%" in flat  # tables and the Pareto line


def sheet_rows(book, name: str) -> list[tuple]:
    return list(book[name].iter_rows(values_only=True))


def test_the_workbook_has_a_sheet_per_table_with_numbers_equal_to_the_api(world, september):
    book = load_workbook(io.BytesIO(exports.report_xlsx(september)))
    api = ApiClient(world.manager).get(
        "/stats/figures", {"period": "2026-09", "scope": "project:SZHY"}
    )
    assert api.status_code == 200
    expected = api.json()
    assert book.sheetnames == SHEETS

    counts = sheet_rows(book, "概要")
    assert counts[0] == ("指标", "本月", "上月", "环比(%)", "去年同月", "同比(%)")
    by_name = {row[0]: row for row in counts[1:]}
    for key, label in (
        ("received", "受理量"),
        ("closed", "办结量"),
        ("open_at_end", "期末未结"),
        ("reopened", "重开"),
        ("repeat_complaints", "重复投诉"),
    ):
        row = by_name[label]
        assert (row[1], row[2], row[4]) == (
            expected["counts"][key],
            expected["last_month"][key],
            expected["same_month_last_year"][key],
        ), label
        assert all(type(v) is int for v in (row[1], row[2], row[4]))
    assert by_name["受理量"][1] == 5
    assert by_name["受理量"][2] == 1
    assert by_name["受理量"][3] == 400  # 环比: (5 − 1) / 1 × 100%, a number, not "400%"

    timeliness = sheet_rows(book, "及时率")
    assert timeliness[0] == ("时限", "按时", "到期", "及时率(%)")
    assert timeliness[-1][0] == "合计"
    api_clocks = expected["timeliness"].values()
    assert timeliness[-1][1:3] == (
        sum(r["part"] for r in api_clocks),
        sum(r["whole"] for r in api_clocks),
    )
    for row in timeliness[1:]:
        assert all(isinstance(v, int | float) or v is None for v in row[1:])

    # Seed 003's headline beside the clocks, equal to the API's figure of the same name.
    headline = sheet_rows(book, "投诉处理及时率")
    assert headline[0] == ("指标", "及时处理件数", "投诉总件数", "及时率(%)")
    rate = expected["complaint_timeliness"]
    assert headline[1][:3] == ("投诉处理及时率(以派工单计)", rate["part"], rate["whole"])
    follow_up = {row[0]: row[1] for row in sheet_rows(book, "跟进")[1:]}
    assert follow_up["跟进超时(次)"] == expected["follow_up_breaches"]["breaches"]

    rates = {row[0]: row for row in sheet_rows(book, "回访与满意度")[1:]}
    satisfaction = expected["callback_satisfaction"]
    assert rates["回访满意率"][1:4] == (
        satisfaction["part"],
        satisfaction["whole"],
        pytest.approx(float(satisfaction["percent"])),
    )
    assert rates["入户维修回访率"][4] == 30

    for sheet, first in (("按类型", "类型"), ("按渠道", "渠道"), ("按分类", "分类")):
        rows = sheet_rows(book, sheet)
        assert rows[0] == (first, "受理", "办结", "重开")
        assert rows[-1][0] == "合计"
        assert rows[-1][1] == expected["counts"]["received"], sheet
        assert sum(r[1] for r in rows[1:-1]) == rows[-1][1]
    kinds = {row[0]: row[1] for row in sheet_rows(book, "按类型")[1:-1]}
    assert kinds == {"投诉": 3, "报修": 1, "咨询": 1}

    pareto = sheet_rows(book, "分类排列图")
    assert pareto[0] == ("序号", "分类", "投诉量", "累计", "累计占比(%)", "关键少数")
    assert pareto[-1][2] == 3  # the complaints of the month
    assert pareto[-2][4] == 100

    major = sheet_rows(book, "重大及热点投诉")
    assert major[0][:3] == ("编号", "项目", "分类")
    assert [row[6] for row in major[1:]] == ["电梯困人受伤"]


def test_the_company_workbook_counts_both_projects_like_the_api(world, september):
    company = MonthlyReport.objects.get(scope_kind="company")
    book = load_workbook(io.BytesIO(exports.report_xlsx(company)))
    expected = ApiClient(world.hq).get("/stats/figures", {"period": "2026-09"}).json()
    received = {row[0]: row[1] for row in sheet_rows(book, "概要")[1:]}["受理量"]
    assert received == expected["counts"]["received"] == 6


def test_ticket_lists_export_as_excel_and_csv_with_formulas_kept_as_text(world):
    tickets = a_month_of_requests(world)
    rows = list(
        Ticket.objects.filter(project=world.project)
        .select_related("project", "category__parent", "room__building", "room__unit")
        .order_by("received_at")
    )
    book = load_workbook(io.BytesIO(exports.tickets_xlsx(rows)))
    sheet = book.worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("编号", "项目", "类型")
    assert "联系电话" not in lines[0]  # phones are revealed one at a time, never exported
    assert [line[0] for line in lines[1:]] == [t.number for t in rows]
    e = next(line for line in lines if line[0] == tickets["E"].number)
    assert e[11] == "=楼道垃圾没人清"  # the resident's words, not a formula
    assert sheet.cell(row=lines.index(e) + 1, column=12).data_type == "s"
    received = lines[1][8]
    assert isinstance(received, datetime) and received.hour == 10  # Shanghai wall-clock time
    assert type(lines[1][15]) is int

    text = exports.tickets_csv(rows).decode("utf-8")
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(parsed[0]) == lines[0] and len(parsed) == len(rows) + 1
    csv_e = next(line for line in parsed if line[0] == tickets["E"].number)
    assert csv_e[11] == "'=楼道垃圾没人清"
    assert csv_e[8] == "2026-09-20 10:00"


def test_the_charts_draw_the_eighty_percent_line_and_escape_names():
    svg = charts.pareto_chart(
        ["电梯<故障>", "保洁", "收费"],
        [6, 3, 1],
        [60, 90, 100],
        [True, True, False],
        title="排列图",
    )
    assert svg.startswith("<svg") and "stroke-dasharray" in svg and ">80%<" in svg
    assert "电梯&lt;故障&gt;" in svg and "<故障>" not in svg
    assert "Noto Sans CJK SC" in svg
    assert "本期无数据" in charts.bar_chart([], [], title="按类型")
    assert charts._nice_scale(7) == (8, 2)
    assert charts._nice_scale(0) == (1, 1)


def test_the_report_title_names_the_scope_and_month(september):
    assert exports.report_title(september) == "华苑 2026年9月 客服工作月报"
    assert september.generated_at < at(10, 3, 3) + timedelta(days=1)
