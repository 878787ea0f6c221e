"""The monthly report as an A4 PDF (SPEC §9, issue 7 §3): WeasyPrint with the Noto CJK fonts,
the tables of ``tables`` and the charts as inline SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from propdesk.core import clock

from .models import MonthlyReport
from .tables import report_charts, report_tables, report_title


def report_pdf(report: MonthlyReport) -> bytes:
    """The A4 report: title, figures, charts (inline SVG), commentary, major complaints."""
    # Imported here, not at the top: WeasyPrint loads Pango through cffi when imported, which
    # every process would otherwise pay at start-up, and a machine without Pango can still
    # serve every other page.
    from weasyprint import HTML

    tables = {t.key: t for t in report_tables(report)}
    html = render_to_string(
        "stats/report_pdf.html",
        {
            "report": report,
            "title": report_title(report),
            "tables": tables,
            "charts": report_charts(report.figures),
            "printed_at": timezone.localtime(clock.now()),
        },
    )
    return HTML(string=html).write_pdf()
