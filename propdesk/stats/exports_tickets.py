"""A ticket list the user can see as Excel or CSV (issue 7 §3). The contact phone is never
exported; cells are written by core.exports, so a resident's words that a spreadsheet would run
as a formula arrive as words."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from propdesk.core.exports import csv_bytes, workbook_bytes, xlsx_cell, xlsx_row
from propdesk.tickets.models import Ticket

from .exports_xlsx import HEADER_FILL, HEADER_FONT
from .tables import Cell


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
    sheet.append(xlsx_row(sheet, ticket_headers(), font=HEADER_FONT, fill=HEADER_FILL))
    for ticket in rows:
        sheet.append([xlsx_cell(sheet, value_of(ticket)) for _header, value_of in TICKET_COLUMNS])
    return workbook_bytes(book)


def tickets_csv(rows: Iterable[Ticket]) -> bytes:
    """A ticket list as CSV (UTF-8 with a byte-order mark, which Excel needs for Chinese)."""
    return csv_bytes(
        ticket_headers(),
        ([value_of(ticket) for _header, value_of in TICKET_COLUMNS] for ticket in rows),
    )
