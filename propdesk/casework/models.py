"""A handling plan (处理方案) of a complaint and the approvals it needs (SPEC §4, §5).

Each submission is a new version: a plan sent back is rewritten and submitted again, and every
version stays with its decisions. Nothing here is ever deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.tickets.models import Ticket

from .choices import ApprovalStep, Decision, PlanStatus


class HandlingPlan(models.Model):
    ticket = models.ForeignKey(
        Ticket, models.PROTECT, related_name="handling_plans", verbose_name=_("诉求")
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    text = models.TextField(_("处理方案"))
    #: Money the plan offers the resident (compensation), if any: it decides the approvers.
    amount = models.DecimalField(
        _("补偿金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PENDING
    )
    #: The approval steps this version needs, in order (ApprovalStep values); empty: none.
    steps = models.JSONField(_("审批环节"), default=list)
    #: Why these steps (the rule that required each), as the approver reads it.
    reasons = models.JSONField(_("审批依据"), default=list)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_at = models.DateTimeField(_("审批完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("处理方案")
        verbose_name_plural = pgettext_lazy("plural", "处理方案")
        ordering = ["ticket", "version"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "version"], name="casework_plan_version")
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="casework_plan_waiting")]

    def __str__(self) -> str:
        return f"{self.ticket_id} v{self.version}"

    @property
    def done_steps(self) -> list[str]:
        return [d.step for d in self.decisions.all() if d.decision == Decision.APPROVED]

    @property
    def next_step(self) -> str | None:
        """The step that waits for a decision now, or None."""
        if self.status != PlanStatus.PENDING:
            return None
        done = set(self.done_steps)
        return next((s for s in self.steps if s not in done), None)

    def step_label(self) -> str:
        step = self.next_step
        return str(ApprovalStep(step).label) if step else ""


class PlanDecision(models.Model):
    """One approver's decision on one step of one version."""

    plan = models.ForeignKey(HandlingPlan, models.PROTECT, related_name="decisions")
    step = models.CharField(_("审批环节"), max_length=20, choices=ApprovalStep.choices)
    decision = models.CharField(_("决定"), max_length=12, choices=Decision.choices)
    note = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"))

    class Meta:
        verbose_name = _("方案审批")
        verbose_name_plural = pgettext_lazy("plural", "方案审批")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "step"], name="casework_one_decision_a_step")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.step} {self.decision}"
