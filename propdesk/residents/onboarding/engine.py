"""One pass over a company file, sheet by sheet in the order of SHEETS: each row read, checked
and (when applying) written in batches. The dry run and the apply are the same pass; the apply
runs it inside one transaction and undoes everything when any problem was found.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.org.models import Company

from .. import phones
from .columns import CellProblem, Column, Kind, as_text, read
from .index import Ids, Index
from .reading import CompanyFile, Source, Table
from .report import MAX_MISSING_LISTED, ImportHasProblems, Missing, Plan, SheetReport
from .sheets import SHEETS

#: ``progress(done, total)``: rows read so far, and the rows the file seems to hold.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 500


@dataclass
class Context:
    company: Company
    apply: bool
    index: Index
    progress: Progress | None = None
    total: int = 0
    done: int = 0
    ids: Ids = field(default_factory=Ids)
    plan: Plan | None = None

    @property
    def writing(self) -> bool:
        """Rows are built and written only when applying a file without problems so far."""
        return self.apply and self.plan is not None and self.plan.ok

    def tick(self) -> None:
        self.done += 1
        if self.progress and self.done % PROGRESS_EVERY == 0:
            self.total = max(self.total, self.done)
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress:
            self.progress(self.done, self.done)


class Row:
    """One row of a sheet, read: ``values`` by column key (None when blank or absent), and
    ``bad``, the columns that could not be read (the checks that need them are skipped)."""

    def __init__(self, table: Table, report: SheetReport, number: int) -> None:
        self.table = table
        self.report = report
        self.number = number
        self.values: dict[str, Any] = {}
        self.raw: dict[str, str] = {}
        self.bad: set[str] = set()
        self.problems = 0

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    def problem(self, key: str, message: str, value: object = None) -> None:
        self.bad.add(key)
        self.problems += 1
        header = self.table.headers.get(key) or str(self.table.sheet.by_key[key].header)
        shown = self.raw.get(key, "") if value is None else value
        self.report.add(self.number, header, shown, message)

    @property
    def ok(self) -> bool:
        return self.problems == 0


def changed(current: Any, wanted: dict[str, Any]) -> bool:
    """Whether a value given (not None: a blank cell keeps what is stored) differs from the
    stored row ``current`` (one of index's NamedTuples)."""
    stored = current._asdict()
    return any(value is not None and stored[key] != value for key, value in wanted.items())


def merged(current: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    """The stored row ``current`` with the values given (not None) put in."""
    stored: dict[str, Any] = current._asdict()
    return stored | {key: value for key, value in wanted.items() if value is not None}


def duplicate(row: Row, key: str, seen: dict[Any, int], value: Any) -> bool:
    """Whether ``value`` was on an earlier row (a problem on this one); remembers it if not."""
    first = seen.get(value)
    if first is not None:
        row.problem(key, _("与第 %(row)s 行重复") % {"row": first})
        return True
    seen[value] = row.number
    return False


class Checker:
    """Checks the rows of one sheet against the index and the rows before it; when applying,
    hands what changes to its batches. ``finish`` flushes them and lists the missing rows."""

    def __init__(self, ctx: Context, report: SheetReport, table: Table) -> None:
        self.ctx = ctx
        self.index = ctx.index
        self.report = report
        self.table = table

    def row(self, row: Row) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError

    def missing(self, kind: str, ids: list[int], label: Callable[[list[int]], list[str]]) -> None:
        """The company's rows of ``kind`` (these ids) that the file does not mention."""
        found = self.report.missing.setdefault(kind, Missing())
        found.count += len(ids)
        room = MAX_MISSING_LISTED - len(found.listed)
        if room > 0 and ids:
            found.listed.extend(label(sorted(ids)[:room]))


def read_row(table: Table, report: SheetReport, number: int, cells: tuple[Any, ...]) -> Row:
    row = Row(table, report, number)
    for position, column in table.positions.items():
        cell = cells[position] if position < len(cells) else None
        text = as_text(cell)
        row.raw[column.key] = text
        if not text:
            if column.required and column.key not in _MAY_BE_BLANK:
                row.problem(column.key, _("必填"))
            continue
        _read_cell(row, column, cell)
    return row


#: Required columns whose cell may be blank: a room without a unit (villas, shops).
_MAY_BE_BLANK = {"unit"}


def _read_cell(row: Row, column: Column, cell: object) -> None:
    try:
        value = read(column, cell)
    except CellProblem as problem:
        row.problem(column.key, str(problem))
        return
    if column.kind == Kind.PHONE:
        number = phones.normalise(str(value))
        if not number.valid:
            row.problem(column.key, _("电话号码格式不正确"))
            return
        if len(number.canonical) > phones.MAX_LENGTH:
            row.problem(column.key, _("最多 %(n)s 个字") % {"n": phones.MAX_LENGTH})
            return
        value = number.canonical
    row.values[column.key] = value


def run(
    company: Company,
    source: Source,
    *,
    apply: bool,
    name: str = "",
    progress: Progress | None = None,
    only: str | None = None,
) -> Plan:
    """Check (and when ``apply``, write) every sheet of the file; the plan says what was found.
    Applying a file with problems raises ImportHasProblems and leaves every table as it was.
    Applying locks the company's row (select_for_update) for the whole transaction.
    ``only``: the key of the one sheet read (the admin's import of one model), the others are
    left as if absent from the file."""
    from .org_sheets import DepartmentsChecker, PlacesChecker
    from .place_sheets import ResidentsChecker, RoomsChecker
    from .staff_sheet import StaffChecker

    checkers = {
        "places": PlacesChecker,
        "departments": DepartmentsChecker,
        "staff": StaffChecker,
        "rooms": RoomsChecker,
        "residents": ResidentsChecker,
    }
    with CompanyFile(source, name) as file, _without_cycle_collection():
        tables = {t.sheet.key: t for t in file.tables() if only in (None, t.sheet.key)}
        index = Index(company)
        ctx = Context(company, apply, index, progress)
        ctx.total = sum(t.estimated_rows for t in tables.values())
        plan = ctx.plan = Plan(company.code, file.name, applied=apply)
        with transaction.atomic():
            if apply:
                # Two imports into one company wait for each other: residents have no unique
                # key in the database (a phone may be shared), so both would create them.
                Company.objects.select_for_update().filter(pk=company.pk).first()
            _load(index, tables)
            for sheet in SHEETS:
                table = tables.get(sheet.key)
                report = SheetReport(sheet.key, table.name if table else str(sheet.title))
                plan.sheets.append(report)
                if table is None:
                    report.in_file = False
                    continue
                checker = checkers[sheet.key](ctx, report, table)
                for number, cells in table.rows():
                    report.rows += 1
                    checker.row(read_row(table, report, number, cells))
                    ctx.tick()
                checker.finish()
            ctx.finish()
            if apply and not plan.ok:
                raise ImportHasProblems(plan)
    return plan


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The pass runs with Python's cycle collector paused. The pass makes no reference cycles
    to speak of, but it allocates millions of objects while the index (millions more) lives:
    each automatic collection walked that index again, 13% of the CPU of a dry run at a tenth
    of the group and more at full scale. Reference counting still frees everything else."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _load(index: Index, tables: dict[str, Table]) -> None:
    """Read what the sheets in the file will be compared with, and what they refer to."""
    index.load_org()
    if {"departments", "staff"} & tables.keys():
        index.load_departments()
    if "staff" in tables:
        index.load_staff()
    if {"rooms", "residents"} & tables.keys():
        index.load_places()
    if "residents" in tables:
        index.load_residents()
