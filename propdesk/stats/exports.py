"""The monthly report as tables, as an Excel workbook and as a PDF; a ticket list as Excel or
CSV (SPEC §9, issue 7 §3).

The report's tables are built once (``report_tables``) from the figures frozen in the report
and then written three ways — the report page, the workbook (one sheet per table) and the
PDF — so the three always agree. Cells keep their types: counts are ``int``, rates are
``Decimal`` percentages, a ticket's times are ``datetime``; only the writers format them.
The callers (the views) write every export to the audit log through ``log_export``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from propdesk.core import clock
from propdesk.core.audit import audit
from propdesk.core.models import AuditAction
from propdesk.sla.choices import ClockKind
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.models import Category, Ticket

from . import charts
from .figures import PARETO_LINE, TIMELINESS_CLOCKS, Rate
from .models import MonthlyReport

Cell = int | float | Decimal | str | datetime | None

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TOTAL_FONT = Font(bold=True)
PERCENT_FORMAT = "0.0"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
#: Text a spreadsheet would run as a formula (CSV/formula injection): a resident's
#: description starting with "=" must arrive as the words they typed, not as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """One table of the report: a sheet of the workbook, a section of the page and PDF."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    percent_columns: frozenset[int] = field(default_factory=frozenset)
    widths: dict[int, int] = field(default_factory=dict)

    @staticmethod
    def _marked(row: list[Cell]) -> list[tuple[Cell, bool]]:
        # A missing rate ("—") sits where its number would, on the right.
        return [(v, v is None or isinstance(v, int | float | Decimal)) for v in row]

    @property
    def shown_headers(self) -> list[tuple[str, bool]]:
        """Headers with whether their column holds numbers, to align them alike."""
        rows = [*self.rows, *([self.total] if self.total else [])]

        def numeric(column: int) -> bool:
            values = [row[column] for row in rows if row[column] != ""]
            return column > 0 and all(
                v is None or isinstance(v, int | float | Decimal) for v in values
            )

        return [(header, numeric(i)) for i, header in enumerate(self.headers)]

    @property
    def shown_rows(self) -> list[list[tuple[Cell, bool]]]:
        """Rows for a template: each cell with whether it is a number (aligned right)."""
        return [self._marked(row) for row in self.rows]

    @property
    def shown_total(self) -> list[tuple[Cell, bool]] | None:
        return self._marked(self.total) if self.total is not None and self.rows else None


def report_title(report: MonthlyReport) -> str:
    return _("%(scope)s %(year)s年%(month)s月 客服工作月报") % {
        "scope": report.scope_name,
        "year": report.year,
        "month": report.month,
    }


def _percent(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _change(now: int, before: int) -> Decimal | None:
    """环比/同比: (now − before) / before × 100, to 0.1; none when there was nothing before."""
    if not before:
        return None
    return (Decimal(now - before) * 100 / Decimal(before)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _counts_table(f: dict) -> Table:
    labels = {
        "received": _("受理量"),
        "closed": _("办结量"),
        "open_at_end": _("期末未结"),
        "reopened": _("重开"),
        "repeat_complaints": _("重复投诉"),
    }
    rows: list[list[Cell]] = []
    for key, label in labels.items():
        now, last, ago = f["counts"][key], f["last_month"][key], f["same_month_last_year"][key]
        rows.append([label, now, last, _change(now, last), ago, _change(now, ago)])
    return Table(
        "counts",
        _("概要"),
        [_("指标"), _("本月"), _("上月"), _("环比(%)"), _("去年同月"), _("同比(%)")],
        rows,
        percent_columns=frozenset({3, 5}),
        widths={0: 14},
    )


def _rate_row(label: str, rate: dict, target: Decimal | None = None) -> list[Cell]:
    return [label, rate["part"], rate["whole"], _percent(rate["percent"]), target]


def _timeliness_table(f: dict) -> Table:
    rows = [
        _rate_row(str(ClockKind(kind).label), f["timeliness"][kind])
        for kind in TIMELINESS_CLOCKS
        if kind in f["timeliness"]
    ]
    met, due = sum(r[1] for r in rows), sum(r[2] for r in rows)
    return Table(
        "timeliness",
        _("及时率"),
        [_("时限"), _("按时"), _("到期"), _("及时率(%)")],
        [r[:4] for r in rows],
        total=[_("合计"), met, due, Rate(met, due).percent],
        percent_columns=frozenset({3}),
        widths={0: 14},
    )


def _rates_table(f: dict) -> Table:
    return Table(
        "rates",
        _("回访与满意度"),
        [_("指标"), _("分子"), _("分母"), _("比率(%)"), _("目标(%)")],
        [
            _rate_row(_("回访率"), f["callback_rate"]),
            _rate_row(
                _("入户维修回访率"),
                f["repair_callback_rate"],
                Decimal(f["repair_callback_target_percent"]),
            ),
            _rate_row(_("例行回访覆盖率"), f["routine_coverage"], Decimal(100)),
            _rate_row(_("回访满意率"), f["callback_satisfaction"]),
            _rate_row(_("调查满意率"), f["survey_satisfaction"]),
        ],
        percent_columns=frozenset({3, 4}),
        widths={0: 18},
    )


def _handling_table(f: dict) -> Table:
    took = f["handling_time"]
    return Table(
        "handling",
        _("处理时长"),
        [_("已解决"), _("平均处理时长(小时)"), _("90%处理时长(小时)")],
        [[took["resolved"], took["average_hours"], took["p90_hours"]]],
        widths={1: 20, 2: 20},
    )


def _pareto_table(f: dict) -> Table:
    rows: list[list[Cell]] = []
    running = 0
    for i, r in enumerate(f["pareto"], start=1):
        running += r["count"]
        share = Decimal(r["cumulative_percent"])
        rows.append([i, r["name"], r["count"], running, share, _("是") if r["vital"] else ""])
    return Table(
        "pareto",
        _("分类排列图"),
        [_("序号"), _("分类"), _("投诉量"), _("累计"), _("累计占比(%)"), _("关键少数")],
        rows,
        total=[_("合计"), "", running, None, None, ""],
        percent_columns=frozenset({4}),
        widths={1: 18},
    )


def _breakdown_table(key: str, title: str, first: str, rows: list[dict], names: dict) -> Table:
    out: list[list[Cell]] = []
    for r in rows:
        name = str(names.get(r["key"], r["key"]) or _("(未填)"))
        out.append([name, r["received"], r["closed"], r["reopened"]])
    return Table(
        key,
        title,
        [first, _("受理"), _("办结"), _("重开")],
        out,
        total=[_("合计"), *(sum(r[i] for r in out) for i in (1, 2, 3))],
        widths={0: 18},
    )


#: The columns of the major complaints, as ``reports.major_complaints`` stores them.
MAJOR_COLUMNS = [
    ("number", gettext_lazy("编号")),
    ("project", gettext_lazy("项目")),
    ("category", gettext_lazy("分类")),
    ("grade", gettext_lazy("等级")),
    ("class", gettext_lazy("重要程度")),
    ("received_at", gettext_lazy("接报时间")),
    ("description", gettext_lazy("诉求内容")),
    ("resolution", gettext_lazy("处理结果")),
    ("status", gettext_lazy("状态")),
]


def _major_table(report: MonthlyReport) -> Table:
    return Table(
        "major",
        _("重大及热点投诉"),
        [str(header) for _key, header in MAJOR_COLUMNS],
        [[c.get(key, "") for key, _header in MAJOR_COLUMNS] for c in report.major_complaints],
        widths={0: 22, 2: 18, 5: 17, 6: 40, 7: 40},
    )


def figure_tables(f: dict) -> list[Table]:
    """The tables of a set of figures (``reports.snapshot``), headers in the active language:
    what the report and the statistics page show."""
    groups = {c.code: c.display_name for c in Category.objects.filter(parent__isnull=True)}
    return [
        _counts_table(f),
        _timeliness_table(f),
        _rates_table(f),
        _handling_table(f),
        _pareto_table(f),
        _breakdown_table("by_kind", _("按类型"), _("类型"), f["by_kind"], dict(Kind.choices)),
        _breakdown_table(
            "by_channel", _("按渠道"), _("渠道"), f["by_channel"], dict(Channel.choices)
        ),
        _breakdown_table("by_category", _("按分类"), _("分类"), f["by_category_group"], groups),
    ]


def report_tables(report: MonthlyReport) -> list[Table]:
    """Every table of the report, from the figures frozen in it, and its major complaints."""
    return [*figure_tables(report.figures), _major_table(report)]


def report_charts(f: dict) -> dict[str, str]:
    """The two charts of the report as inline SVG: received by kind, and the Pareto."""
    kinds = dict(Kind.choices)
    pareto = f["pareto"]
    return {
        "by_kind": charts.bar_chart(
            [str(kinds.get(r["key"], r["key"])) for r in f["by_kind"]],
            [r["received"] for r in f["by_kind"]],
            title=_("按类型受理量"),
        ),
        "pareto": charts.pareto_chart(
            [r["name"] for r in pareto],
            [r["count"] for r in pareto],
            [Decimal(r["cumulative_percent"]) for r in pareto],
            [r["vital"] for r in pareto],
            title=_("投诉分类排列图"),
            line=PARETO_LINE,
        ),
    }


# --- writers ----------------------------------------------------------------------------------


def _csv_text(value: Any) -> Any:
    """A CSV cell that Excel would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _excel_value(value: Any) -> Any:
    """Excel keeps no time zone: times go in as Shanghai wall-clock time."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _as_text_if_formula(cell) -> None:
    """openpyxl stores a string starting with "=" as a formula; a resident's words must stay
    words, so such a cell is written as plain text (the other formula starts are harmless in
    a typed .xlsx cell)."""
    if cell.data_type == "f":
        cell.data_type = "s"


def _write_row(sheet, row: int, values: list[Cell], font: Font | None = None) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=_excel_value(value))
        _as_text_if_formula(cell)
        if font is not None:
            cell.font = font


def report_xlsx(report: MonthlyReport) -> bytes:
    """One sheet per table, Chinese headers in the first row, numbers as numbers."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = report_title(report)
    for table in report_tables(report):
        sheet = book.create_sheet(table.title[:31])  # Excel's limit on a sheet name
        _write_row(sheet, 1, list(table.headers), HEADER_FONT)
        for cell in sheet[1]:
            cell.fill = HEADER_FILL
        for number, row in enumerate(table.rows, start=2):
            _write_row(sheet, number, row)
        if table.total is not None:
            _write_row(sheet, len(table.rows) + 2, table.total, TOTAL_FONT)
        for column in table.percent_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                cell.number_format = PERCENT_FORMAT
        for column in range(len(table.headers)):
            width = table.widths.get(column, max(10, 2 * len(table.headers[column]) + 2))
            sheet.column_dimensions[get_column_letter(column + 1)].width = width
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(report: MonthlyReport) -> bytes:
    """The A4 report: title, figures, charts (inline SVG), commentary, major complaints."""
    # Imported here, not at the top: WeasyPrint loads Pango through cffi when imported, which
    # every process would otherwise pay at start-up, and a machine without Pango can still
    # serve every other page.
    from weasyprint import HTML

    tables = {t.key: t for t in report_tables(report)}
    html = render_to_string(
        "stats/report_pdf.html",
        {
            "report": report,
            "title": report_title(report),
            "tables": tables,
            "charts": report_charts(report.figures),
            "printed_at": timezone.localtime(clock.now()),
        },
    )
    return HTML(string=html).write_pdf()


# --- ticket lists -----------------------------------------------------------------------------


def _room_or_place(t: Ticket) -> str:
    return t.room.label if t.room_id else t.place


#: The columns of a ticket list export. The contact phone is left out on purpose: the console
#: masks it and reveals it one ticket at a time, with an audit entry each time.
TICKET_COLUMNS: list[tuple[Any, Callable[[Ticket], Cell]]] = [
    (gettext_lazy("编号"), lambda t: t.number),
    (gettext_lazy("项目"), lambda t: t.project.name),
    (gettext_lazy("类型"), lambda t: t.get_kind_display()),
    (gettext_lazy("来源"), lambda t: t.get_channel_display()),
    (gettext_lazy("分类"), lambda t: t.category.full_name),
    (gettext_lazy("等级"), lambda t: t.get_grade_level_display()),
    (gettext_lazy("重要程度"), lambda t: t.get_grade_class_display()),
    (gettext_lazy("状态"), lambda t: t.get_status_display()),
    (gettext_lazy("接报时间"), lambda t: t.received_at),
    (gettext_lazy("房屋/地点"), _room_or_place),
    (gettext_lazy("联系人"), lambda t: t.contact_name),
    (gettext_lazy("诉求内容"), lambda t: t.description),
    (gettext_lazy("处理结果"), lambda t: t.resolution),
    (gettext_lazy("解决时间"), lambda t: t.resolved_at),
    (gettext_lazy("关闭时间"), lambda t: t.closed_at),
    (gettext_lazy("重开次数"), lambda t: t.reopen_count),
]
TICKET_WIDTHS = {0: 22, 1: 12, 4: 20, 8: 17, 9: 18, 11: 48, 12: 40, 13: 17, 14: 17}


def ticket_headers() -> list[str]:
    return [str(header) for header, _value in TICKET_COLUMNS]


def tickets_xlsx(rows: Iterable[Ticket]) -> bytes:
    """A ticket list as one sheet; written row by row (write-only) so 20,000 rows stay
    light on memory."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("诉求清单"))
    for column, width in TICKET_WIDTHS.items():
        sheet.column_dimensions[get_column_letter(column + 1)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for text in ticket_headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for ticket in rows:
        line = []
        for _header, value_of in TICKET_COLUMNS:
            value = value_of(ticket)
            cell = WriteOnlyCell(sheet, value=_excel_value(value))
            _as_text_if_formula(cell)
            if isinstance(value, datetime):
                cell.number_format = TIME_FORMAT
            line.append(cell)
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tickets_csv(rows: Iterable[Ticket]) -> bytes:
    """A ticket list as UTF-8 CSV with a byte-order mark, which Excel needs to read Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(ticket_headers())
    for ticket in rows:
        line = []
        for _header, value_of in TICKET_COLUMNS:
            value = value_of(ticket)
            if isinstance(value, datetime):
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            line.append(_csv_text(value))
        writer.writerow(line)
    return out.getvalue().encode("utf-8")


def log_export(
    user, object_type: str, object_id: str | int, *, ip: str | None = None, **detail: Any
) -> None:
    """Every export goes to the audit log (SPEC §1): who took which data out, and how much."""
    audit(
        user,
        AuditAction.EXPORT,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        ip=ip,
    )
