"""The one writer of CSV and Excel files (SPEC §11). Every export — ticket lists, the monthly
report's workbook, the defect list, the callback records — writes its cells through here, so
that a resident's words can never run as a spreadsheet formula (CSV/formula injection):

- CSV: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
  apostrophe (OWASP, "CSV Injection"); the file is UTF-8 with a byte-order mark, which Excel
  needs to read Chinese.
- Excel: such text is written as a text cell (openpyxl would store ``=…`` as a formula) with
  Excel's own quote prefix, so it shows exactly as typed and stays text when edited. Characters
  a workbook cannot hold (control characters) are left out rather than failing the export.

Numbers stay numbers; times are Shanghai wall-clock time (a spreadsheet keeps no time zone).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

#: What a spreadsheet would read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TIME = "%Y-%m-%d %H:%M"
XLSX_TIME = "yyyy-mm-dd hh:mm"


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value: Any) -> Any:
    """One CSV cell: formula-like text with a leading apostrophe, times in Shanghai time."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime(CSV_TIME)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    if looks_like_formula(value):
        return "'" + value
    return value


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A whole CSV file: the header, then the rows, every cell through :func:`csv_value`."""
    out = io.BytesIO()
    write_csv(out, header, rows)
    return out.getvalue()


def write_csv(out: IO[bytes], header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """:func:`csv_bytes` written into ``out`` row by row, so that a large export (a company's
    residents) never sits in memory whole; ``out`` is left open."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    text.write("\ufeff")  # Excel opens UTF-8 with the byte-order mark
    writer = csv.writer(text)
    writer.writerow([csv_value(v) for v in header])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    text.flush()
    text.detach()


def excel_value(value: Any) -> Any:
    """A value as a workbook keeps it: no time zone, no characters it cannot hold."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def as_text(cell: Cell) -> Cell:
    """Keep a formula-like string a string: openpyxl stores ``=…`` as a formula; Excel's
    quote prefix keeps ``+``, ``-`` and ``@`` text even when the cell is edited."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_cell(
    sheet: Worksheet,
    value: Any,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    number_format: str | None = None,
) -> Cell:
    """A cell for ``sheet.append`` (write-only sheets included)."""
    cell = as_text(WriteOnlyCell(sheet, value=excel_value(value)))
    if isinstance(value, datetime):
        cell.number_format = number_format or XLSX_TIME
    elif number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def xlsx_row(sheet: Worksheet, values: Iterable[Any], **style: Any) -> list[Cell]:
    """A row of :func:`xlsx_cell` for ``sheet.append``."""
    return [xlsx_cell(sheet, value, **style) for value in values]


def write_row(sheet: Worksheet, row: int, values: Iterable[Any], font: Font | None = None) -> None:
    """Write ``values`` into row ``row`` of an ordinary (not write-only) sheet."""
    for column, value in enumerate(values, start=1):
        cell = as_text(sheet.cell(row=row, column=column, value=excel_value(value)))
        if isinstance(value, datetime):
            cell.number_format = XLSX_TIME
        if font is not None:
            cell.font = font


def workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    save_workbook(book, out)
    return out.getvalue()


def save_workbook(book: Workbook, out: IO[bytes]) -> None:
    """Write ``book`` into ``out`` (a write-only workbook streams its rows there)."""
    book.save(out)


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to save (never shown in the browser), named in any language."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_download(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]):
    """A CSV file to save: :func:`csv_bytes` as an attachment."""
    return download(csv_bytes(header, rows), CSV_TYPE, filename)


def xlsx_download(book: Workbook, filename: str) -> HttpResponse:
    return download(workbook_bytes(book), XLSX_TYPE, filename)
