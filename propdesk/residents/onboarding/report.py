"""The plan of an import: what the dry run found, sheet by sheet.

For each sheet: every problem (row as Excel numbers it, column header, the value, a message);
how many rows of each kind would be created, updated or left unchanged; and the rows the
company has that the file does not mention (listed, never deleted). The lists are bounded so a
group workbook with every row wrong still fits in memory: the counts are always complete.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from propdesk.core.errors import InvalidInput

#: Problems kept per sheet with their detail; the count goes on past it.
MAX_PROBLEMS_LISTED = 5000
#: Rows missing from the file listed per kind; the count goes on past it.
MAX_MISSING_LISTED = 1000


@dataclass(frozen=True)
class Problem:
    sheet: str
    #: The row as Excel shows it; None for a problem of the sheet as a whole.
    row: int | None
    column: str
    value: str
    message: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class Missing:
    """Rows the company has that the file does not mention: ``count`` of them, the first
    ``MAX_MISSING_LISTED`` named in ``listed``."""

    count: int = 0
    listed: list[str] = field(default_factory=list)


@dataclass
class SheetReport:
    key: str
    #: The sheet's name in the file (or, when it was not in the file, its usual name).
    name: str
    in_file: bool = True
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    #: The rows with a problem (all of them, for the rejected-rows workbook).
    problem_rows: set[int] = field(default_factory=set)
    #: What would change, by kind of row: 项目 → Counts, 房屋 → Counts …
    counts: dict[str, Counts] = field(default_factory=dict)
    missing: dict[str, Missing] = field(default_factory=dict)

    def add(self, row: int | None, column: str, value: object, message: str) -> None:
        self.problem_count += 1
        if row is not None:
            self.problem_rows.add(row)
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            text = "" if value is None else str(value)
            self.problems.append(Problem(self.name, row, column, text, str(message)))

    def count(self, kind: str | Promise) -> Counts:
        return self.counts.setdefault(str(kind), Counts())


@dataclass
class Plan:
    """The result of a dry run (``applied`` False) or of an apply (``applied`` True)."""

    company: str
    file_name: str
    sheets: list[SheetReport] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def problem_count(self) -> int:
        return sum(s.problem_count for s in self.sheets)

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sheets for p in s.problems]

    def sheet(self, key: str) -> SheetReport:
        return next(s for s in self.sheets if s.key == key)

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for s in self.sheets for c in s.counts.values())


class ImportHasProblems(InvalidInput):
    """``apply`` refused: the file has problems. Nothing was written; ``plan`` lists them."""

    code = "import_has_problems"

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            _("文件中有 %(n)s 处问题,未导入任何数据;请改正后重试") % {"n": plan.problem_count}
        )
        self.plan = plan


def describe(plan: Plan) -> list[str]:
    """The plan as lines of text: what the command prints, and what a log keeps."""
    lines = []
    for sheet in plan.sheets:
        if not sheet.in_file:
            lines.append(_("【%(sheet)s】文件中没有这张表,不作改动") % {"sheet": sheet.name})
            continue
        lines.append(_("【%(sheet)s】%(rows)s 行") % {"sheet": sheet.name, "rows": sheet.rows})
        for kind, counts in sheet.counts.items():
            lines.append(
                "  "
                + _("%(kind)s:新建 %(created)s,更新 %(updated)s,不变 %(unchanged)s")
                % {
                    "kind": kind,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        for kind, missing in sheet.missing.items():
            if missing.count:
                lines.append(
                    "  "
                    + _("%(kind)s:系统中有 %(n)s 条不在文件中(不会删除):%(listed)s")
                    % {"kind": kind, "n": missing.count, "listed": "、".join(missing.listed[:20])}
                    + ("…" if missing.count > 20 else "")
                )
        for problem in sheet.problems:
            where = (
                _("第 %(row)s 行“%(column)s”") % {"row": problem.row, "column": problem.column}
                if problem.row
                else f"“{problem.column}”"
            )
            value = f"“{problem.value}”" if problem.value else ""
            lines.append("  ✗ " + " ".join(p for p in (where, value, problem.message) if p))
        if sheet.problem_count > len(sheet.problems):
            lines.append(
                "  "
                + _("另有 %(n)s 处问题未列出") % {"n": sheet.problem_count - len(sheet.problems)}
            )
    return lines


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as JSON keeps it (the import page stores it on its row, the API answers it):
    everything, the rows with problems as a sorted list."""
    return {
        "company": plan.company,
        "file_name": plan.file_name,
        "applied": plan.applied,
        "sheets": [
            {
                "key": s.key,
                "name": s.name,
                "in_file": s.in_file,
                "rows": s.rows,
                "problem_count": s.problem_count,
                "problem_rows": sorted(s.problem_rows),
                "problems": [
                    {"row": p.row, "column": p.column, "value": p.value, "message": p.message}
                    for p in s.problems
                ],
                "counts": {kind: asdict(c) for kind, c in s.counts.items()},
                "missing": {kind: asdict(m) for kind, m in s.missing.items()},
            }
            for s in plan.sheets
        ],
    }


def plan_from_json(data: dict[str, Any]) -> Plan:
    """The plan ``plan_to_json`` wrote."""
    plan = Plan(company=data["company"], file_name=data["file_name"], applied=data["applied"])
    for s in data["sheets"]:
        plan.sheets.append(
            SheetReport(
                key=s["key"],
                name=s["name"],
                in_file=s["in_file"],
                rows=s["rows"],
                problem_count=s["problem_count"],
                problem_rows=set(s["problem_rows"]),
                problems=[Problem(s["name"], **p) for p in s["problems"]],
                counts={kind: Counts(**c) for kind, c in s["counts"].items()},
                missing={kind: Missing(**m) for kind, m in s["missing"].items()},
            )
        )
    return plan
