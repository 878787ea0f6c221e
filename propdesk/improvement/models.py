"""Corrective and preventive actions (纠正/预防措施, SPEC §8) and their history.

One model whatever opened the action: a request, a hot issue, a survey item (or a survey as a
whole), a line of a monthly report, or nothing in the system. A monthly report lives above this
app (stats), so an action keeps the report's id, month, scope and the line's text rather than a
foreign key. Rows change only through :mod:`propdesk.improvement.services`; nothing is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.hotissues.models import HotIssue
from propdesk.org.access import ScopedQuerySet
from propdesk.org.models import Company, Project
from propdesk.sla.models import EscalationLevel
from propdesk.surveys.models import Campaign, Item
from propdesk.tickets.models import Ticket

from .choices import ActionEventKind, ActionKind, ActionSource, ActionStatus


class CorrectiveActionQuerySet(ScopedQuerySet["CorrectiveAction"]):
    scope_path = "project"


class CorrectiveAction(models.Model):
    """Owner, cause, measure and a due date with its own clock; reported done by the owner;
    closed only when a named person, never the owner, has verified its effect."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="+", verbose_name=_("公司"))
    project = models.ForeignKey(Project, models.PROTECT, related_name="+", verbose_name=_("项目"))
    kind = models.CharField(
        _("类型"), max_length=12, choices=ActionKind.choices, default=ActionKind.CORRECTIVE
    )
    source = models.CharField(_("来源"), max_length=12, choices=ActionSource.choices)
    ticket = models.ForeignKey(
        Ticket,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("诉求"),
    )
    hot_issue = models.ForeignKey(
        HotIssue,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("热点问题"),
    )
    campaign = models.ForeignKey(
        Campaign,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("满意度调查"),
    )
    item = models.ForeignKey(
        Item,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("调查题目"),
    )
    #: A monthly report's id (stats.MonthlyReport, not a key: stats sits above this app), its
    #: month ("2026-11"), its scope's name, and the line the action answers.
    report_id = models.PositiveIntegerField(_("月报"), null=True, blank=True)
    report_month = models.CharField(_("月报月份"), max_length=7, blank=True)
    report_scope = models.CharField(_("月报范围"), max_length=100, blank=True)
    report_line = models.TextField(_("月报条目"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("责任人")
    )
    cause = models.TextField(_("原因分析"))
    measure = models.TextField(_("措施"))
    due_on = models.DateField(_("完成期限"))
    #: The end of ``due_on`` (its clock's due time) and when it is warned.
    due_at = models.DateTimeField(_("到期时间"))
    warn_at = models.DateTimeField(_("预警时间"))
    warned_at = models.DateTimeField(_("已预警"), null=True, blank=True)
    breached_at = models.DateTimeField(_("超期时间"), null=True, blank=True)
    #: The level it is escalated to (sla.EscalationLevel: 2 project manager, 3 region, 4 HQ).
    escalation_level = models.PositiveSmallIntegerField(_("升级级别"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    #: Who will verify the effect, named when the action is opened (empty: any verifier).
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("指定验证人"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("开立人")
    )
    opened_at = models.DateTimeField(_("开立时间"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)
    verification_note = models.TextField(_("验证说明"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("验证人"),
    )
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("纠正预防措施")
        verbose_name_plural = pgettext_lazy("plural", "纠正预防措施")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="action_clock"),
            models.Index(fields=["project", "status"], name="action_project"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="ticket") | Q(ticket__isnull=False),
                name="action_ticket_source",
            ),
            models.CheckConstraint(
                condition=~Q(source="hot_issue") | Q(hot_issue__isnull=False),
                name="action_hot_issue_source",
            ),
            models.CheckConstraint(
                condition=~Q(source="survey_item") | Q(campaign__isnull=False),
                name="action_survey_source",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.measure[:30]}"

    @property
    def overdue(self) -> bool:
        """Past its due time and not yet reported done (the clock's breach)."""
        return self.status == ActionStatus.OPEN and self.breached_at is not None


class ActionEvent(models.Model):
    """What happened to an action, by whom; never changed or deleted once written."""

    action = models.ForeignKey(CorrectiveAction, models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=12, choices=ActionEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("措施事件")
        verbose_name_plural = pgettext_lazy("plural", "措施事件")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("action events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("action events are never deleted")

    @property
    def level_label(self) -> str:
        """The level an escalation raised the action to, in the reader's language."""
        level = (self.data or {}).get("level")
        return str(EscalationLevel(level).label) if level in EscalationLevel.values else ""
