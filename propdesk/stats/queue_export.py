"""The queue page's export: a queue of the user's, with the page's filters, as Excel or CSV
(audited). The rows are written by ``stats.exports``, the same writer as every export; the
page is the statistics app's because the queues (tickets) may not import it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import DomainError
from propdesk.core.exports import CSV_TYPE, XLSX_TYPE, download
from propdesk.core.web import console_view
from propdesk.tickets.queues import QUEUES, queue, sorted_rows
from propdesk.tickets.views.queues import filter_from

from . import exports

#: A larger export is refused rather than cut short: a partial list passed on as the whole
#: would mislead whoever reads it.
MAX_EXPORT_ROWS = 20_000


@console_view
def tickets_export(request: HttpRequest) -> HttpResponse:
    """A queue of the user's, with the queue page's filters, as Excel or CSV (audited)."""
    name = request.GET.get("queue", "all")
    name = name if name in QUEUES else "all"
    fmt = request.GET.get("format", "xlsx")
    back = f"/queues/{name}/?{_query_without_export(request)}"
    context = {"back": back}
    if fmt not in ("xlsx", "csv"):
        context["error"] = _("导出格式应为 xlsx 或 csv")
        return render(request, "stats/export_refused.html", context, status=400)
    try:
        rows = queue(request.user, name, filter_from(request), now=clock.now())
        total = rows.count()
    except DomainError as refused:
        context["error"] = refused.message
        return render(request, "stats/export_refused.html", context, status=400)
    if total > MAX_EXPORT_ROWS:
        context["error"] = _(
            "符合条件的诉求共 %(n)s 条,超过单次导出上限 %(max)s 条。请缩小筛选范围(如项目、"
            "类型、状态)后分批导出。"
        ) % {"n": total, "max": MAX_EXPORT_ROWS}
        return render(request, "stats/export_refused.html", context, status=400)
    # An export is read in one pass: any list order but "due" (which pages by ids) will do.
    sort = request.GET.get("sort", "received")
    tickets = sorted_rows(rows, sort).iterator(chunk_size=2000)
    content = exports.tickets_xlsx(tickets) if fmt == "xlsx" else exports.tickets_csv(tickets)
    exports.log_export(
        request.user,
        "ticket_list",
        name,
        ip=request.META.get("REMOTE_ADDR"),
        format=fmt,
        rows=total,
        query=request.GET.urlencode(),
    )
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    content_type = XLSX_TYPE if fmt == "xlsx" else CSV_TYPE
    return download(content, content_type, f"tickets-{name}-{stamp}.{fmt}")


def _query_without_export(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in ("queue", "format"):
        params.pop(key, None)
    return params.urlencode()
