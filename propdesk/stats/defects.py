"""The yearly defect feedback list (缺陷反馈, SPEC §8) as a page, a PDF, an Excel workbook of
the same groups (``defects_xlsx``) and a CSV list."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from propdesk.core import clock
from propdesk.core.errors import DomainError
from propdesk.core.exports import XLSX_TYPE, csv_download, download
from propdesk.core.web import console_view
from propdesk.tickets.models import Ticket

from . import figures
from .defects_xlsx import defects_workbook
from .exports import log_export
from .period import scope_for

AREA_NAMES = {
    "construction": gettext_lazy("工程质量"),
    "design": gettext_lazy("设计规划"),
    "service": gettext_lazy("服务"),
}


#: Who each area goes to (SPEC §8): construction and design to the developer, service to the
#: company itself.
AUDIENCES = (
    ("developer", gettext_lazy("反馈开发商"), ("construction", "design")),
    ("company", gettext_lazy("公司内部改进"), ("service",)),
)
#: The grades a defect has (SPEC §8: 一级 to 三级), as ``defect_feedback`` selects them.
GRADE_LEVELS = ("1", "2", "3")
#: Examples shown per area in the report (the most serious first).
EXAMPLES = 3
_CLOSED = {"closed", "callback_done"}


def defect_groups(tickets: list[Ticket]) -> list[dict]:
    """The year's defects grouped for whom they go to, each area with its count, how many are
    still open, how many of each grade, and the most serious examples."""
    by_area: dict[str, list[Ticket]] = {}
    for t in tickets:
        area = figures.defect_area(t.category.code)
        if area is not None:
            by_area.setdefault(area, []).append(t)
    groups = []
    for key, label, areas in AUDIENCES:
        sections = []
        for area in areas:
            found = by_area.get(area, [])
            grades: dict[str, int] = {}
            levels = dict.fromkeys(GRADE_LEVELS, 0)
            for t in found:
                grade = str(t.get_grade_level_display())
                grades[grade] = grades.get(grade, 0) + 1
                levels[t.grade_level] = levels.get(t.grade_level, 0) + 1
            sections.append(
                {
                    "area": str(AREA_NAMES[area]),
                    "count": len(found),
                    "open": sum(1 for t in found if t.status not in _CLOSED),
                    "grades": sorted(grades.items()),
                    "levels": levels,
                    "examples": found[:EXAMPLES],  # ordered by grade, then received
                }
            )
        groups.append({"key": key, "label": str(label), "sections": sections})
    return groups


def _rows(tickets: Iterable[Ticket]) -> list[list]:
    return [
        [
            t.number,
            t.project.name,
            str(AREA_NAMES[figures.defect_area(t.category.code)]),
            t.category.full_name,
            t.get_grade_level_display(),
            timezone.localtime(t.received_at).strftime("%Y-%m-%d"),
            t.room.label if t.room else t.place,
            t.description,
            t.resolution,
            t.get_status_display(),
        ]
        for t in tickets
    ]


def _headers() -> list[str]:
    return [
        _("编号"),
        _("项目"),
        _("缺陷类别"),
        _("分类"),
        _("等级"),
        _("接报日期"),
        _("房屋/地点"),
        _("投诉内容"),
        _("处理结果"),
        _("状态"),
    ]


@console_view
def defect_list(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localtime(clock.now()).year)
        scope = scope_for(request.user, request.GET.get("scope"))
    except (DomainError, ValueError) as refused:
        status = getattr(refused, "status_code", 400)  # a scope outside the user's: 403
        return HttpResponse(getattr(refused, "message", _("年度无效")), status=status)
    tickets = list(figures.defect_feedback(scope.project_ids, year)[:5000])
    rows = _rows(tickets)
    fmt = request.GET.get("format")
    context = {
        "rows": rows,
        "headers": _headers(),
        "year": year,
        "scope": scope,
        "scope_param": request.GET.get("scope", "company"),
        "groups": defect_groups(tickets),
        "counts": {
            str(AREA_NAMES[area]): n
            for area, n in figures.defect_counts(scope.project_ids, year).items()
        },
    }
    if fmt == "pdf":
        log_export(
            request.user, "defect_feedback", year, ip=request.META.get("REMOTE_ADDR"),
            scope=scope.kind + ":" + scope.code, rows=len(rows),
        )  # fmt: skip
        from weasyprint import HTML  # loaded only when a PDF is asked for (exports_pdf)

        html = render_to_string(
            "stats/defects_pdf.html", {**context, "printed_at": timezone.localtime(clock.now())}
        )
        return download(HTML(string=html).write_pdf(), "application/pdf", f"defects-{year}.pdf")
    if fmt in ("xlsx", "csv"):
        log_export(
            request.user,
            "defect_feedback",
            year,
            ip=request.META.get("REMOTE_ADDR"),
            scope=scope.kind + ":" + scope.code,
            rows=len(rows),
        )
        name = f"defects-{year}.{fmt}"
        if fmt == "csv":
            return csv_download(name, _headers(), rows)
        book = defects_workbook(
            title=f"{scope.name} {year} {_('年度缺陷反馈')}",
            groups=context["groups"],
            headers=_headers(),
            rows=rows,
        )
        return download(book, XLSX_TYPE, name)
    return render(request, "stats/defects.html", context)
