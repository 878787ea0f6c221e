"""Kinds, channels, states and the other closed lists of SPEC §3–§4, as string choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPAIR = "repair", _("报修")
    HELP = "help", _("求助")
    CONSULTATION = "consultation", _("咨询")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class RepairScope(models.TextChoices):
    IN_HOME = "in_home", _("入户维修")
    COMMON_AREA = "common_area", _("公区维修")


class HelpType(models.TextChoices):
    MEDICAL = "medical", _("医疗急救")
    CRIME = "crime", _("治安事件")
    DISASTER = "disaster", _("灾害")
    OTHER = "other", _("其他求助")


class Channel(models.TextChoices):
    PHONE = "phone", _("来电")
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    EMAIL = "email", _("电子邮件")
    WEB = "web", _("网站/论坛")
    WECHAT = "wechat", _("微信/APP")
    MEDIA = "media", _("新闻媒体")
    GOVERNMENT = "government", _("政府转办")
    PATROL = "patrol", _("巡查发现")
    CALLBACK = "callback", _("回访发现")


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("处理中")
    SUSPENDED = "suspended", _("已挂起")
    RESOLVED = "resolved", _("已解决")
    CALLBACK_DONE = "callback_done", _("已回访")
    CLOSED = "closed", _("已关闭")
    REOPENED = "reopened", _("已重开")
    MERGED = "merged", _("已合并")
    CANCELLED = "cancelled", _("已撤销")


#: States in which nobody works on the ticket any more (a closed one may still be reopened).
TERMINAL_STATUSES = frozenset({Status.CLOSED, Status.MERGED, Status.CANCELLED})
#: States in which the ticket is still being handled, before a result exists.
WORKING_STATUSES = frozenset(
    {
        Status.REGISTERED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.SUSPENDED,
        Status.REOPENED,
    }
)


class Nature(models.TextChoices):
    PENDING = "pending", _("待定")
    EFFECTIVE = "effective", _("有效投诉")
    ASSIST = "assist", _("协助处理")
    INVALID = "invalid", _("无效投诉")


class GradeLevel(models.TextChoices):
    LEVEL_1 = "1", _("一级")
    LEVEL_2 = "2", _("二级")
    LEVEL_3 = "3", _("三级")
    LEVEL_4 = "4", _("四级")


class GradeClass(models.TextChoices):
    MAJOR = "major", _("重大")
    HOT = "hot", _("热点")
    IMPORTANT = "important", _("重要")
    GENERAL = "general", _("一般")


class MediaExposure(models.TextChoices):
    NONE = "none", _("无")
    RISK = "risk", _("可能引发媒体曝光")
    EXPOSED = "exposed", _("已被媒体曝光")
    BRAND_DAMAGE = "brand_damage", _("负面曝光严重损害品牌")


class Litigation(models.TextChoices):
    NONE = "none", _("无")
    RISK = "risk", _("可能引发诉讼")
    FILED = "filed", _("已起诉")


class ReporterType(models.TextChoices):
    RESIDENT = "resident", _("住户")
    CONTACT = "contact", _("其他联系人")
    ANONYMOUS = "anonymous", _("匿名")


class ClosureReason(models.TextChoices):
    SATISFIED = "satisfied", _("回访满意")
    CONFIRMED_ON_SPOT = "confirmed_on_spot", _("现场处理并经住户确认")
    NO_CONTACT = "no_contact", _("匿名或无法联系,无法回访")
    DISAGREEMENT = "disagreement", _("长期沟通后住户仍有异议")
    BEYOND_AUTHORITY = "beyond_authority", _("超出公司职权范围")
    #: A callback would do harm (SPEC §6): closed without one, the reason recorded.
    SENSITIVE = "sensitive", _("敏感投诉,不宜回访")


class WorkOrderStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("处理中")
    DONE = "done", _("已完成")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_WORK_ORDER_STATUSES = frozenset({WorkOrderStatus.DISPATCHED, WorkOrderStatus.IN_PROGRESS})


class ReplyChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    EMAIL = "email", _("电子邮件")
    VISIT = "visit", _("当面/上门")
    LETTER = "letter", _("书面")


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("登记")
    ACCEPTED = "accepted", _("受理")
    ANSWERED = "answered", _("即时答复")
    DISPATCHED = "dispatched", _("派单")
    WORK_ORDER_RETURNED = "work_order_returned", _("退单")
    TRANSFERRED = "transferred", _("转派")
    STARTED = "started", _("开始处理")
    PROGRESS_NOTED = "progress_noted", _("跟进记录")
    REPLIED = "replied", _("回复住户")
    SUSPENDED = "suspended", _("挂起")
    RESUMED = "resumed", _("恢复")
    WORK_ORDER_COMPLETED = "work_order_completed", _("工单完成")
    RESOLVED = "resolved", _("解决")
    CALLBACK_RECORDED = "callback_recorded", _("回访")
    CALLBACK_DELAYED = "callback_delayed", _("回访延期")
    PLAN_SUBMITTED = "plan_submitted", _("提交处理方案")
    PLAN_APPROVED = "plan_approved", _("处理方案批准")
    PLAN_SENT_BACK = "plan_sent_back", _("处理方案退回修改")
    PLAN_REJECTED = "plan_rejected", _("处理方案不予批准")
    GRADE_CHANGED = "grade_changed", _("定级变更")
    ESCALATED = "escalated", _("升级")
    DEESCALATED = "deescalated", _("解除升级")
    CLOSED = "closed", _("关闭")
    REOPENED = "reopened", _("重开")
    MERGED = "merged", _("合并")
    OUTCOME_SHARED = "outcome_shared", _("同步合并后的处理结果")
    CANCELLED = "cancelled", _("撤销")
    UPDATED = "updated", _("修改")
    ATTACHMENT_ADDED = "attachment_added", _("添加附件")
    SLA_WARNING = "sla_warning", _("时限预警")
    SLA_BREACHED = "sla_breached", _("超时")
    SLA_REPLANNED = "sla_replanned", _("时限重算")


class Satisfaction(models.TextChoices):
    """The five levels of SPEC §6; the first three count as satisfied."""

    VERY_SATISFIED = "very_satisfied", _("很满意")
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _("很不满意")


SATISFIED_LEVELS = frozenset(
    {Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED}
)
