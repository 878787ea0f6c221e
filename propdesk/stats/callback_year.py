"""业户回访率统计年报表 (seed 001 篇5 4.3–4.4, SPEC §9 and §11): a year's callback figures for a
scope, month by month and project by project, with the year's total; a page, Excel and an A4
PDF, every export audited.

Each cell is a figure of ``figures`` for that month (or year) and those projects — 回访率
(``callback_rate``), the repair callback rate against its 30% target
(``repair_callback_rate``), satisfaction from callbacks (``callback_satisfaction``) and
routine callback coverage (``routine_coverage``, to the end of the month: the year so far) — so
the year report says what the monthly reports and the statistics page say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from propdesk.core import clock
from propdesk.core.errors import DomainError, InvalidInput
from propdesk.core.exports import XLSX_TYPE, download, workbook_bytes, write_row
from propdesk.core.web import console_view
from propdesk.org.models import Project

from . import figures
from .exports import log_export
from .figures import ProjectIds, Rate
from .period import Period, Scope, scope_for
from .views import _scope_options

#: The target of each rate (SPEC §6): every due callback made, 30% of in-home repairs called
#: back, every occupied household visited in the year.
TARGETS = {"callbacks": 100, "repairs": int(figures.REPAIR_CALLBACK_TARGET), "routine": 100}
#: The years a report may be asked for.
FIRST_YEAR, LAST_YEAR = 2000, 2999


@dataclass(frozen=True)
class YearRow:
    """One line of the report: a month, a project, or the year's total."""

    label: str
    callbacks: Rate  # 回访率: done / due
    repairs: Rate  # 入户维修回访率: called back / resolved in-home repairs
    satisfaction: Rate  # 回访满意率: satisfied / callbacks made
    routine: Rate  # 例行回访覆盖率: households visited this year so far / occupied households

    @property
    def repairs_below_target(self) -> bool:
        """Below 30% (SPEC §6); a month without in-home repairs is not below."""
        percent = self.repairs.percent
        return percent is not None and percent < figures.REPAIR_CALLBACK_TARGET


def year_row(label: str, project_ids: ProjectIds, period: Period) -> YearRow:
    return YearRow(
        label=label,
        callbacks=figures.callback_rate(project_ids, period),
        repairs=figures.repair_callback_rate(project_ids, period),
        satisfaction=figures.callback_satisfaction(project_ids, period),
        routine=figures.routine_coverage(project_ids, period),
    )


def whole_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class CallbackYear:
    scope: Scope
    year: int
    months: list[YearRow]
    projects: list[YearRow]
    total: YearRow

    @property
    def title(self) -> str:
        return _("%(scope)s %(year)s年 业户回访率统计年报表") % {
            "scope": self.scope.name,
            "year": self.year,
        }


def callback_year(scope: Scope, year: int) -> CallbackYear:
    """The year's figures of ``scope``: each month (1–12), each project over the year, and
    the year's total over the scope."""
    ids = scope.project_ids
    months = [year_row(_("%(m)s月") % {"m": m}, ids, Period.month(year, m)) for m in range(1, 13)]
    projects = [
        year_row(p.name, frozenset({p.pk}), whole_year(year))
        for p in Project.objects.filter(pk__in=ids).order_by("code")
    ]
    total = year_row(_("全年合计"), ids, whole_year(year))
    return CallbackYear(scope, year, months, projects, total)


# --- the columns, as every format shows them -------------------------------------------------


def headers() -> list[str]:
    return [
        _("应回访"), _("已回访"), _("回访率(%)"),
        _("入户维修"), _("维修已回访"), _("维修回访率(%)"), _("维修回访达标(≥30%)"),
        _("回访次数"), _("满意"), _("回访满意率(%)"),
        _("在住户"), _("已例行回访"), _("例行回访覆盖率(%)"),
    ]  # fmt: skip


#: The columns holding a percentage (0-based, after the first column of labels).
PERCENT_COLUMNS = (2, 5, 9, 12)


def cells(row: YearRow) -> list:
    """The row's values in the order of ``headers``: counts as numbers, percentages as
    numbers to 0.1 (None when nothing was counted)."""
    met = (_("否") if row.repairs_below_target else _("是")) if row.repairs.whole else "—"
    return [
        row.callbacks.whole, row.callbacks.part, row.callbacks.percent,
        row.repairs.whole, row.repairs.part, row.repairs.percent, met,
        row.satisfaction.whole, row.satisfaction.part, row.satisfaction.percent,
        row.routine.whole, row.routine.part, row.routine.percent,
    ]  # fmt: skip


# --- Excel and PDF ---------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TITLE_FONT = Font(bold=True, size=14)


def _sheet(book: Workbook, name: str, title: str, first: str, rows: list[YearRow], total):
    """A sheet: the title in row 1, the headers in row 2, a line per row, then the total."""
    sheet = book.create_sheet(name)
    write_row(sheet, 1, [title], TITLE_FONT)
    width = len(headers()) + 1
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    write_row(sheet, 2, [first, *headers()], HEADER_FONT)
    for cell in sheet[2]:
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for number, row in enumerate([*rows, total], start=3):
        write_row(sheet, number, [row.label, *cells(row)], HEADER_FONT if row is total else None)
    for column in PERCENT_COLUMNS:
        for (cell,) in sheet.iter_rows(min_row=3, min_col=column + 2, max_col=column + 2):
            cell.number_format = "0.0"
    sheet.column_dimensions["A"].width = 16
    for column in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = "B3"
    return sheet


def year_xlsx(report: CallbackYear) -> bytes:
    """Two sheets: by month (with the year's total) and by project (with the same total)."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = report.title
    _sheet(book, _("按月"), report.title, _("月份"), report.months, report.total)
    _sheet(book, _("按项目"), report.title, _("项目"), report.projects, report.total)
    return workbook_bytes(book)


def year_pdf(report: CallbackYear) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported (exports_pdf).
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string("stats/callback_year_pdf.html", _context(report))
    return HTML(string=html).write_pdf()


def _context(report: CallbackYear) -> dict:
    return {
        "report": report,
        "headers": headers(),
        "months": [(r, cells(r)) for r in report.months],
        "projects": [(r, cells(r)) for r in report.projects],
        "total": cells(report.total),
        "targets": TARGETS,
        "printed_at": timezone.localtime(clock.now()),
    }


# --- the page --------------------------------------------------------------------------------

FORMATS = {"xlsx", "pdf"}


def _year(text: str | None) -> int:
    if not text:
        return timezone.localtime(clock.now()).year
    try:
        year = int(text)
    except ValueError:
        raise InvalidInput(_("年度应为四位数字"), field="year") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(_("年度应为四位数字"), field="year")
    return year


@console_view
def callback_year_page(request: HttpRequest) -> HttpResponse:
    """/reports/callback-rates/?year=2026&scope=region:SZ[&format=xlsx|pdf]"""
    try:
        year = _year(request.GET.get("year"))
        scope = scope_for(request.user, request.GET.get("scope"))
    except DomainError as refused:  # a scope outside the user's: 403 (SPEC §1)
        return HttpResponse(refused.message, status=refused.status_code)
    report = callback_year(scope, year)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        log_export(
            request.user, "callback_year", year, ip=request.META.get("REMOTE_ADDR"),
            scope=f"{scope.kind}:{scope.code}", format=fmt,
        )  # fmt: skip
        name = f"callback-rates-{scope.code or scope.kind}-{year}.{fmt}"
        if fmt == "pdf":
            return download(year_pdf(report), "application/pdf", name)
        return download(year_xlsx(report), XLSX_TYPE, name)
    context = {
        **_context(report),
        "scope_param": request.GET.get("scope", "company"),
        "scope_options": _scope_options(request.user),
    }
    return render(request, "stats/callback_year.html", context)
