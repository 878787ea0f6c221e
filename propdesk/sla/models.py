"""Time-limit policies and the clocks they start on each ticket (SPEC §5)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.models import Company, Project
from propdesk.tickets.choices import Channel, GradeLevel, Kind, RepairScope
from propdesk.tickets.models import Category, Ticket, WorkOrder

from .choices import ClockKind, ClockState, ClockUnit


class SlaPolicy(models.Model):
    """One rule: for tickets matching its criteria, clock ``clock`` runs ``amount`` ``unit``.

    Among the matching rules for one clock, a project's rule wins over its company's, and a
    company's over the system default; within one scope the highest priority, then the rule
    naming more criteria. Rules marked *cap*
    are upper bounds applied on top ("every complaint gets a first reply within one working
    day at the latest, whatever its channel").
    """

    name = models.CharField(_("名称"), max_length=100)
    clock = models.CharField(_("时限"), max_length=20, choices=ClockKind.choices)
    company = models.ForeignKey(Company, models.CASCADE, null=True, blank=True)
    project = models.ForeignKey(Project, models.CASCADE, null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, blank=True)
    channel = models.CharField(_("来源"), max_length=20, choices=Channel.choices, blank=True)
    grade_level = models.CharField(_("等级"), max_length=1, choices=GradeLevel.choices, blank=True)
    repair_scope = models.CharField(
        _("维修范围"), max_length=20, choices=RepairScope.choices, blank=True
    )
    category = models.ForeignKey(
        Category, models.CASCADE, null=True, blank=True, help_text=_("含其下级分类")
    )
    #: Only for complaints in long disagreement (Ticket.long_disagreement): the monthly
    #: follow-up (seed 002 6.5.2 4). A rule naming it is one criterion more specific.
    only_long_disagreement = models.BooleanField(_("仅限长期未达成一致的投诉"), default=False)
    unit = models.CharField(_("单位"), max_length=20, choices=ClockUnit.choices)
    amount = models.PositiveIntegerField(_("时长"), default=1)
    warning_percent = models.PositiveSmallIntegerField(
        _("预警点(%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    is_cap = models.BooleanField(_("最迟上限"), default=False)
    priority = models.SmallIntegerField(_("优先级"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = pgettext_lazy("plural", "时限规则")
        ordering = ["clock", "-priority", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.unit == ClockUnit.FIXED:
            raise ValidationError({"unit": _("“约定时间”只用于约定反馈,不能用于规则")})
        if self.unit != ClockUnit.SAME_DAY and self.amount < 1:
            raise ValidationError({"amount": _("时长至少为 1")})

    @property
    def scope_rank(self) -> int:
        """A project's rule beats its company's, which beats the system default."""
        return 2 if self.project_id else (1 if self.company_id else 0)

    @property
    def criteria_count(self) -> int:
        return sum(
            1
            for value in (
                self.kind,
                self.channel,
                self.grade_level,
                self.repair_scope,
                self.category_id,
                self.only_long_disagreement,
            )
            if value
        )


class SlaClock(models.Model):
    """One running (or finished) time limit of a ticket or a work order."""

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="clocks")
    work_order = models.ForeignKey(
        WorkOrder, models.PROTECT, null=True, blank=True, related_name="clocks"
    )
    kind = models.CharField(_("时限"), max_length=20, choices=ClockKind.choices)
    policy = models.ForeignKey(SlaPolicy, models.SET_NULL, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, choices=ClockUnit.choices)
    amount = models.PositiveIntegerField(_("时长"))
    warning_percent = models.PositiveSmallIntegerField(default=80)
    state = models.CharField(
        _("状态"), max_length=20, choices=ClockState.choices, default=ClockState.RUNNING
    )
    started_at = models.DateTimeField(_("开始"))
    warn_at = models.DateTimeField(_("预警时间"))
    due_at = models.DateTimeField(_("到期时间"))
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    #: While paused: the time that was left, in the clock's own minutes (natural or working).
    remaining_minutes = models.IntegerField(null=True, blank=True)
    #: The whole span in the clock's own minutes, to place the warning point after a resume.
    span_minutes = models.IntegerField(default=0)
    calendar_warnings = models.JSONField(default=list, blank=True)
    #: Bumped whenever the moments move; a timer carrying an older version does nothing.
    timer_version = models.PositiveIntegerField(default=0)
    warn_task_id = models.UUIDField(null=True, blank=True)
    due_task_id = models.UUIDField(null=True, blank=True)
    #: How many times staying breached has already escalated the request.
    escalations = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("时限计时")
        verbose_name_plural = pgettext_lazy("plural", "时限计时")
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                condition=Q(state__in=["running", "paused"], work_order__isnull=True),
                name="one_open_clock_per_kind",
            ),
            models.UniqueConstraint(
                fields=["work_order"],
                condition=Q(state__in=["running", "paused"], work_order__isnull=False),
                name="one_open_clock_per_work_order",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="clock_running_due", condition=Q(state="running")),
            models.Index(
                fields=["warn_at"],
                name="clock_running_warn",
                condition=Q(state="running", warned_at__isnull=True),
            ),
            models.Index(fields=["ticket", "state"], name="clock_ticket_state"),
            # Timeliness counts the clocks of one kind that fell due in a period.
            models.Index(fields=["kind", "due_at"], name="clock_kind_due"),
            models.Index(
                fields=["ticket"],
                name="clock_open_breach",
                condition=Q(state="breached", met_at__isnull=True),
            ),
            models.Index(
                fields=["warn_at", "due_at"],
                name="clock_running_window",
                condition=Q(state="running"),
            ),
            models.Index(fields=["id"], name="clock_running_id", condition=Q(state="running")),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.state}"


class GradeScale(models.TextChoices):
    LEVEL = "level", _("等级(一级至四级)")
    CLASS = "class", _("重要程度(重大/热点/重要/一般)")


class GradeRule(models.Model):
    """One row of a grade table (SPEC §5). Each scale is read top-down by ``order``; the first
    rule whose conditions all hold gives the grade. A rule without conditions matches all.

    ``conditions`` is a list of ``{"fact": …, "op": …, "value": …}`` with op one of
    ``== != >= > <= < in``; the facts are listed in :mod:`propdesk.sla.grades`.
    """

    scale = models.CharField(_("分级"), max_length=10, choices=GradeScale.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("名称"), max_length=100)
    result = models.CharField(
        _("结果"), max_length=20, help_text=_("等级填 1–4;重要程度填 major/hot/important/general")
    )
    conditions = models.JSONField(_("条件"), default=list, blank=True)
    company = models.ForeignKey(Company, models.CASCADE, null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("定级规则")
        verbose_name_plural = pgettext_lazy("plural", "定级规则")
        ordering = ["scale", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .grades import validate_rule

        validate_rule(self)


class EscalationLevel(models.IntegerChoices):
    """The chain of SPEC §5: handler → supervisor → project manager → region → HQ."""

    HANDLER = 0, _("处理人")
    SUPERVISOR = 1, _("客服主管")
    PROJECT_MANAGER = 2, _("项目经理")
    REGION = 3, _("地区公司")
    HQ = 4, _("总部客服")


class EscalationPolicy(models.Model):
    """When requests climb the chain: the system default (no company), a company's, or a
    project's own (the most specific wins)."""

    name = models.CharField(_("名称"), max_length=100)
    company = models.ForeignKey(Company, models.CASCADE, null=True, blank=True)
    project = models.ForeignKey(Project, models.CASCADE, null=True, blank=True)
    breach_hold_hours = models.PositiveIntegerField(_("超时后每隔多少小时再升一级"), default=24)
    reopen_threshold = models.PositiveSmallIntegerField(
        _("第几次重开起升级"), default=1, validators=[MinValueValidator(1)]
    )
    grade_levels_at_once = models.CharField(
        _("立即通报的等级"), max_length=20, default="1,2", help_text=_("如 1,2")
    )
    grade_classes_at_once = models.CharField(
        _("立即通报的重要程度"),
        max_length=40,
        default="major,hot,important",
        blank=True,
        help_text=_("如 major,hot,important(重大、热点、重要)"),
    )
    top_level = models.PositiveSmallIntegerField(
        _("最高升至"), choices=EscalationLevel.choices, default=EscalationLevel.HQ
    )

    class Meta:
        verbose_name = _("升级规则")
        verbose_name_plural = pgettext_lazy("plural", "升级规则")

    def __str__(self) -> str:
        return self.name
