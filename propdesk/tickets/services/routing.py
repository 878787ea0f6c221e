"""Which department a request goes to by default (SPEC §3 item 4, seed 000 §3).

The rules are a table an administrator edits (admin: 分派规则). The dispatch form and the API
propose the department of the first rule that matches; with no rule the proposal is empty and
says so, rather than guessing a department.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from propdesk.org.models import Department
from propdesk.org.services import departments_serving

from ..models import RoutingRule, Ticket


@dataclass(frozen=True)
class Proposal:
    department: Department | None
    rule: RoutingRule | None
    message: str


def _matches(rule: RoutingRule, ticket: Ticket) -> bool:
    if rule.project_id and rule.project_id != ticket.project_id:
        return False
    if rule.channel and rule.channel != ticket.channel:
        return False
    if rule.category_id is None:
        return True
    return rule.category_id in (ticket.category_id, ticket.category.parent_id)


def matching_rule(ticket: Ticket) -> RoutingRule | None:
    """The rule that routes this request: the most specific scope first (project, company,
    system), then priority, then the rule naming more criteria."""
    rules = [
        rule
        for rule in RoutingRule.objects.filter(is_active=True)
        .filter(Q(company__isnull=True) | Q(company_id=ticket.company_id))
        .select_related("department")
        if _matches(rule, ticket)
    ]
    rules.sort(key=lambda r: (-r.scope_rank, -r.priority, -r.criteria_count, r.pk))
    return rules[0] if rules else None


def department_of_kind(ticket: Ticket, kind: str) -> Department | None:
    """The nearest active department of this kind that serves the request's project."""
    return next(iter(departments_serving(ticket.project, kind=kind)), None)


def propose_department(ticket: Ticket) -> Proposal:
    """The department the routing rules propose for this request, with a sentence saying why
    (or that no rule applies)."""
    rule = matching_rule(ticket)
    if rule is None:
        return Proposal(None, None, _("没有适用的分派规则,请自行选择部门"))
    department = rule.department if rule.department_id else None
    if department is not None and not (
        department.is_active and department.serves_project(ticket.project)
    ):
        department = None
    if department is None and rule.department_kind:
        department = department_of_kind(ticket, rule.department_kind)
    if department is None:
        return Proposal(
            None, rule,
            _("分派规则“%(rule)s”适用,但本项目没有对应的部门,请自行选择")
            % {"rule": rule.name},
        )  # fmt: skip
    return Proposal(
        department, rule,
        _("按分派规则“%(rule)s”建议:%(dept)s") % {"rule": rule.name, "dept": department.name},
    )  # fmt: skip
