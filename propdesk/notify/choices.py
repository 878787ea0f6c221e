"""The closed lists of the notification outbox (SPEC §10), as string choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What happened; each has a message template per language (templates/notify/<lang>/)."""

    TICKET_REGISTERED_RECEIPT = "ticket_registered_receipt", _("登记回执")
    TICKET_RESOLVED = "ticket_resolved", _("处理结果通知")
    TICKET_REPLY = "ticket_reply", _("回复住户")
    WORK_ORDER_ASSIGNED = "work_order_assigned", _("派单通知")
    SLA_WARNING = "sla_warning", _("时限预警")
    SLA_BREACHED = "sla_breached", _("超时通知")
    ESCALATED = "escalated", _("升级通知")
    SURVEY_INVITATION = "survey_invitation", _("满意度调查邀请")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")


class State(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
