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
from .claims_choices import (
    ChargeBackStatus,
    ClaimEventKind,
    ClaimFileKind,
    ClaimStatus,
    ThirdParty,
)


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


# --- compensation claims (赔偿/补偿, SPEC §8, issue 21 item 2) ---------------------------------


class _Immutable(models.QuerySet):
    """A claim's events are its history: never edited, never deleted (SPEC §11)."""

    def update(self, **kwargs):
        raise TypeError("claim events are immutable")

    def delete(self):
        raise TypeError("claim events are immutable")


class Claim(models.Model):
    """One compensation claim on a request, its own file (涉及赔偿投诉应单独设档,一户一档:
    seed 002 6.5.6). The amounts only grow along the walk; nothing here is ever deleted."""

    ticket = models.ForeignKey(
        Ticket, models.PROTECT, related_name="claims", verbose_name=_("诉求")
    )
    #: Kept from the ticket so that lists and totals filter by project without a join.
    project = models.ForeignKey(
        "org.Project", models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.GATHERING
    )
    description = models.TextField(_("索赔事由"))
    claimed_amount = models.DecimalField(
        _("业主要求金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    assessed_amount = models.DecimalField(
        _("核定金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    basis = models.TextField(_("核定依据"), blank=True)
    #: Each assessment opens a round of approvals; a claim sent back is assessed again.
    round = models.PositiveSmallIntegerField(_("审批轮次"), default=0)
    steps = models.JSONField(_("审批环节"), default=list)
    approved_amount = models.DecimalField(
        _("批准金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    payee = models.CharField(_("收款人"), max_length=100, blank=True)
    payment_amount = models.DecimalField(
        _("申请付款金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("付款日期"), null=True, blank=True)
    payment_reference = models.CharField(_("付款凭证号"), max_length=100, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("立案人")
    )
    opened_at = models.DateTimeField(_("立案时间"))

    class Meta:
        verbose_name = _("赔偿案件")
        verbose_name_plural = pgettext_lazy("plural", "赔偿案件")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "opened_at"], name="casework_claim_month"),
            models.Index(fields=["status"], name="casework_claim_status"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.pk}"

    @property
    def done_steps(self) -> list[str]:
        return [
            a.step
            for a in self.approvals.all()
            if a.round == self.round and a.decision == Decision.APPROVED
        ]

    @property
    def next_step(self) -> str | None:
        if self.status != ClaimStatus.PENDING:
            return None
        done = set(self.done_steps)
        return next((s for s in self.steps if s not in done), None)

    def step_label(self) -> str:
        step = self.next_step
        return str(ApprovalStep(step).label) if step else ""


class ClaimApproval(models.Model):
    """One approver's decision on one step of one round of a claim."""

    claim = models.ForeignKey(Claim, models.PROTECT, related_name="approvals")
    round = models.PositiveSmallIntegerField(_("审批轮次"))
    step = models.CharField(_("审批环节"), max_length=20, choices=ApprovalStep.choices)
    decision = models.CharField(_("决定"), max_length=12, choices=Decision.choices)
    amount = models.DecimalField(_("审批金额(元)"), max_digits=12, decimal_places=2)
    note = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"))

    class Meta:
        verbose_name = _("赔偿审批")
        verbose_name_plural = pgettext_lazy("plural", "赔偿审批")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "round", "step"], name="casework_claim_one_decision_a_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.round} {self.step} {self.decision}"


class ClaimFile(models.Model):
    """Evidence (photos, documents, the site survey), the letter the system issued and the
    signed scan brought back. A file with a note, or a note alone (a survey written on site)."""

    claim = models.ForeignKey(Claim, models.PROTECT, related_name="files")
    kind = models.CharField(_("类别"), max_length=20, choices=ClaimFileKind.choices)
    file = models.FileField(_("文件"), upload_to="claims/%Y/%m/", max_length=255, blank=True)
    original_name = models.CharField(_("文件名"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("大小(字节)"), default=0)
    note = models.TextField(_("说明"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("赔偿资料")
        verbose_name_plural = pgettext_lazy("plural", "赔偿资料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.note[:30]


class ChargeBack(models.Model):
    """The amount charged back to the third party at fault (涉及第三方责任单位的,由相关对口
    部门申请实施扣款手续: seed 002 6.5.2), with its own status."""

    claim = models.OneToOneField(Claim, models.PROTECT, related_name="charge_back")
    party_kind = models.CharField(_("责任方类别"), max_length=20, choices=ThirdParty.choices)
    party_name = models.CharField(_("责任方"), max_length=100)
    amount = models.DecimalField(_("追偿金额(元)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("追偿理由"))
    status = models.CharField(
        _("追偿状态"),
        max_length=12,
        choices=ChargeBackStatus.choices,
        default=ChargeBackStatus.REQUESTED,
    )
    recovered_amount = models.DecimalField(
        _("已追回金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recovered_on = models.DateField(_("追回日期"), null=True, blank=True)
    opened_at = models.DateTimeField(_("发起时间"))

    class Meta:
        verbose_name = _("责任方追偿")
        verbose_name_plural = pgettext_lazy("plural", "责任方追偿")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.party_name}"


class ClaimEvent(models.Model):
    """Every step of a claim: who, when, what, the note (never edited nor deleted)."""

    claim = models.ForeignKey(Claim, models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=20, choices=ClaimEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = _Immutable.as_manager()

    class Meta:
        verbose_name = _("赔偿记录")
        verbose_name_plural = pgettext_lazy("plural", "赔偿记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind}"

    def save(self, *args, **kwargs):
        # Written once: an event that exists already is history, not a draft.
        if self.pk is not None:
            raise TypeError("claim events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("claim events are immutable")
