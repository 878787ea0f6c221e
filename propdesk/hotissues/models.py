"""Hot issues (热点问题, SPEC §5): open requests of one project that share a category and a
place, or say very nearly the same thing, shown as one issue with a count so a supervisor can
confirm it, link or merge its members, or dismiss it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.access import ScopedQuerySet
from propdesk.org.models import Company, Project
from propdesk.residents.models import Building
from propdesk.tickets.models import Category, Ticket


class Basis(models.TextChoices):
    PLACE = "place", _("同类同地点")
    TEXT = "text", _("内容相似")


class HotIssueStatus(models.TextChoices):
    DETECTED = "detected", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")


#: Statuses in which new members still join the issue.
LIVE_STATUSES = (HotIssueStatus.DETECTED, HotIssueStatus.CONFIRMED)


class HotIssueQuerySet(ScopedQuerySet["HotIssue"]):
    scope_path = "project"


class HotIssue(models.Model):
    company = models.ForeignKey(Company, models.PROTECT)
    project = models.ForeignKey(
        Project, models.PROTECT, related_name="hot_issues", verbose_name=_("项目")
    )
    basis = models.CharField(_("归集依据"), max_length=10, choices=Basis.choices)
    category = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, verbose_name=_("分类")
    )
    building = models.ForeignKey(
        Building, models.PROTECT, null=True, blank=True, verbose_name=_("楼栋")
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=HotIssueStatus.choices, default=HotIssueStatus.DETECTED
    )
    member_count = models.PositiveIntegerField(_("诉求数"), default=0)
    complainant_count = models.PositiveIntegerField(_("反映人数"), default=0)
    first_received_at = models.DateTimeField(_("最早接报"))
    last_received_at = models.DateTimeField(_("最近接报"))
    detected_at = models.DateTimeField(_("发现时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认/排除人"),
    )
    decided_at = models.DateTimeField(_("确认/排除时间"), null=True, blank=True)
    decision_note = models.TextField(_("说明"), blank=True)

    objects = HotIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("热点问题")
        verbose_name_plural = pgettext_lazy("plural", "热点问题")
        ordering = ["-last_received_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "status", "-last_received_at"], name="hot_project"),
            models.Index(fields=["status", "-last_received_at"], name="hot_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class MemberSource(models.TextChoices):
    DETECTED = "detected", _("系统归集")
    LINKED = "linked", _("主管关联")


class HotIssueMember(models.Model):
    """One request in a hot issue. Removing it keeps the row (with who and why)."""

    hot_issue = models.ForeignKey(HotIssue, models.PROTECT, related_name="members")
    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="hot_issue_memberships")
    source = models.CharField(_("来源"), max_length=10, choices=MemberSource.choices)
    added_at = models.DateTimeField(_("加入时间"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_reason = models.TextField(_("移出原因"), blank=True)

    class Meta:
        verbose_name = _("热点问题成员")
        verbose_name_plural = pgettext_lazy("plural", "热点问题成员")
        ordering = ["ticket__received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["hot_issue", "ticket"], name="hot_member_once"),
        ]
        indexes = [
            models.Index(
                fields=["ticket"], name="hot_member_active", condition=models.Q(removed_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.hot_issue_id}: {self.ticket_id}"


class HotIssueEventKind(models.TextChoices):
    DETECTED = "detected", _("发现")
    GREW = "grew", _("新增诉求")
    CONFIRMED = "confirmed", _("确认")
    DISMISSED = "dismissed", _("排除")
    LINKED = "linked", _("关联")
    UNLINKED = "unlinked", _("移出")
    MERGED = "merged", _("合并重复")


class HotIssueEvent(models.Model):
    """What happened to a hot issue, by whom; never changed once written."""

    hot_issue = models.ForeignKey(HotIssue, models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=HotIssueEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("热点问题事件")
        verbose_name_plural = pgettext_lazy("plural", "热点问题事件")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.hot_issue_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("hot issue events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("hot issue events are never deleted")
