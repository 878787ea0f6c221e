"""Requests (诉求), their taxonomy, work orders and the immutable event history (§3, §4)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from propdesk.org.access import ScopedQuerySet
from propdesk.org.models import Company, Department, Project
from propdesk.residents.models import Building, Resident, Room

from .choices import (
    Channel,
    ClosureReason,
    EventKind,
    GradeClass,
    GradeLevel,
    HelpType,
    Kind,
    Litigation,
    MediaExposure,
    Nature,
    RepairScope,
    ReplyChannel,
    ReporterType,
    Satisfaction,
    Status,
    WorkOrderStatus,
)


class Category(models.Model):
    """A node of the two-level category tree (投诉分类标准). Codes are stable across releases."""

    code = models.CharField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分类")
        verbose_name_plural = pgettext_lazy("plural", "分类")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def full_name(self) -> str:
        if self.parent_id:
            return f"{self.parent.display_name} / {self.display_name}"
        return self.display_name


class TicketNumberSequence(models.Model):
    """The last number handed out per project and day; advanced by an atomic upsert."""

    project = models.ForeignKey(Project, models.PROTECT)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "day"], name="ticket_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day:%Y%m%d} #{self.last}"


class TicketQuerySet(ScopedQuerySet["Ticket"]):
    scope_path = "project"


class Ticket(models.Model):
    number = models.CharField(_("编号"), max_length=32, unique=True)
    company = models.ForeignKey(Company, models.PROTECT, related_name="tickets")
    project = models.ForeignKey(Project, models.PROTECT, related_name="tickets")
    client_ref = models.CharField(_("客户端引用"), max_length=100, blank=True)

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("来源"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(Category, models.PROTECT, verbose_name=_("分类"))
    nature = models.CharField(
        _("性质"), max_length=20, choices=Nature.choices, default=Nature.PENDING
    )
    repair_scope = models.CharField(
        _("维修范围"), max_length=20, choices=RepairScope.choices, blank=True
    )
    is_paid_repair = models.BooleanField(_("有偿维修"), default=False)
    help_type = models.CharField(_("求助类型"), max_length=20, choices=HelpType.choices, blank=True)
    is_emergency = models.BooleanField(_("紧急事件"), default=False)

    grade_level = models.CharField(
        _("等级"), max_length=1, choices=GradeLevel.choices, default=GradeLevel.LEVEL_4
    )
    grade_class = models.CharField(
        _("重要程度"), max_length=20, choices=GradeClass.choices, default=GradeClass.GENERAL
    )
    grade_reason = models.CharField(_("定级依据"), max_length=200, blank=True)
    grade_class_reason = models.CharField(_("重要程度依据"), max_length=200, blank=True)

    # Facts the grade rules read (SPEC §5). Changing one re-evaluates the grade.
    complainant_count = models.PositiveIntegerField(_("投诉人数"), default=1)
    claimed_amount = models.DecimalField(
        _("索赔金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    media_exposure = models.CharField(
        _("媒体曝光"), max_length=20, choices=MediaExposure.choices, default=MediaExposure.NONE
    )
    litigation = models.CharField(
        _("诉讼"), max_length=20, choices=Litigation.choices, default=Litigation.NONE
    )
    government_referral = models.BooleanField(_("政府转办"), default=False)
    major_accident = models.BooleanField(_("重大事故(伤亡或财产损失)"), default=False)
    serious_public_harm = models.BooleanField(_("被指严重破坏环境、公共设施或公德"), default=False)
    demands_return_or_compensation = models.BooleanField(
        _("质量、设计或合同纠纷,要求退房或大额赔偿"), default=False
    )
    false_sales_information = models.BooleanField(_("销售时提供虚假信息"), default=False)
    needs_outside_support = models.BooleanField(_("需外部顾问或其他公司支持"), default=False)
    is_repeat = models.BooleanField(_("处理后再次投诉(重复投诉)"), default=False)
    # Seed 002 规程 4.4: two more facts that make a complaint 重大.
    promise_unmet_raised_again = models.BooleanField(
        _("承诺或合同约定的服务未兑现或明显失误,业主多次反映仍未解决"), default=False
    )
    economic_loss_our_fault = models.BooleanField(
        _("因我方原因造成客户较大经济损失"), default=False
    )
    repeat_of = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("重复投诉的原诉求"),
    )
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), default=0)

    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    status_before_suspend = models.CharField(max_length=20, choices=Status.choices, blank=True)

    reporter_type = models.CharField(_("反映人类型"), max_length=20, choices=ReporterType.choices)
    resident = models.ForeignKey(
        Resident, models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="tickets")
    building = models.ForeignKey(
        Building, models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    #: Sent from the resident portal by a phone that is not on the household file: who it is
    #: and which room it concerns are unverified until an agent matches it to a room.
    needs_room_match = models.BooleanField(_("身份未核实,待匹配房屋"), default=False)

    description = models.TextField(_("诉求内容"))
    expectation = models.TextField(_("客户期望"), blank=True)
    agreed_reply_at = models.DateTimeField(_("约定反馈时间"), null=True, blank=True)

    received_at = models.DateTimeField(_("接报时间"))
    registered_at = models.DateTimeField(_("登记时间"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="registered_tickets",
        verbose_name=_("首问责任人"),
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_dispatched_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    callback_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    resolution = models.TextField(_("处理结果"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_tickets"
    )
    closure_reason = models.CharField(
        _("关闭原因"), max_length=30, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.TextField(_("关闭说明"), blank=True)
    cancel_reason = models.TextField(_("撤销原因"), blank=True)
    has_case_value = models.BooleanField(_("有案例价值"), default=False)
    #: The resident and the company have long failed to agree (seed 002 6.5.2 4): an open
    #: complaint in this state is followed up monthly instead of weekly (sla's follow-up
    #: clock); closing it for this reason is ClosureReason.DISAGREEMENT.
    long_disagreement = models.BooleanField(_("长期沟通未达成一致"), default=False)
    #: Safety emergencies are handled first and recorded after: when the work on site ended.
    on_site_finished_at = models.DateTimeField(_("现场处置完成时间"), null=True, blank=True)
    needs_plan = models.BooleanField(_("需制定处理方案"), default=False)
    plan = models.TextField(_("处理方案"), blank=True)
    plan_submitted_at = models.DateTimeField(_("方案提交时间"), null=True, blank=True)
    plan_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_plans",
        verbose_name=_("方案提交人"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = pgettext_lazy("plural", "诉求")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "client_ref"],
                condition=~Q(client_ref=""),
                name="ticket_client_ref_unique",
            )
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="ticket_project_status"),
            models.Index(fields=["project", "-received_at"], name="ticket_project_received"),
            models.Index(fields=["status", "-received_at"], name="ticket_status_received"),
            # Queues of several projects list newest first: one order across all of them
            # (benchmarks/console_bench.py: /queues/all/ as HQ at 100k, 178 → 0.3 ms).
            models.Index(fields=["-received_at", "-id"], name="ticket_received"),
            # The dashboard's open-by-status and breached counts read only open tickets.
            models.Index(
                fields=["project", "status", "escalation_level"],
                name="ticket_open",
                condition=~Q(status__in=["closed", "merged", "cancelled"]),
            ),
            # Monthly figures (stats.figures): closed in a period, open at a period's end
            # (closed after it, received before it) and handling times read ranges of these
            # moments across all projects (benchmarks/bench.py, company month at 1M tickets).
            models.Index(
                fields=["closed_at", "received_at", "project", "status"],
                name="ticket_closed",
                condition=Q(closed_at__isnull=False),
            ),
            # Withdrawn after a moment (stats.figures: open at a period's end): the withdrawn
            # requests of a group are tens of thousands, those withdrawn since a month's end few.
            models.Index(
                fields=["cancelled_at", "project"],
                name="ticket_cancelled",
                condition=Q(status="cancelled"),
            ),
            models.Index(
                fields=["resolved_at", "project"],
                name="ticket_resolved",
                condition=Q(resolved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_terminal(self) -> bool:
        return self.status in (Status.CLOSED, Status.MERGED, Status.CANCELLED)


class FeeStandard(models.Model):
    """The company's price list for paid repairs (有偿服务收费标准)."""

    company = models.ForeignKey(Company, models.PROTECT, related_name="fee_standards")
    code = models.CharField(_("编码"), max_length=30)
    name = models.CharField(_("收费项目"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20)
    price = models.DecimalField(_("单价(元)"), max_digits=10, decimal_places=2)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("有偿服务收费标准")
        verbose_name_plural = pgettext_lazy("plural", "有偿服务收费标准")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="fee_standard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.price}/{self.unit})"


class WorkOrderQuerySet(ScopedQuerySet["WorkOrder"]):
    scope_path = "ticket__project"


class WorkOrder(models.Model):
    """One department's part of a ticket (派工单 / 工作协作单)."""

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="work_orders")
    sequence = models.PositiveSmallIntegerField(_("序号"))
    department = models.ForeignKey(Department, models.PROTECT, verbose_name=_("部门"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("处理人"),
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=WorkOrderStatus.choices,
        default=WorkOrderStatus.DISPATCHED,
    )
    instructions = models.TextField(_("派单说明"), blank=True)
    deadline = models.DateTimeField(_("完成时限"))
    appointment_at = models.DateTimeField(_("预约上门时间"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="dispatched_work_orders"
    )
    dispatched_at = models.DateTimeField(_("派单时间"))
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    return_reason = models.TextField(_("退单原因"), blank=True)
    fee_total = models.DecimalField(
        _("费用合计(元)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    fee_agreed_at = models.DateTimeField(_("住户同意报价时间"), null=True, blank=True)
    fee_agreement_note = models.CharField(_("同意方式"), max_length=200, blank=True)
    #: What the resident said when the work ended (SPEC §6): a repair the resident did not
    #: rate, did not sign for, or rated unsatisfied must be called back.
    resident_rating = models.CharField(
        _("住户现场评价"), max_length=30, choices=Satisfaction.choices, blank=True
    )
    resident_signed = models.BooleanField(_("住户已签字确认"), default=False)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = pgettext_lazy("plural", "工单")
        ordering = ["ticket", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "sequence"], name="work_order_unique")
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="wo_department_status"),
            models.Index(fields=["assignee", "status"], name="wo_assignee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number}/{self.sequence}"


class FeeItem(models.Model):
    work_order = models.ForeignKey(WorkOrder, models.PROTECT, related_name="fee_items")
    standard = models.ForeignKey(FeeStandard, models.PROTECT, null=True, blank=True)
    name = models.CharField(_("收费项目"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("单价(元)"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("收费明细")
        verbose_name_plural = pgettext_lazy("plural", "收费明细")

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity} = {self.amount}"


class ProgressNote(models.Model):
    """A follow-up record (跟进记录); every open complaint needs one a week (§4)."""

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="progress_notes")
    work_order = models.ForeignKey(WorkOrder, models.PROTECT, null=True, blank=True)
    text = models.TextField(_("内容"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = pgettext_lazy("plural", "跟进记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class Reply(models.Model):
    """A reply given to the resident: channel, content, time (§4)."""

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="replies")
    channel = models.CharField(_("方式"), max_length=20, choices=ReplyChannel.choices)
    content = models.TextField(_("内容"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT)
    replied_at = models.DateTimeField(_("回复时间"))

    class Meta:
        verbose_name = _("回复记录")
        verbose_name_plural = pgettext_lazy("plural", "回复记录")
        ordering = ["replied_at", "pk"]

    def __str__(self) -> str:
        return self.content[:50]


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="attachments")
    work_order = models.ForeignKey(WorkOrder, models.PROTECT, null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/", max_length=255)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = pgettext_lazy("plural", "附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("ticket events are immutable")

    def delete(self):
        raise TypeError("ticket events are immutable")


class TicketEvent(models.Model):
    """One move or change in a ticket's life. Written once, never edited or deleted (§4)."""

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"))
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    work_order = models.ForeignKey(WorkOrder, models.PROTECT, null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = pgettext_lazy("plural", "事件")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "at"], name="event_ticket_at"),
            # Reopens in a period (stats.figures.reopened): a few rows among millions.
            models.Index(
                fields=["at"],
                name="event_reopen_at",
                condition=Q(kind="reopened") | Q(kind="callback_recorded", data__reopened=True),
            ),
            # Merges after a moment (stats.figures: open at a period's end): a few among
            # millions, where probing each merged request's events read tens of thousands.
            models.Index(fields=["at"], name="event_merged_at", condition=Q(kind="merged")),
        ]
        # Related managers and Django internals use the base manager: make it the immutable
        # one too, so no path can update or delete events in bulk.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("ticket events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("ticket events are immutable")


# Models of this app kept in their own modules; imported here so that Django registers them.
from .queue_models import SavedFilter  # noqa: E402, F401
from .routing_models import RoutingRule  # noqa: E402, F401
