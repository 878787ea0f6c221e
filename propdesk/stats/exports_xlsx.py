"""The monthly report as an Excel workbook (SPEC §9, issue 7 §3): one sheet per table of
``tables``, Chinese headers in the first row, numbers as numbers, every cell written by
core.exports. The header style is shared with the ticket list's workbook (``exports_tickets``)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from propdesk.core.exports import workbook_bytes, write_row

from .models import MonthlyReport
from .tables import report_tables, report_title

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TOTAL_FONT = Font(bold=True)
PERCENT_FORMAT = "0.0"
MONEY_FORMAT = "#,##0.00"


def report_xlsx(report: MonthlyReport) -> bytes:
    """One sheet per table, Chinese headers in the first row, numbers as numbers."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = report_title(report)
    for table in report_tables(report):
        sheet = book.create_sheet(table.title[:31])  # Excel's limit on a sheet name
        write_row(sheet, 1, list(table.headers), HEADER_FONT)
        for cell in sheet[1]:
            cell.fill = HEADER_FILL
        for number, row in enumerate(table.rows, start=2):
            write_row(sheet, number, row)
        if table.total is not None:
            write_row(sheet, len(table.rows) + 2, table.total, TOTAL_FONT)
        for column in table.percent_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                cell.number_format = PERCENT_FORMAT
        for column in table.money_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                cell.number_format = MONEY_FORMAT
        for column in range(len(table.headers)):
            width = table.widths.get(column, max(10, 2 * len(table.headers[column]) + 2))
            sheet.column_dimensions[get_column_letter(column + 1)].width = width
        sheet.freeze_panes = "A2"
    return workbook_bytes(book)
