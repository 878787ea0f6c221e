"""Satisfaction surveys (满意度调查, SPEC §7): a campaign with its plan and approval, a
questionnaire of five-level items grouped by service area, one invitation per occupied
household, at most one answer per invitation. The corrective actions its results open are
:mod:`propdesk.improvement`'s.

Rows here are only changed through :mod:`propdesk.surveys.services`; the records are kept (no
cascade deletes) because SPEC §7 keeps survey records at least two years.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.access import ScopedQuerySet
from propdesk.org.models import Company, Department, Project
from propdesk.residents.models import Building, Room

from .choices import (
    CampaignEventKind,
    CampaignStatus,
    Channel,
    OrganiserUnit,
    ResponseSource,
    Satisfaction,
    ServiceArea,
)

#: SPEC §7: at least 30% of the questionnaires issued must come back. A default per campaign.
DEFAULT_MIN_RETURN_RATE = Decimal("30")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def for_user(self, user) -> CampaignQuerySet:
        """Campaigns touching the user's projects (SPEC §1: nothing outside the scope). A
        campaign without a project list covers every project of its company."""
        ids = list(user.project_ids)
        links = Campaign.projects.through.objects.filter(campaign=OuterRef("pk"))
        touches = Exists(links.filter(project_id__in=ids))
        company_wide = ~Exists(links) & Q(
            company_id__in=Project.objects.filter(pk__in=ids).values("company_id")
        )
        return self.filter(touches | company_wide)


class Campaign(models.Model):
    company = models.ForeignKey(Company, models.PROTECT, verbose_name=_("公司"))
    projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="survey_campaigns",
        verbose_name=_("调查项目"),
        help_text=_("不选则为公司全部在管项目"),
    )
    buildings = models.ManyToManyField(
        Building,
        blank=True,
        related_name="+",
        verbose_name=_("调查楼栋"),
        help_text=_("不选则为所选项目的全部楼栋"),
    )
    name = models.CharField(_("调查名称"), max_length=100)
    purpose = models.TextField(_("调查目的"), blank=True)
    population = models.TextField(_("调查对象"), blank=True)
    sample = models.CharField(_("样本"), max_length=200, blank=True)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    staff = models.CharField(_("调查人员"), max_length=200, blank=True)
    min_return_rate = models.DecimalField(
        _("最低回收率(%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_MIN_RETURN_RATE,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    #: Whose plan it is (seed 001 篇4): decides its approval steps (services/approval.py).
    unit = models.CharField(
        _("编制部门"),
        max_length=20,
        choices=OrganiserUnit.choices,
        default=OrganiserUnit.DEPARTMENT,
    )
    #: The organiser's department when the plan was written (a department's plan: whose).
    organiser_department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织部门"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"))
    #: The management representative's review of a 品质部 plan (cleared when returned).
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准人"),
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    #: A department's plan: filed with 品质部 when the management representative approves it.
    filed_at = models.DateTimeField(_("品质部备案时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = pgettext_lazy("plural", "满意度调查")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="survey_period_order",
            )
        ]
        indexes = [models.Index(fields=["company", "status", "-period_start"], name="survey_co")]

    def __str__(self) -> str:
        return self.name


#: The highest place of an item in its questionnaire (the column is a positive small integer).
ITEM_ORDER_MAX = 32767


class Item(models.Model):
    """One five-level question of the questionnaire."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="items")
    area = models.CharField(_("服务类别"), max_length=30, choices=ServiceArea.choices)
    text = models.CharField(_("题目"), max_length=200)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("调查题目")
        verbose_name_plural = pgettext_lazy("plural", "调查题目")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class InvitationQuerySet(ScopedQuerySet["Invitation"]):
    scope_path = "project"


class Invitation(models.Model):
    """One household's questionnaire. The link carries only ``token``: random, unguessable,
    and saying nothing about the household (SPEC §2: collect and show only what is needed)."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="invitations")
    room = models.ForeignKey(Room, models.PROTECT, related_name="survey_invitations")
    #: The room's project, kept here so results group and scope without a join.
    project = models.ForeignKey(Project, models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("发放方式"), max_length=10, choices=Channel.choices)
    issued_at = models.DateTimeField(_("发放时间"))

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷发放")
        verbose_name_plural = pgettext_lazy("plural", "问卷发放")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "room"], name="survey_one_per_household")
        ]
        indexes = [models.Index(fields=["campaign", "project"], name="survey_inv_project")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.room_id}"


class Response(models.Model):
    """The household's answer: one per invitation, enforced by the database as well."""

    invitation = models.OneToOneField(Invitation, models.PROTECT, related_name="response")
    #: Copies of the invitation's campaign and project, so the aggregates need no join.
    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="responses")
    project = models.ForeignKey(Project, models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("填写时间"))
    source = models.CharField(_("来源"), max_length=10, choices=ResponseSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    entered_at = models.DateTimeField(_("录入时间"))
    comment = models.TextField(_("意见和建议"), blank=True)

    class Meta:
        verbose_name = _("问卷答复")
        verbose_name_plural = pgettext_lazy("plural", "问卷答复")
        ordering = ["answered_at", "pk"]
        indexes = [models.Index(fields=["campaign", "project"], name="survey_resp_project")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.invitation_id}"


class ResponseItem(models.Model):
    """The answer to one item; an empty level means the resident left it unanswered."""

    response = models.ForeignKey(Response, models.PROTECT, related_name="answers")
    item = models.ForeignKey(Item, models.PROTECT, related_name="answers")
    level = models.CharField(_("满意度"), max_length=30, choices=Satisfaction.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("题目答复")
        verbose_name_plural = pgettext_lazy("plural", "题目答复")
        ordering = ["item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="survey_one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.level or '-'}"


class ReportDistribution(models.Model):
    """The campaign's analysis report (统计分析报告, seed 001 篇4 §4.1(5)④): reviewed by the
    management representative, then distributed to the general manager, the deputy general
    managers, the management representative, the managers in charge and the departments
    concerned, each of whom acknowledges receipt (:class:`ReportReceipt`)."""

    campaign = models.OneToOneField(Campaign, models.PROTECT, related_name="report")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("审核人")
    )
    reviewed_at = models.DateTimeField(_("审核时间"))
    review_note = models.TextField(_("审核意见"), blank=True)
    distributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分发人"),
    )
    distributed_at = models.DateTimeField(_("分发时间"), null=True, blank=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("相关部门")
    )

    class Meta:
        verbose_name = _("分析报告分发")
        verbose_name_plural = pgettext_lazy("plural", "分析报告分发")

    def __str__(self) -> str:
        return f"{self.campaign_id}"


class ReportReceipt(models.Model):
    """One recipient of the analysis report, and when they acknowledged receiving it."""

    distribution = models.ForeignKey(ReportDistribution, models.PROTECT, related_name="receipts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("接收人")
    )
    #: Why this person receives it: values of RecipientReason, one or more.
    reasons = models.JSONField(_("接收原因"), default=list)
    sent_at = models.DateTimeField(_("分发时间"))
    received_at = models.DateTimeField(_("确认收到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报告签收")
        verbose_name_plural = pgettext_lazy("plural", "报告签收")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "recipient"], name="survey_report_one_receipt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id}: {self.recipient_id}"


class CampaignEvent(models.Model):
    """What happened to a campaign (and the corrective actions opened from it), by whom; never
    changed once written. Kept with the campaign (not in core's AuditLog, which is for logins,
    exports and permission changes) so the campaign page shows its own history and it is
    retained with it."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=CampaignEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("调查事件")
        verbose_name_plural = pgettext_lazy("plural", "调查事件")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("campaign events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("campaign events are never deleted")
