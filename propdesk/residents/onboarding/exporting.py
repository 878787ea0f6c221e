"""The company written out in the import's own format (it imports back with nothing changed),
the template to fill in, and the rejected rows of a dry run.

Cells go through core.exports, the one writer: formula-like text stays text. The company
workbook is written in openpyxl's write-only mode, row by row from database cursors, so a
group's 500,000 residents never sit in memory at once. CSV: a zip with one ``<sheet>.csv`` per
sheet, UTF-8 with the byte-order mark Excel needs.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from typing import IO, Any, Literal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from propdesk.core.exports import save_workbook, workbook_bytes, write_csv, write_row, xlsx_row
from propdesk.org.models import Company, Department, Region, User

from ..models import Residency, Room
from .columns import Column, Kind, Sheet, written
from .index import CHUNK
from .reading import CompanyFile, Source
from .report import Plan
from .sheets import SHEETS

Format = Literal["xlsx", "csv"]
Destination = str | os.PathLike[str] | IO[bytes]
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
#: Rows of the template under the header that the drop-down lists cover.
TEMPLATE_ROWS = 5000


def write_company(company: Company, out: Destination, *, format: Format = "xlsx") -> None:
    """Write every sheet of ``company`` to ``out`` (a path or a binary file)."""
    tables = [(sheet, _rows(company, sheet)) for sheet in SHEETS]
    with ExitStack() as stack:
        stream: IO[bytes] = (
            stack.enter_context(open(out, "wb"))  # closed by the stack
            if isinstance(out, str | os.PathLike)
            else out
        )
        if format == "csv":
            _write_csv_zip(stream, tables)
        else:
            _write_workbook(stream, tables)


def _write_workbook(stream: IO[bytes], tables: Sequence[tuple[Sheet, Iterable[list[Any]]]]) -> None:
    book = Workbook(write_only=True)
    for sheet, rows in tables:
        page = book.create_sheet(str(sheet.title))
        for number, column in enumerate(sheet.columns, start=1):
            page.column_dimensions[get_column_letter(number)].width = _width(column)
        page.freeze_panes = "A2"
        page.append(xlsx_row(page, [str(c.header) for c in sheet.columns], font=HEADER_FONT))
        for values in rows:
            page.append(xlsx_row(page, values))
    save_workbook(book, stream)


def _write_csv_zip(stream: IO[bytes], tables: Sequence[tuple[Sheet, Iterable[list[Any]]]]) -> None:
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in tables:
            with archive.open(f"{sheet.title}.csv", "w") as member:
                write_csv(member, [str(c.header) for c in sheet.columns], rows)


def _width(column: Column) -> float:
    return max(10.0, min(30.0, 2.2 * len(str(column.header)) + 2))


def _rows(company: Company, sheet: Sheet) -> Iterator[list[Any]]:
    """The rows of ``sheet``, each cell as the import reads it back."""
    source = {
        "places": _places,
        "departments": _departments,
        "staff": _staff,
        "rooms": _rooms,
        "residents": _residents,
    }[sheet.key](company)
    for record in source:
        yield [written(column, record.get(column.key)) for column in sheet.columns]


def _places(company: Company) -> Iterator[dict[str, Any]]:
    regions = Region.objects.filter(company=company).order_by("code").prefetch_related("projects")
    for region in regions:
        base = {"region_code": region.code, "region_name": region.name}
        projects = sorted(region.projects.all(), key=lambda p: p.code)
        if not projects:
            yield base
        for project in projects:
            yield base | {
                "project_code": project.code,
                "project_name": project.name,
                "address": project.address,
                "is_active": project.is_active,
            }


def _departments(company: Company) -> Iterator[dict[str, Any]]:
    rows = Department.objects.filter(company=company).order_by("code")
    for code, name, kind, project, region, active in rows.values_list(
        "code", "name", "kind", "project__code", "region__code", "is_active"
    ):
        yield {
            "code": code,
            "name": name,
            "kind": kind,
            "project_code": project,
            "region_code": region,
            "is_active": active,
        }


def _staff(company: Company) -> Iterator[dict[str, Any]]:
    scopes: dict[int, list[str]] = {}
    through = User.scope_projects.through.objects.filter(user__company=company)
    for user_id, code in through.order_by("project__code").values_list("user_id", "project__code"):
        scopes.setdefault(user_id, []).append(code)
    users = User.objects.filter(company=company).order_by("username")
    for user in users.select_related("department", "scope_region"):
        yield {
            "username": user.username,
            "name": user.display_name,
            "phone": user.phone,
            "email": user.email,
            "role": user.role,
            "department": user.department.code if user.department else None,
            "scope": user.scope_level,
            "scope_projects": tuple(scopes.get(user.pk, ())),
            "scope_region": user.scope_region.code if user.scope_region else None,
            "is_active": user.is_active,
        }


def _rooms(company: Company) -> Iterator[dict[str, Any]]:
    fields = (
        "project__code", "building__code", "building__name", "unit__code", "unit__name",
        "number", "floor", "area", "use", "is_occupied",
    )  # fmt: skip
    keys = (
        "project_code", "building", "building_name", "unit", "unit_name",
        "number", "floor", "area", "use", "is_occupied",
    )  # fmt: skip
    rows = Room.objects.filter(project__company=company).order_by(
        "project__code", "building__code", "unit__code", "number", "pk"
    )
    for values in rows.values_list(*fields).iterator(chunk_size=CHUNK):
        yield dict(zip(keys, values, strict=True))


def _residents(company: Company) -> Iterator[dict[str, Any]]:
    fields = {
        "name": "resident__name",
        "phone": "resident__phone",
        "phone2": "resident__phone2",
        "email": "resident__email",
        "project_code": "room__project__code",
        "building": "room__building__code",
        "unit": "room__unit__code",
        "number": "room__number",
        "relation": "relation",
        "since": "since",
        "key_customer": "resident__is_key_customer",
        "preferred_contact": "resident__preferred_contact",
        "contact_times": "resident__contact_times",
        "notes": "resident__notes",
    }
    rows = Residency.objects.filter(resident__company=company, is_active=True).order_by(
        "room__project__code", "room__building__code", "room__unit__code", "room__number", "pk"
    )
    for values in rows.values_list(*fields.values()).iterator(chunk_size=CHUNK):
        yield dict(zip(fields, values, strict=True))


def template_bytes() -> bytes:
    """The workbook to fill in: each sheet's headers (the required ones in red) with a note on
    each saying what goes there, one example row, and drop-down lists for the fixed values."""
    book = Workbook()
    for blank in list(book.worksheets):
        book.remove(blank)
    for sheet in SHEETS:
        page = book.create_sheet(str(sheet.title))
        page.freeze_panes = "A2"
        write_row(page, 1, [str(c.header) for c in sheet.columns])
        write_row(page, 2, [c.example or None for c in sheet.columns])
        for number, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(number)
            page.column_dimensions[letter].width = _width(column)
            cell = page.cell(row=1, column=number)
            cell.font = REQUIRED_FONT if column.required else HEADER_FONT
            note = (_("必填。") if column.required else "") + str(column.note)
            cell.comment = Comment(note, "PropDesk", width=240, height=90)
            choices = _choices(column)
            if choices:
                rule = DataValidation(
                    type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
                )
                rule.error = _("请从下拉列表中选择")
                rule.showErrorMessage = True
                page.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    return workbook_bytes(book)


def _choices(column: Column) -> list[str]:
    if column.kind == Kind.BOOL:
        return [_("是"), _("否")]
    if column.kind == Kind.CHOICE and column.choices is not None:
        return [str(label) for label in column.choices.labels]
    return []


def rejected_bytes(source: Source, plan: Plan, *, name: str = "") -> bytes:
    """The rows of ``source`` that have problems, sheet by sheet as in the file, with the row
    number they had and what is wrong in two more columns: to correct and import again."""
    reasons: dict[tuple[str, int], list[str]] = {}
    for problem in plan.problems:
        if problem.row is not None:
            text = f"{problem.column}:{problem.message}"
            reasons.setdefault((problem.sheet, problem.row), []).append(text)
    book = Workbook(write_only=True)
    reports = {s.key: s for s in plan.sheets}
    with CompanyFile(source, name) as file:
        for table in file.tables():
            report = reports.get(table.sheet.key)
            if report is None or not report.problem_rows:
                continue
            page = book.create_sheet(table.name)
            columns = sorted(table.positions.items())
            headers = [table.headers[c.key] for _p, c in columns]
            page.append(xlsx_row(page, [*headers, _("原行号"), _("问题")], font=HEADER_FONT))
            for number, cells in table.rows():
                if number not in report.problem_rows:
                    continue
                values = [cells[p] if p < len(cells) else None for p, _c in columns]
                why = reasons.get((table.name, number)) or [_("问题过多,未逐条列出")]
                page.append(xlsx_row(page, [*values, number, ";".join(why)]))
    if not book.worksheets:
        book.create_sheet(_("无问题"))
    return workbook_bytes(book)
