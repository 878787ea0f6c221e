"""Hot issues (热点问题, SPEC §5): the list with status tabs, and one issue's page with its
requests, its history and the supervisor's decisions (confirm, dismiss, link, unlink, merge).

Every change goes through :mod:`propdesk.hotissues.services`, which checks role and scope; the
page only hides the forms from roles that could not use them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from propdesk.core.errors import DomainError, NotFound, PermissionDenied
from propdesk.core.web import console_view, page_of, query_without
from propdesk.org.choices import Role
from propdesk.org.models import Project
from propdesk.org.roles import MANAGERS, role_of
from propdesk.tickets.moves import FormField

from . import services
from .models import LIVE_STATUSES, HotIssue, HotIssueMember, HotIssueStatus

#: Tabs of the list: "live" (the default) is what the dashboard counts as hot.
TABS = {
    "live": gettext_lazy("进行中"),
    HotIssueStatus.DETECTED: HotIssueStatus.DETECTED.label,
    HotIssueStatus.CONFIRMED: HotIssueStatus.CONFIRMED.label,
    HotIssueStatus.DISMISSED: HotIssueStatus.DISMISSED.label,
    "all": gettext_lazy("全部"),
}

#: The decisions, their button labels and what each one's form asks for:
#: (name, label, widget, required).
ACTIONS = {
    "confirm": (gettext_lazy("确认"), [("note", gettext_lazy("确认说明"), "textarea", False)]),
    "dismiss": (gettext_lazy("排除"), [("reason", gettext_lazy("排除原因"), "textarea", True)]),
    "link": (
        gettext_lazy("关联诉求"),
        [
            ("ticket", gettext_lazy("诉求编号"), "text", True),
            ("note", gettext_lazy("说明"), "text", False),
        ],
    ),
    "unlink": (
        gettext_lazy("移出诉求"),
        [
            ("ticket", gettext_lazy("诉求编号"), "select", True),
            ("reason", gettext_lazy("移出原因"), "textarea", True),
        ],
    ),
    "merge": (gettext_lazy("合并重复"), [("note", gettext_lazy("合并说明"), "text", False)]),
}

#: Fields of the merge form that are not simple inputs, for naming them in an error.
MERGE_FIELDS = {"survivor": gettext_lazy("保留的诉求"), "duplicates": gettext_lazy("重复的诉求")}


@console_view
def hot_issue_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("status", "live")
    if tab not in TABS:
        tab = "live"
    rows = services.visible_hot_issues(request.user).select_related("project", "category")
    if tab == "live":
        rows = rows.filter(status__in=list(LIVE_STATUSES))
    elif tab != "all":
        rows = rows.filter(status=tab)
    project = request.GET.get("project", "")
    if project:
        rows = rows.filter(project__code=project)
    projects = Project.objects.for_user(request.user).order_by("code")
    context = {
        "tabs": TABS,
        "tab": tab,
        "project": project,
        "projects": projects if len(request.user.project_ids) > 1 else [],
        "page": page_of(request, rows.order_by("-last_received_at", "-pk"), bounded=True),
        "query_for_tab": query_without(request, "status", "page"),
        "query_for_page": query_without(request, "page"),
    }
    return render(request, "hotissues/hot_issues.html", context)


def _forms(active: list[HotIssueMember], error: dict | None, posted) -> list[dict]:
    """The decision forms, drawn by _field.html like the ticket page's moves; only the form
    that failed gets the error and what was typed back."""
    numbers = [("", "—")] + [(m.ticket.number, m.ticket.number) for m in active]
    forms = []
    for name, (label, fields) in ACTIONS.items():
        mine = error is not None and error["action"] == name
        forms.append(
            {
                "name": name,
                "label": label,
                "fields": [
                    FormField(f, flabel, widget, required, numbers if widget == "select" else [])
                    for f, flabel, widget, required in fields
                ],
                "error": error if mine else None,
                "posted": posted if mine else {},
            }
        )
    return forms


def _page_context(request: HttpRequest, pk: int, error: dict | None = None, posted=None) -> dict:
    issue = services.get_hot_issue(request.user, pk)
    members = list(
        HotIssueMember.objects.filter(hot_issue=issue)
        .select_related(
            "ticket",
            "ticket__category",
            "ticket__room__building",
            "ticket__room__unit",
            "removed_by",
        )
        .order_by("ticket__received_at", "pk")
    )
    active = [m for m in members if m.removed_at is None]
    may_decide = role_of(request.user) in MANAGERS and issue.status in LIVE_STATUSES
    return {
        "issue": issue,
        "active": active,
        "removed": [m for m in members if m.removed_at is not None],
        "events": issue.events.select_related("actor").order_by("at", "pk"),
        "is_manager": role_of(request.user) in MANAGERS,
        # Corrective actions are opened by managers and quality (propdesk.improvement, by URL).
        "may_open_action": role_of(request.user) in MANAGERS | {Role.QUALITY},
        "may_decide": may_decide,
        "forms": _forms(active, error, posted or {}) if may_decide else [],
        "error": error,
        "posted": posted or {},
        "survivor": (posted or {}).get("survivor", ""),
        "duplicates": (posted or {}).getlist("duplicates") if posted else [],
    }


@console_view
def hot_issue_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "hotissues/hot_issue.html", _page_context(request, pk))


def _call(request: HttpRequest, pk: int, action: str) -> HotIssue:
    post, user = request.POST, request.user
    if action == "confirm":
        return services.confirm(user, pk, note=post.get("note", "").strip())
    if action == "dismiss":
        return services.dismiss(user, pk, reason=post.get("reason", ""))
    if action == "link":
        return services.link(user, pk, ticket=post.get("ticket", ""), note=post.get("note", ""))
    if action == "unlink":
        return services.unlink(
            user, pk, ticket=post.get("ticket", ""), reason=post.get("reason", "")
        )
    return services.merge_duplicates(
        user,
        pk,
        survivor=post.get("survivor", ""),
        duplicates=[n for n in post.getlist("duplicates") if n],
        note=post.get("note", "").strip(),
    )


def _field_label(action: str, field: str | None) -> str:
    if not field:
        return ""
    names = {f: label for f, label, _w, _r in ACTIONS[action][1]}
    return str(names.get(field) or MERGE_FIELDS.get(field) or field)


@require_POST
@console_view
def hot_issue_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One decision from its form. A refusal of role or scope is the 403 page; any other
    refusal shows the page again, status 400, with the message by the field it names."""
    if action not in ACTIONS:
        raise NotFound(_("没有这个操作"))
    try:
        _call(request, pk, action)
    except DomainError as refused:
        if isinstance(refused, PermissionDenied | NotFound):
            raise
        error = {
            "action": action,
            "field": refused.field or "",
            "label": _field_label(action, refused.field),
            "message": refused.message,
        }
        context = _page_context(request, pk, error=error, posted=request.POST)
        return render(request, "hotissues/hot_issue.html", context, status=400)
    messages.success(request, _("已完成:%(a)s") % {"a": ACTIONS[action][0]})
    return redirect("hotissues:hot_issue", pk=pk)
