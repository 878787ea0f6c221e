"""The case library's pages (SPEC §8): browse by category, read a case, write and edit it,
review, send back, publish, withdraw, and the printable handbook of a category (page or PDF).
Every action is a call to ``services``."""

from __future__ import annotations

from urllib.parse import quote

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core import clock
from propdesk.core.errors import DomainError, InvalidInput, NotFound
from propdesk.core.web import console_view, page_of, query_without
from propdesk.tickets.models import Category

from . import services
from .choices import CaseStatus
from .models import Case
from .services import SCENARIO_FIELDS, ScenarioText

#: Empty scenario blocks offered under the filled ones on the form.
SPARE_SCENARIOS = 1


def _categories_with_counts(cases) -> list[dict]:
    """The top categories, each with how many of ``cases`` sit in it or under it."""
    counted = dict(
        cases.values_list("category__parent_id")
        .annotate(n=Count("pk"))
        .values_list("category__parent_id", "n")
    )
    direct = dict(cases.values_list("category_id").annotate(n=Count("pk")))
    tops = Category.objects.filter(parent__isnull=True, is_active=True).order_by(
        "sort_order", "code"
    )
    return [{"category": c, "count": counted.get(c.pk, 0) + direct.get(c.pk, 0)} for c in tops]


@console_view
def library(request: HttpRequest) -> HttpResponse:
    """Browse: the categories with their counts, the cases of one, words to look for; writers
    and reviewers also filter by status (what waits for review)."""
    user = request.user
    all_cases = services.cases_for(user)
    category = None
    code = request.GET.get("category", "")
    if code:
        category = Category.objects.filter(code=code).first()
    status = request.GET.get("status", "")
    words = request.GET.get("q", "").strip()
    cases = services.find_cases(
        user,
        category=category,
        status=status if status in CaseStatus.values else "",
        words=words,
    )
    return render(
        request,
        "knowledge/library.html",
        {
            "page": page_of(request, cases),
            "categories": _categories_with_counts(all_cases),
            "category": category,
            "status": status,
            "statuses": CaseStatus.choices,
            "words": words,
            "may_write": services.may_write(user),
            "may_review": services.may_review(user),
            "query_for_page": query_without(request, "page"),
        },
    )


def _case_context(request: HttpRequest, case: Case, **extra) -> dict:
    user = request.user
    return {
        "case": case,
        "scenarios": list(case.scenarios.all()),
        "versions": case.versions.select_related("by").order_by("-at", "-pk"),
        "sources": case.sources.for_user(user).order_by("-received_at")[:20],
        "may_write": services.may_write(user) and case.status != CaseStatus.WITHDRAWN,
        "may_review": services.may_review(user),
        **extra,
    }


@console_view
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = services.get_case(request.user, pk)
    return render(request, "knowledge/case.html", _case_context(request, case))


def _scenarios_from(request: HttpRequest) -> list[ScenarioText]:
    count = min(int(request.POST.get("scenario_count") or 0), services.MAX_SCENARIOS + 5)
    return [
        ScenarioText(**{f: request.POST.get(f"s{i}-{f}", "") for f in SCENARIO_FIELDS})
        for i in range(count)
    ]


def _form_context(case: Case | None, scenarios: list[ScenarioText], **extra) -> dict:
    blocks = [*scenarios, *[ScenarioText()] * SPARE_SCENARIOS]
    return {
        "case": case,
        "blocks": blocks[: services.MAX_SCENARIOS],
        "scenario_count": min(len(blocks), services.MAX_SCENARIOS),
        "categories": Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code"),
        **extra,
    }


@console_view
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new case or edit one: the title, the category, the scenarios."""
    user = request.user
    case = services.get_case(user, pk) if pk else None
    if not services.may_write(user):
        raise NotFound(_("没有这个页面"))
    if request.method != "POST":
        scenarios = (
            [
                ScenarioText(**{f: getattr(s, f) for f in SCENARIO_FIELDS})
                for s in case.scenarios.all()
            ]
            if case
            else []
        )
        return render(request, "knowledge/edit.html", _form_context(case, scenarios, form={
            "title": case.title if case else "",
            "category": case.category.code if case else request.GET.get("category", ""),
        }))  # fmt: skip
    form = {k: request.POST.get(k, "").strip() for k in ("title", "category", "note")}
    scenarios = _scenarios_from(request)
    try:
        category = Category.objects.filter(code=form["category"], is_active=True).first()
        if category is None:
            raise InvalidInput(_("请选择分类"), field="category")
        fields = {"title": form["title"], "category": category, "scenarios": scenarios}
        if case is None:
            case = services.create_case(user, **fields)
        else:
            services.edit_case(user, case, note=form["note"], **fields)
    except DomainError as refused:
        kept = [s for s in scenarios if any(getattr(s, f) for f in SCENARIO_FIELDS)]
        return render(
            request,
            "knowledge/edit.html",
            _form_context(case, kept, form=form, error=refused),
            status=400,
        )
    return redirect("knowledge:case", pk=case.pk)


@require_POST
@console_view
def move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = services.get_case(request.user, pk)
    if action not in services.MOVES:
        raise NotFound(_("没有这个操作"))
    try:
        services.move_case(request.user, case, action, request.POST.get("text", ""))
    except DomainError as refused:
        context = _case_context(request, case, error=refused, failed=action)
        return render(request, "knowledge/case.html", context, status=400)
    return redirect("knowledge:case", pk=pk)


@console_view
def handbook(request: HttpRequest, code: str) -> HttpResponse:
    """Every published case of a category (and those under it) as a handbook to print, or as an
    A4 PDF with ``?format=pdf``."""
    category = Category.objects.filter(code=code).first()
    if category is None or not request.user.company_id:
        raise NotFound(_("没有这个分类"))
    cases = services.published_in(request.user.company_id, category)
    context = {
        "category": category,
        "cases": cases,
        "company": request.user.company,
        "printed_at": timezone.localtime(clock.now()),
    }
    if request.GET.get("format") != "pdf":
        return render(request, "knowledge/handbook.html", context)
    from weasyprint import HTML  # loaded only when a PDF is asked for (see stats.exports_pdf)

    pdf = HTML(string=render_to_string("knowledge/handbook_pdf.html", context)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _("案例手册") + f"-{category.name}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
