"""Template helpers for pages that link to the actions without importing this app: whether a
user may open an action, and the link that opens one from a line of a monthly report."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from propdesk.org.roles import has_role

from ..choices import ActionSource
from ..services import OPENERS

register = template.Library()


@register.filter
def may_open_action(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, OPENERS)


def _text(cell) -> str:
    return "" if cell is None else str(cell)


@register.simple_tag
def report_line_action(report, table, row) -> str:
    """The new-action page with the report line prefilled: the report's id, month and scope,
    the project when the report is a project's, and the line as "table: cell · cell · …"."""
    cells = [_text(cell) for cell, _number in row]
    line = f"{table.title}:{' · '.join(c for c in cells if c)}"
    query = {
        "source": ActionSource.REPORT_LINE,
        "report": report.pk,
        "report_month": f"{report.year}-{report.month:02d}",
        "report_scope": report.scope_name,
        "line": line[:2000],
    }
    if report.scope_kind == "project" and len(report.project_ids) == 1:
        query["project"] = report.project_ids[0]
    return reverse("improvement:new") + "?" + urlencode(query)
