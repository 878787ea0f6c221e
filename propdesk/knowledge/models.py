"""The case library (案例库, SPEC §8): for each problem residents bring, what they expect, how to
handle it step by step, what to say (话术), what to improve inside and what risk to watch — as
seed 003's handbook has them, one or more scenarios (情景) per case. Cases belong to a company,
link to the requests they came from, and keep every version with who changed what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.models import Company
from propdesk.tickets.models import Category, Ticket

from .choices import CaseChange, CaseStatus


class Case(models.Model):
    company = models.ForeignKey(Company, models.PROTECT, related_name="cases")
    title = models.CharField(_("问题"), max_length=200)
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="cases", verbose_name=_("分类")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    #: Goes up by one with every change of the content (title, category, scenarios).
    version = models.PositiveIntegerField(_("版本"), default=1)
    sources = models.ManyToManyField(
        Ticket, blank=True, related_name="cases", verbose_name=_("来源诉求")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("创建人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("案例")
        verbose_name_plural = pgettext_lazy("plural", "案例")
        ordering = ["category__sort_order", "category__code", "title", "pk"]
        indexes = [models.Index(fields=["company", "status", "category"])]

    def __str__(self) -> str:
        return self.title


class Scenario(models.Model):
    """One situation of a case (情景一:固定车位 …) and how to meet it."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="scenarios")
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("情景"), max_length=200, blank=True)
    expectation = models.TextField(_("客户期望"), blank=True)
    handling = models.TextField(_("处理方式"))
    words = models.TextField(_("话术"), blank=True)
    improvement = models.TextField(_("内部改进建议"), blank=True)
    risk = models.TextField(_("风险提示"), blank=True)

    class Meta:
        verbose_name = _("情景")
        verbose_name_plural = pgettext_lazy("plural", "情景")
        ordering = ["case", "position", "pk"]

    def __str__(self) -> str:
        return self.name or str(self.case)


class CaseVersion(models.Model):
    """Every change of a case: its content as it was after the change, who and when."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    change = models.CharField(_("变更"), max_length=12, choices=CaseChange.choices)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices)
    content = models.JSONField(_("内容"))
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("操作人"),
    )  # fmt: skip
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("案例版本")
        verbose_name_plural = pgettext_lazy("plural", "案例版本")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"
