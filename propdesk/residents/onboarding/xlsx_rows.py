"""The rows of an ``.xlsx`` worksheet read straight from its XML (SPEC §2, onboarding).

openpyxl reads the workbook (sheets, shared strings, date styles); the rows are read here,
giving the values openpyxl's ``iter_rows(values_only=True)`` gives without building a dict and
a rich-text object per cell: reading a group's 800,000 rows was the largest cost of an import
(benchmarks/results/onboarding.md). ``_Worksheet`` and ``WorkbookReader`` reach into openpyxl's
private parts (guarded by tests/test_sheet_rows.py, which compares with openpyxl's own values).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_ROW = f"{{{SHEET_MAIN_NS}}}row"
_CELL = f"{{{SHEET_MAIN_NS}}}c"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_DIMENSION = f"{{{SHEET_MAIN_NS}}}dimension"
_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"
_DIGITS = "0123456789"


class _Worksheet(ReadOnlyWorksheet):
    """openpyxl's read-only worksheet, sized by the <dimension> at its head. openpyxl's own
    reads the whole sheet when there is none (files openpyxl writes have none: the company
    export, the benchmark's group) only to find that there is none: one more pass over every
    row of the file before the first is read. The dimension comes before the sheet's data in
    the file format, so this finds what openpyxl's finds."""

    def _get_size(self) -> None:
        sheet: Any = self  # openpyxl's private parts, not in its type stubs
        with sheet._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == _DIMENSION:
                    try:
                        found = range_boundaries(element.get("ref", ""))
                    except (TypeError, ValueError):
                        return  # only an estimate of the rows (progress): none then
                    sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = found
                    return
                if element.tag == _SHEET_DATA:  # the dimension comes before the data or not at all
                    return


class WorkbookReader(ExcelReader):
    """openpyxl's reader (``load_workbook(read_only=True)``) making _Worksheet's."""

    def read_worksheets(self) -> None:
        reader: Any = self  # openpyxl's private parts, not in its type stubs
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files:
                continue
            if "chartsheet" in rel.Type:
                reader.read_chartsheet(sheet, rel)
                continue
            worksheet = _Worksheet(reader.wb, sheet.name, rel.target, reader.shared_strings)
            worksheet.sheet_state = sheet.state
            reader.wb._sheets.append(worksheet)


def sheet_rows(
    source: IO[bytes],
    shared_strings: list[Any],
    epoch: Any,
    date_formats: Any,
    timedelta_formats: Any,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of every row from 1 to the last, as openpyxl's read-only
    ``iter_rows(values_only=True)`` gives them (formulas as their cached value)."""
    columns: dict[str, int] = {}
    expected = 1
    number = 0
    for _event, element in iterparse(source):
        if element.tag != _ROW:
            continue
        given = element.get("r")
        if given is None:
            number += 1
        else:
            try:
                number = int(given)
            except ValueError:
                found = float(given)
                if not found.is_integer():
                    raise ValueError(f"{given} is not a valid row number") from None
                number = int(found)
        if number < expected:  # a row out of order, as openpyxl: passed over
            element.clear()
            continue
        while expected < number:
            yield expected, ()
            expected += 1
        expected = number + 1
        row: list[Any] = []
        column = 0
        for cell in element:
            if cell.tag != _CELL:
                continue
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                found_column = columns.get(letters)
                if found_column is None:
                    found_column = columns[letters] = column_index_from_string(letters)
                column = found_column
            else:
                column += 1
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                inline = cell.find(_INLINE)
                value: Any = None if inline is None else _inline_text(inline)
            else:
                value = cell.findtext(_VALUE) or None
                if value is None:
                    pass
                elif kind == "s":
                    value = shared_strings[int(value)]
                elif kind == "n":
                    value = _number(value)
                    style = cell.get("s")
                    style_id = int(style) if style else 0
                    if style_id in date_formats:
                        try:
                            value = from_excel(
                                value, epoch, timedelta=style_id in timedelta_formats
                            )
                        except (OverflowError, ValueError):
                            value = "#VALUE!"
                elif kind == "b":
                    value = bool(int(value))
                elif kind == "d":
                    value = from_ISO8601(value)
            width = len(row)
            if column > width:
                if column > width + 1:  # blank cells Excel does not write
                    row.extend([None] * (column - width - 1))
                row.append(value)
            else:
                row[column - 1] = value
        element.clear()
        yield number, tuple(row)


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _inline_text(inline: Any) -> str:
    """An inline string's text without its formatting and phonetic runs (openpyxl's
    ``Text.content``)."""
    plain = None
    runs = []
    for child in inline:
        if child.tag == _TEXT:
            plain = child.text
        elif child.tag == _RUN:
            runs.append(child.findtext(_TEXT) or "")
    return (plain or "") + "".join(runs)
