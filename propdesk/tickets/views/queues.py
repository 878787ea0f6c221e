"""Queue pages: filterable, sortable, paginated lists with each ticket's most urgent clock;
saved filters; bulk dispatch for supervisors."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core import clock
from propdesk.core.errors import DomainError
from propdesk.core.web import back_to, console_view, page_of, query_without
from propdesk.org.models import Department, Project
from propdesk.org.roles import MANAGERS, role_of

from .. import services
from ..choices import GradeClass, GradeLevel, Kind, Status
from ..extensions import text_snippets, urgent_clocks
from ..models import Category, SavedFilter
from ..paging import NEWEST, NewestFirst, by_spans
from ..queues import QUEUES, RELATED, SORTS, queue, sorted_page_rows

FILTER_FIELDS = ("project", "kind", "category", "grade", "status", "text")


def filter_from(request: HttpRequest) -> services.TicketFilter:
    get = request.GET
    return services.TicketFilter(
        project=get.get("project") or None,
        kind=get.get("kind") or None,
        category=get.get("category") or None,
        grade=get.get("grade") or None,
        status=[get["status"]] if get.get("status") else None,
        text=get.get("text") or None,
    )


def _choices(user) -> dict:
    return {
        "projects": Project.objects.for_user(user).order_by("code"),
        "kinds": Kind.choices,
        "grades": [*GradeLevel.choices, *GradeClass.choices],
        "statuses": Status.choices,
        "categories": Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("code"),
    }


def _departments_for(tickets: list, user) -> list[Department]:
    """Bulk dispatch sends the tickets shown to a department of their project: only those
    projects' departments are offered, each named with its project (company-wide, all of them
    were 800 options with the same few names)."""
    projects = {t.project_id for t in tickets} & set(user.project_ids)
    departments = list(
        Department.objects.filter(project_id__in=projects)
        .select_related("project")
        .order_by("code")
    )
    for d in departments:
        d.label = f"{d.project.name} · {d.name}" if len(projects) > 1 else d.name
    return departments


@console_view
def queue_page(request: HttpRequest, name: str = "mine") -> HttpResponse:
    if name not in QUEUES:
        name = "all"
    now = clock.now()
    f = filter_from(request)
    error = None
    try:
        rows = queue(request.user, name, f, now=now)
        sort = request.GET.get("sort", "received")
        listed = sorted_page_rows(rows, sort)
        if by_spans(f.text, f.project_ids) and SORTS.get(sort, SORTS["received"]) == NEWEST:
            # The newest tickets saying the words, span by span (tickets.paging).
            listed = NewestFirst(
                lambda since: queue(request.user, name, replace(f, received_since=since), now=now),
                RELATED,
                now,
            )
        page = page_of(request, listed, bounded=True)
    except DomainError as refused:
        error, page, sort = refused, None, "received"
    tickets = list(page.object_list) if page else []
    is_manager = role_of(request.user) in MANAGERS
    context = {
        "queue": name,
        "queues": QUEUES,
        "page": page,
        "tickets": tickets,
        "clocks": urgent_clocks(tickets, now),
        # The words of the text filter marked in each row's text (escaped HTML, search app).
        "snippets": text_snippets(tickets, f.text, request.user.company_id) if f.text else {},
        "sort": sort,
        "sorts": SORTS,
        "error": error,
        "filters": {k: request.GET.get(k, "") for k in FILTER_FIELDS},
        "query_for_sort": query_without(request, "sort", "page"),
        "query_for_page": query_without(request, "page"),
        "saved": SavedFilter.objects.filter(user=request.user),
        "may_bulk_dispatch": is_manager,
        # Bulk dispatch sends the tickets shown to a department of their project: only those
        # projects' departments are offered (company-wide, all of them were 800 options).
        "departments": _departments_for(tickets, request.user) if is_manager else [],
        **_choices(request.user),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "tickets/queue_rows.html" if partial else "tickets/queue.html"
    return render(request, template, context, status=400 if error else 200)


@require_POST
@console_view
def save_filter(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:50]
    queue_name = request.POST.get("queue", "all")
    if queue_name not in QUEUES:
        queue_name = "all"
    query = request.POST.get("query", "")[:500]
    if not name:
        messages.error(request, _("请填写筛选名称"))
    else:
        SavedFilter.objects.update_or_create(
            user=request.user, name=name, defaults={"queue": queue_name, "query": query}
        )
        messages.success(request, _("已保存筛选“%(n)s”") % {"n": name})
    return redirect(f"/queues/{queue_name}/?{query}")


@require_POST
@console_view
def delete_filter(request: HttpRequest, pk: int) -> HttpResponse:
    SavedFilter.objects.filter(user=request.user, pk=pk).delete()
    return redirect(back_to(request, "/queues/"))


def _deadline(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(value))
    except ValueError:
        return None


@require_POST
@console_view
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """Dispatch several tickets to one department: each in its own transaction, so one refusal
    (a ticket already dispatched, another project) does not undo the others."""
    numbers = request.POST.getlist("tickets")
    department = request.POST.get("department", "")
    deadline = _deadline(request.POST.get("deadline", ""))
    back = back_to(request, "/queues/to_dispatch/")  # never to another site
    if not numbers:
        messages.error(request, _("请先勾选诉求"))
        return redirect(back)
    if not department:
        messages.error(request, _("请选择部门"))
        return redirect(back)
    done, failed = [], []
    for number in numbers:
        try:
            services.dispatch(request.user, number, department=department, deadline=deadline)
            done.append(number)
        except DomainError as refused:
            failed.append(f"{number}:{refused.message}")
    if done:
        messages.success(request, _("已派单 %(n)s 件") % {"n": len(done)})
    for line in failed:
        messages.error(request, line)
    return redirect(back)


@console_view
def search(request: HttpRequest) -> HttpResponse:
    """The search box: a ticket number opens the ticket, anything else lists what matches."""
    q = request.GET.get("q", "").strip()
    if q and services.tickets_for(request.user).filter(number=q.upper()).exists():
        return redirect("tickets:ticket", number=q.upper())
    return redirect(f"/queues/all/?{urlencode({'text': q})}" if q else "/queues/all/")
