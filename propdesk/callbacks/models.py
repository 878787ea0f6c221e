"""Callbacks (回访) recorded against a ticket (SPEC §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import SATISFIED_LEVELS, CallbackMethod, Satisfaction


class Callback(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, related_name="callbacks")
    method = models.CharField(_("回访方式"), max_length=20, choices=CallbackMethod.choices)
    satisfaction = models.CharField(_("满意度"), max_length=30, choices=Satisfaction.choices)
    comment = models.TextField(_("住户意见"), blank=True)
    resident_confirmation = models.CharField(_("住户确认"), max_length=100, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT)
    called_at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = pgettext_lazy("plural", "回访记录")
        ordering = ["called_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_satisfaction_display()}"

    @property
    def is_satisfied(self) -> bool:
        return self.satisfaction in SATISFIED_LEVELS


class TaskReason(models.TextChoices):
    """Why a request must be called back (SPEC §6)."""

    COMPLAINT = "complaint", _("投诉必回访")
    REPAIR_NOT_RATED = "repair_not_rated", _("报修:住户未评价")
    REPAIR_NOT_SIGNED = "repair_not_signed", _("报修:住户未签字")
    REPAIR_UNSATISFIED = "repair_unsatisfied", _("报修:住户现场不满意")
    REPAIR_SAMPLE = "repair_sample", _("报修抽样回访")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待回访")
    DONE = "done", _("已回访")
    CANCELLED = "cancelled", _("无需回访")


class CallbackTask(models.Model):
    """A callback someone owes a resident: created when the request is resolved, done when the
    callback is recorded, cancelled (with the reason) when the request closes without one."""

    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, related_name="callback_tasks")
    reason = models.CharField(_("回访原因"), max_length=30, choices=TaskReason.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_tasks",
        verbose_name=_("回访人"),
    )
    #: Major complaints and key customers are called back by a manager (SPEC §6).
    by_manager = models.BooleanField(_("须主管或项目经理回访"), default=False)
    due_at = models.DateTimeField(_("回访期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    callback = models.ForeignKey(
        Callback, models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    cancel_reason = models.CharField(_("无需回访原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("回访任务")
        verbose_name_plural = pgettext_lazy("plural", "回访任务")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(status="open"), name="one_open_callback_task"
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="callback_task_queue"),
            models.Index(fields=["owner", "status"], name="callback_task_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_reason_display()} {self.get_status_display()}"
