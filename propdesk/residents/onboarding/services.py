"""Onboarding a company (SPEC §2): the entry points the command, the page and the API call.

- ``dry_run(company, file)`` checks the whole file and says, sheet by sheet, every problem
  (row, column, value, message), what would be created, updated or left unchanged, and what
  the company has that the file does not mention (listed, never deleted).
- ``apply(company, file)`` does the same and writes it, all or nothing in one transaction; it
  refuses (``ImportHasProblems``, nothing written) when there is any problem. Running the same
  file again changes nothing: rows are matched by their natural keys.
- ``write_company`` / ``company_template`` / ``rejected_rows``: the company in the same format,
  the template to fill in, and the rows with problems with their reasons.

A file that cannot be read at all (an ``.xls``, a password, too big, a sheet without a
recognised header) raises ``FileRefused`` from any of them. Both errors are ``InvalidInput``:
the API answers 400 with the message.

Who may import is the caller's to check (the page and the API: an administrator of the company);
these functions act on the company they are given.
"""

from __future__ import annotations

from propdesk.org.models import Company

from .engine import Progress, run
from .exporting import Destination, Format, rejected_bytes, template_bytes, write_company
from .reading import FileRefused, Source
from .report import (
    Counts,
    ImportHasProblems,
    Missing,
    Plan,
    Problem,
    SheetReport,
    describe,
)

__all__ = [
    "Counts",
    "Destination",
    "FileRefused",
    "Format",
    "ImportHasProblems",
    "Missing",
    "Plan",
    "Problem",
    "Progress",
    "SheetReport",
    "Source",
    "apply",
    "company_template",
    "describe",
    "dry_run",
    "rejected_rows",
    "write_company",
]


def dry_run(
    company: Company, file: Source, *, name: str = "", progress: Progress | None = None
) -> Plan:
    """Check ``file`` against ``company`` and say what importing it would do; writes nothing.
    ``name`` is the file's name when ``file`` is bytes or an upload (a CSV's name names its
    sheet); ``progress(done, total)`` is called as rows are read."""
    return run(company, file, apply=False, name=name, progress=progress)


def apply(
    company: Company, file: Source, *, name: str = "", progress: Progress | None = None
) -> Plan:
    """Import ``file`` into ``company``, all or nothing. Raises ImportHasProblems (with the
    plan) and writes nothing when the dry run of the same file would show any problem."""
    return run(company, file, apply=True, name=name, progress=progress)


def company_template() -> bytes:
    """The .xlsx to fill in: headers with notes, an example row, drop-down lists."""
    return template_bytes()


def rejected_rows(file: Source, plan: Plan, *, name: str = "") -> bytes:
    """An .xlsx of the rows of ``file`` that ``plan`` (its dry run) found wrong, each with its
    row number and the reasons, to correct and import again."""
    return rejected_bytes(file, plan, name=name)


# write_company(company, out, format="xlsx" | "csv") is exporting's own: re-exported above.
