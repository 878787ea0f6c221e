"""The yearly defect report (缺陷反馈, SPEC §8) as an Excel workbook with the groups of its page
and PDF (``defects.defect_groups``): for the developer (工程质量, 设计规划) and for the company
(服务), each area with its count, how many are still open and how many of each grade; then the
most serious examples of each area; then every defect, one a row. Cells are written by
core.exports, so a resident's words never run as a formula."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from propdesk.core.exports import workbook_bytes, write_row
from propdesk.tickets.choices import GradeLevel

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
GROUP_FONT = Font(bold=True, size=12)
TITLE_FONT = Font(bold=True, size=14)
#: The grade columns of the summary: 一级, 二级, 三级.
LEVELS = (GradeLevel.LEVEL_1, GradeLevel.LEVEL_2, GradeLevel.LEVEL_3)


def _header(sheet: Worksheet, row: int, values: Sequence[object]) -> None:
    write_row(sheet, row, values, HEADER_FONT)
    for cell in sheet[row]:
        cell.fill = HEADER_FILL


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _summary(book: Workbook, title: str, groups: list[dict]) -> None:
    """One block per audience: its heading, then a line per area, then the audience's total."""
    sheet = book.create_sheet(_("汇总"))
    write_row(sheet, 1, [title], TITLE_FONT)
    write_row(sheet, 2, [_("一级至三级投诉中的工程质量、设计规划和服务问题")])
    row = 4
    for group in groups:
        write_row(sheet, row, [group["label"]], GROUP_FONT)
        _header(sheet, row + 1, [_("缺陷类别"), _("件数"), _("未办结"),
                                 *(str(level.label) for level in LEVELS)])  # fmt: skip
        row += 2
        for section in group["sections"]:
            levels = section["levels"]
            write_row(
                sheet, row,
                [section["area"], section["count"], section["open"],
                 *(levels.get(level.value, 0) for level in LEVELS)],
            )  # fmt: skip
            row += 1
        sections = group["sections"]
        write_row(
            sheet, row,
            [_("小计"), sum(s["count"] for s in sections), sum(s["open"] for s in sections),
             *(sum(s["levels"].get(level.value, 0) for s in sections) for level in LEVELS)],
            HEADER_FONT,
        )  # fmt: skip
        row += 2
    _widths(sheet, [18, 10, 10, 10, 10, 10])


def _examples(book: Workbook, groups: list[dict]) -> None:
    """The examples of the page and PDF, under the audience and area they belong to."""
    sheet = book.create_sheet(_("典型案例"))
    _header(sheet, 1, [_("反馈对象"), _("缺陷类别"), _("编号"), _("接报日期"), _("项目"),
                       _("等级"), _("分类"), _("投诉内容"), _("处理结果"), _("状态")])  # fmt: skip
    row = 2
    for group in groups:
        for section in group["sections"]:
            for t in section["examples"]:
                write_row(
                    sheet, row,
                    [group["label"], section["area"], t.number,
                     timezone.localtime(t.received_at).strftime("%Y-%m-%d"), t.project.name,
                     t.get_grade_level_display(), t.category.full_name, t.description,
                     t.resolution, t.get_status_display()],
                )  # fmt: skip
                row += 1
    _widths(sheet, [14, 12, 18, 12, 12, 8, 20, 50, 40, 10])
    sheet.freeze_panes = "A2"


def _detail(book: Workbook, headers: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(_("明细"))
    _header(sheet, 1, headers)
    for number, row in enumerate(rows, start=2):
        write_row(sheet, number, row)
    _widths(sheet, [18, 12, 10, 20, 8, 12, 14, 50, 40, 10])
    sheet.freeze_panes = "A2"


def defects_workbook(
    *, title: str, groups: list[dict], headers: list[str], rows: list[list]
) -> bytes:
    """Three sheets: 汇总 (the groups' counts), 典型案例 (their examples), 明细 (every defect)."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = title
    _summary(book, title, groups)
    _examples(book, groups)
    _detail(book, headers, rows)
    return workbook_bytes(book)
