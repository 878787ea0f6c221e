"""The exports of the statistics app (SPEC §9, §11; issue 7 §3), each in its own module:

- ``tables`` — the monthly report as tables, built once from its frozen figures;
- ``exports_xlsx`` — the report as an Excel workbook, one sheet per table;
- ``exports_pdf`` — the report as a PDF with its charts;
- ``exports_tickets`` — a ticket list as Excel or CSV.

This module names them for the views and holds ``log_export``: the callers write every export
to the audit log through it.
"""

from __future__ import annotations

from typing import Any

from propdesk.core.audit import audit
from propdesk.core.models import AuditAction
from propdesk.org.models import User

from .exports_pdf import report_pdf
from .exports_tickets import TICKET_COLUMNS, ticket_headers, tickets_csv, tickets_xlsx
from .exports_xlsx import report_xlsx
from .tables import Table, figure_tables, report_charts, report_tables, report_title

__all__ = [
    "TICKET_COLUMNS",
    "Table",
    "figure_tables",
    "log_export",
    "report_charts",
    "report_pdf",
    "report_tables",
    "report_title",
    "report_xlsx",
    "ticket_headers",
    "tickets_csv",
    "tickets_xlsx",
]


def log_export(
    user: User, object_type: str, object_id: str | int, *, ip: str | None = None, **detail: Any
) -> None:
    """Every export goes to the audit log (SPEC §1): who took which data out, and how much."""
    audit(
        user,
        AuditAction.EXPORT,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        ip=ip,
    )
