"""What every console page knows: the navigation for the user's role and the unread count."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from propdesk.org.choices import Role
from propdesk.org.roles import role_of

#: (url name, label, Bootstrap icon, roles that see it; None = everyone)
NAV = [
    # A handler's home page is 我的工单 (the dashboard redirects there).
    ("console:home", _("工作台"), "speedometer2", set(Role) - {Role.HANDLER}),
    (
        "tickets:intake",
        _("登记"),
        "telephone-plus",
        {Role.AGENT, Role.SUPERVISOR, Role.PROJECT_MANAGER, Role.REGION, Role.HQ, Role.ADMIN},
    ),
    ("tickets:queues", _("诉求队列"), "list-task", None),
    ("tickets:my_orders", _("我的工单"), "tools", {Role.HANDLER}),
    (
        "callbacks:callbacks",
        _("回访"),
        "telephone-outbound",
        {
            Role.AGENT,
            Role.SUPERVISOR,
            Role.PROJECT_MANAGER,
            Role.REGION,
            Role.HQ,
            Role.QUALITY,
            Role.ADMIN,
        },
    ),
    # Every role may read the statistics and monthly reports of its own scope (SPEC §1, §9).
    ("stats:stats", _("统计"), "bar-chart-line", None),
    ("stats:reports", _("月报"), "journal-text", None),
    ("hotissues:hot_issues", _("热点问题"), "fire", None),
    ("surveys:campaigns", _("满意度调查"), "clipboard-check", None),
    # Corrective and preventive actions of the user's scope (improvement): opened by managers
    # and quality, carried out by their owners, verified by managers and quality.
    ("improvement:actions", _("纠正措施"), "patch-check", None),
    ("residents:residents", _("住户档案"), "house-door", None),
    ("knowledge:library", _("案例库"), "journal-bookmark", None),
    # The approvers of handling plans (casework.services.STEP_ROLE).
    (
        "casework:plans",
        _("方案审批"),
        "check2-square",
        {Role.PROJECT_MANAGER, Role.REGION, Role.HQ},
    ),
    # Compensation claims: the front desk opens and walks them, the chain approves them.
    (
        "casework:claims",
        _("赔偿"),
        "cash-coin",
        {Role.AGENT, Role.SUPERVISOR, Role.PROJECT_MANAGER, Role.REGION, Role.HQ, Role.ADMIN},
    ),
]


def console(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from propdesk.notify.inbox import unread_count
    from propdesk.residents.onboarding.jobs import may_import
    from propdesk.suggest.records import REPORT_READERS

    path = request.path
    items = []
    for name, label, icon, roles in NAV:
        if roles is not None and role_of(user) not in roles:
            continue
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "active": active})
    return {
        "nav_items": items,
        "unread_notifications": unread_count(user),
        # Administrators' tools sit in the user menu, beside 系统管理: the bar is full.
        "may_import": may_import(user),
        # How the intake's suggestions fare: in the user menu too (suggest.records).
        "may_read_suggestions": role_of(user) in REPORT_READERS,
    }
