"""Working calendars: holidays and make-up working days (调休), and project working hours.

Only exceptions to the Monday–Friday week are stored. A year counts as *known* when a
:class:`CalendarYear` row exists for it; for any other year the arithmetic falls back to
weekends only and says so.
"""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.models import Company, Project


class Calendar(models.Model):
    """A holiday schedule. The system default (no company) is seeded from chinese-calendar;
    a company may keep its own, and a project may use a different one."""

    code = models.CharField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    company = models.ForeignKey(
        Company, models.PROTECT, null=True, blank=True, related_name="calendars"
    )
    is_company_default = models.BooleanField(_("公司默认日历"), default=False)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = pgettext_lazy("plural", "工作日历")
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(is_company_default=True),
                name="one_default_calendar_per_company",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CalendarYear(models.Model):
    """Marks a year whose schedule has been loaded (from the package, a file, or by hand)."""

    calendar = models.ForeignKey(Calendar, models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("年份"))
    source = models.CharField(_("来源"), max_length=100)
    loaded_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        verbose_name = _("已导入年份")
        verbose_name_plural = pgettext_lazy("plural", "已导入年份")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "year"], name="calendar_year_unique")
        ]
        ordering = ["calendar", "year"]

    def __str__(self) -> str:
        return f"{self.calendar} {self.year}"


class CalendarDay(models.Model):
    """A day that differs from the ordinary week: a holiday, or a weekend made a working day."""

    calendar = models.ForeignKey(Calendar, models.CASCADE, related_name="days")
    date = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选:调休上班日;不勾选:节假日休息"))
    note = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日/调休")
        verbose_name_plural = pgettext_lazy("plural", "节假日/调休")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique")
        ]
        ordering = ["calendar", "date"]

    def __str__(self) -> str:
        return f"{self.date} {_('上班') if self.is_workday else _('休息')} {self.note}"


class ProjectSchedule(models.Model):
    """A project's working hours and, optionally, its own calendar."""

    project = models.OneToOneField(Project, models.CASCADE, related_name="schedule")
    calendar = models.ForeignKey(
        Calendar, models.PROTECT, null=True, blank=True, verbose_name=_("日历")
    )
    work_start = models.TimeField(_("上班时间"), default=time(8, 30))
    work_end = models.TimeField(_("下班时间"), default=time(18, 0))

    class Meta:
        verbose_name = _("项目工作时间")
        verbose_name_plural = pgettext_lazy("plural", "项目工作时间")

    def __str__(self) -> str:
        return f"{self.project} {self.work_start:%H:%M}–{self.work_end:%H:%M}"

    def clean(self) -> None:
        if self.work_start >= self.work_end:
            raise ValidationError({"work_end": _("下班时间必须晚于上班时间")})
