"""The monthly report (客服工作月报, SPEC §9): figures frozen when it is published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ScopeKind(models.TextChoices):
    PROJECT = "project", _("项目")
    REGION = "region", _("地区公司")
    COMPANY = "company", _("公司")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    PUBLISHED = "published", _("已发布")


class MonthlyReport(models.Model):
    """One scope's report for one month. Generated on the 3rd with the figures of the month
    before; the figures are computed again on every regeneration until a manager publishes it,
    then they stay as published."""

    company = models.ForeignKey("org.Company", models.PROTECT, related_name="+")
    scope_kind = models.CharField(_("范围"), max_length=10, choices=ScopeKind.choices)
    scope_code = models.CharField(_("范围编码"), max_length=30, blank=True)
    scope_name = models.CharField(_("范围名称"), max_length=100)
    project_ids = models.JSONField(_("包含项目"), default=list)
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    figures = models.JSONField(_("统计数据"), default=dict)
    major_complaints = models.JSONField(_("重大及热点投诉"), default=list)
    commentary = models.TextField(_("分析与说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    generated_at = models.DateTimeField(_("生成时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    #: Published after the 10th of the following month (SPEC §9).
    published_late = models.BooleanField(_("逾期发布"), default=False)

    class Meta:
        verbose_name = _("客服工作月报")
        verbose_name_plural = pgettext_lazy("plural", "客服工作月报")
        ordering = ["-year", "-month", "scope_kind", "scope_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "scope_kind", "scope_code", "year", "month"],
                name="one_report_per_scope_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} {self.year}-{self.month:02d}"
