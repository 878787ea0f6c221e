"""The admin's import and export of one model (django-import-export), as one sheet of the
company workbook: regions and projects are the 地区与项目 sheet, departments 部门, staff 员工,
buildings, units and rooms 房屋, residents 住户.

One rule per field. django-import-export brings the admin's pages: the upload, the dry run shown
before anything is written, the confirm step, the export of the list as filtered. It does not
read the rows: its widgets and ``ModelResource`` would be a second copy of every rule. Instead
``SheetResource.import_data`` runs the onboarding engine on the uploaded file, told to read that
one sheet (``engine.run(only=...)``): the same reading (xlsx, CSV in UTF-8, UTF-16 or GB18030,
the header found by its words in any language, the same refusals), the same cell readers
(``columns``), the same row checks (the sheet's checker), the same messages, the same
all-or-nothing apply matched by natural keys. The engine's plan becomes django-import-export's
``Result``: each problem a validation error of its row under its column's header, the counts its
totals, and the plan's own report (``describe``) for the page.

The export writes the rows the company export writes for that sheet (``exporting``), kept to
the rows of the admin's list, through core.exports (the one writer): the same headers and
cells, so the file imports back with nothing changed.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

import tablib
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from import_export.formats.base_formats import Format
from import_export.resources import Resource
from import_export.results import Error, Result
from openpyxl import Workbook

from propdesk.core.errors import InvalidInput
from propdesk.core.exports import CSV_TYPE, XLSX_TYPE, workbook_bytes, write_csv, xlsx_row
from propdesk.org.models import Company, Department, Project, Region, User

from ..models import Building, Resident, Room, Unit
from .columns import Sheet
from .engine import run
from .exporting import _rows, _write_workbook  # the company export's own, for one sheet
from .reading import FileRefused, Source
from .report import ImportHasProblems, Plan, Problem, SheetReport, describe
from .sheets import DEPARTMENTS, PLACES, RESIDENTS, ROOMS, STAFF


@dataclass(frozen=True)
class Selection:
    """Which sheet a model's rows are in, and how a row of the sheet names one of them: the
    sheet's ``columns`` hold the values of the model's ``fields`` (lookups)."""

    sheet: Sheet
    columns: tuple[str, ...]
    fields: tuple[str, ...]


SELECTIONS: dict[type[models.Model], Selection] = {
    Region: Selection(PLACES, ("region_code",), ("code",)),
    Project: Selection(PLACES, ("project_code",), ("code",)),
    Department: Selection(DEPARTMENTS, ("code",), ("code",)),
    User: Selection(STAFF, ("username",), ("username",)),
    Building: Selection(ROOMS, ("project_code", "building"), ("project__code", "code")),
    Unit: Selection(
        ROOMS,
        ("project_code", "building", "unit"),
        ("building__project__code", "building__code", "code"),
    ),
    Room: Selection(
        ROOMS,
        ("project_code", "building", "unit", "number"),
        ("project__code", "building__code", "unit__code", "number"),
    ),
    # A phone may be shared in a household: the name as well, so a filtered list's export
    # does not take in the others.
    Resident: Selection(RESIDENTS, ("name", "phone"), ("name", "phone")),
}


# -- formats: the file goes to the engine whole; the export goes through core.exports -----------


class SheetFile:
    """An uploaded file as the engine reads it: its bytes, not parsed by tablib. The engine
    tells a workbook, a zip of CSV files and a CSV file (in any of its encodings) apart."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __bool__(self) -> bool:
        # An empty file is the engine's to refuse, with its own message.
        return True


class UploadFormat(Format):
    """The one import format: whatever the company import reads (.xlsx, .csv, .zip of CSV)."""

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding

    def get_title(self) -> Any:
        return gettext_lazy("Excel 工作簿或 CSV 文件")

    def create_dataset(self, in_stream: bytes | str) -> SheetFile:
        data = in_stream.encode() if isinstance(in_stream, str) else in_stream
        return SheetFile(data)

    def get_extension(self) -> str:
        return "xlsx"

    def can_import(self) -> bool:
        return True


class SheetRows(tablib.Dataset):
    """The rows of one sheet, written as the company export writes them."""

    def __init__(self, sheet: Sheet, rows: Iterable[list[Any]]) -> None:
        super().__init__(headers=[str(c.header) for c in sheet.columns], title=str(sheet.title))
        self.sheet = sheet
        for row in rows:
            self.append(row)


class _ExportFormat(Format):
    extension = ""
    content_type = ""

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding

    def get_title(self) -> str:
        return self.extension

    def get_extension(self) -> str:
        return self.extension

    def get_content_type(self) -> str:
        return self.content_type

    def can_export(self) -> bool:
        return True


class XlsxFormat(_ExportFormat):
    """The sheet as a workbook of one sheet named as in the company workbook."""

    extension = "xlsx"
    content_type = XLSX_TYPE

    def export_data(self, dataset: SheetRows, **kwargs: Any) -> bytes:
        out = io.BytesIO()
        _write_workbook(out, [(dataset.sheet, dataset)])
        return out.getvalue()


class CsvFormat(_ExportFormat):
    """The sheet as a CSV file: UTF-8 with the byte-order mark Excel needs."""

    extension = "csv"
    content_type = CSV_TYPE

    def export_data(self, dataset: SheetRows, **kwargs: Any) -> bytes:
        out = io.BytesIO()
        write_csv(out, dataset.headers, dataset)
        return out.getvalue()


# -- the result of an import: the engine's plan for one sheet ----------------------------------


class SheetResult(Result):
    """django-import-export's result, filled from the engine's plan of the one sheet."""

    def __init__(self) -> None:
        super().__init__()
        self.company: Company | None = None
        self.plan: Plan | None = None
        self.report: SheetReport | None = None
        #: The plan as the command prints it: rows, counts by kind, rows not in the file.
        self.summary: list[str] = []

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems if self.report else []

    @property
    def unlisted(self) -> int:
        """Problems counted but not listed (past report.MAX_PROBLEMS_LISTED)."""
        return self.report.problem_count - len(self.report.problems) if self.report else 0

    @property
    def refused(self) -> bool:
        return bool(self.has_errors() or self.has_validation_errors())

    def take(self, plan: Plan, report: SheetReport, headers: list[str]) -> None:
        self.plan = plan
        self.report = report
        self.summary = describe(Plan(plan.company, plan.file_name, [report], plan.applied))
        self.diff_headers = headers
        self.total_rows = report.rows
        for counts in report.counts.values():
            self.totals["new"] += counts.created
            self.totals["update"] += counts.updated
            self.totals["skip"] += counts.unchanged
        by_row: dict[int | None, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        values: dict[int | None, dict[str, str]] = defaultdict(dict)
        for problem in report.problems:
            by_row[problem.row][problem.column].append(problem.message)
            values[problem.row][problem.column] = problem.value
        for row, errors in by_row.items():
            self.append_invalid_row(row, values[row], ValidationError(dict(errors)))
        self.totals["invalid"] = len(report.problem_rows)


def _refusal(message: str) -> Error:
    # A new, unraised error: the page shows its message, and no traceback of ours.
    return Error(InvalidInput(message))


# -- the resource ------------------------------------------------------------------------------


class SheetResource(Resource):
    """The import and export of one model's sheet for one company; ``resource_for(model)``
    makes the class of a model. The company comes as ``company=`` to the constructor or to
    ``import_data`` (the admin passes the one its form chose)."""

    selection: ClassVar[Selection]

    def __init__(self, company: Company | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.company = company
        # The sheet's columns, for the pages that list them (in the language of the request).
        self.fields = {
            c.key: Field(attribute=c.key, column_name=str(c.header)) for c in self.sheet.columns
        }

    @property
    def sheet(self) -> Sheet:
        return self.selection.sheet

    @classmethod
    def get_display_name(cls) -> str:
        return str(cls.selection.sheet.title)

    def get_diff_headers(self) -> list[str]:
        return [str(c.header) for c in self.sheet.columns]

    def import_data(
        self,
        dataset: SheetFile | tablib.Dataset,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = False,
        **kwargs: Any,
    ) -> SheetResult:
        """Check (``dry_run``) or apply the sheet of the file, through the onboarding engine.
        An apply writes all of it or, when the file has any problem, nothing. The other
        parameters of django-import-export's signature do not apply: the engine keeps its own
        transaction, and a file with problems is never partly written."""
        company: Company | None = kwargs.get("company") or self.company
        if company is None:
            raise ValueError("SheetResource.import_data needs the company to import into")
        result = SheetResult()
        result.company = company
        source, name = self._source(dataset, kwargs.get("file_name") or "")
        try:
            plan = run(company, source, apply=not dry_run, name=name, only=self.sheet.key)
        except ImportHasProblems as refused:
            plan = refused.plan
        except FileRefused as refused:
            if raise_errors:
                raise
            result.append_base_error(_refusal(str(refused)))
            return result
        report = plan.sheet(self.sheet.key)
        if not report.in_file:
            message = _(
                "文件中没有“%(sheet)s”表:请上传含这张表的工作簿,或表头与它相同的 CSV 文件"
            ) % {"sheet": self.sheet.title}
            if raise_errors:
                raise FileRefused(message)
            result.append_base_error(_refusal(message))
            return result
        result.take(plan, report, self.get_diff_headers())
        if raise_errors and not plan.ok:
            raise ImportHasProblems(plan)
        return result

    def _source(self, dataset: SheetFile | tablib.Dataset, name: str) -> tuple[Source, str]:
        """The file for the engine: an upload as it came; a tablib Dataset (an import started
        from code) written as a workbook whose one sheet has this sheet's name."""
        if isinstance(dataset, SheetFile):
            return dataset.data, name
        book = Workbook(write_only=True)
        page = book.create_sheet(str(self.sheet.title))
        page.append(xlsx_row(page, dataset.headers or []))
        for row in dataset:
            page.append(xlsx_row(page, row))
        return workbook_bytes(book), f"{self.sheet.title}.xlsx"

    def export(self, queryset: models.QuerySet[Any] | None = None, **kwargs: Any) -> SheetRows:
        """The company's rows of the sheet, as the company export writes them, kept to those
        that name a row of ``queryset`` (the admin's list as filtered; all when None)."""
        company: Company | None = kwargs.get("company") or self.company
        if company is None:
            raise ValueError("SheetResource.export needs the company to export")
        return SheetRows(self.sheet, self._selected(_rows(company, self.sheet), queryset))

    def _selected(
        self, rows: Iterator[list[Any]], queryset: models.QuerySet[Any] | None
    ) -> Iterator[list[Any]]:
        if queryset is None:
            yield from rows
            return
        selection = self.selection
        wanted = {
            tuple(_key(v) for v in values)
            for values in queryset.order_by().values_list(*selection.fields).iterator()
        }
        where = [
            next(i for i, c in enumerate(self.sheet.columns) if c.key == key)
            for key in selection.columns
        ]
        for row in rows:
            if tuple(_key(row[i]) for i in where) in wanted:
                yield row


def _key(value: object) -> str:
    """A natural key's part as both the database and the written row give it (a blank unit
    code is written as an empty cell)."""
    return "" if value is None else str(value)


@cache
def resource_for(model: type[models.Model]) -> type[SheetResource]:
    """The resource class of ``model``'s sheet (see SELECTIONS), one per model."""
    selection = SELECTIONS[model]
    name = f"{model.__name__}SheetResource"
    return type(name, (SheetResource,), {"selection": selection, "__module__": __name__})
