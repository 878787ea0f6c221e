"""Routing rules (SPEC §3 item 4): which department a request goes to by default.

Kept apart from models.py (which holds the request itself) so each stays readable; models.py
imports it so Django finds the model.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.choices import DepartmentKind
from propdesk.org.models import Company, Department, Project

from .choices import Channel


class RoutingRule(models.Model):
    """Category and/or channel → department. The dispatch screen and the API propose the
    department of the first rule that matches; a supervisor may always choose another.

    A rule names either a department itself, or a kind of department (行政人事, 品质 …), which
    stands for the department of that kind that serves the request's project — its own first,
    then its region's, then the company's — so one system rule serves every project."""

    company = models.ForeignKey(
        Company, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("公司"), help_text=_("留空为系统默认规则"),
    )  # fmt: skip
    project = models.ForeignKey(
        Project, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("项目")
    )
    name = models.CharField(_("名称"), max_length=100)
    category = models.ForeignKey(
        "tickets.Category", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("分类"), help_text=_("一级分类包含其下所有二级分类;留空为任意分类"),
    )  # fmt: skip
    channel = models.CharField(
        _("来源"), max_length=20, choices=Channel.choices, blank=True,
        help_text=_("留空为任意来源"),
    )  # fmt: skip
    department_kind = models.CharField(
        _("部门类型"), max_length=30, choices=DepartmentKind.choices, blank=True
    )
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("指定部门"), help_text=_("填写时优先于部门类型"),
    )  # fmt: skip
    priority = models.SmallIntegerField(_("优先级"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    source = models.CharField(_("依据"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = pgettext_lazy("plural", "分派规则")
        ordering = ["-priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(department_kind="") | models.Q(department__isnull=False),
                name="routing_rule_names_a_department",
            ),
            models.CheckConstraint(
                condition=models.Q(category__isnull=False) | ~models.Q(channel=""),
                name="routing_rule_has_a_criterion",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_rank(self) -> int:
        """A project's rule before its company's, a company's before the system's."""
        return 2 if self.project_id else 1 if self.company_id else 0

    @property
    def criteria_count(self) -> int:
        return bool(self.category_id) + bool(self.channel)
