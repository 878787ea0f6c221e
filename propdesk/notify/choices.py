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
    #: To the resident: the request has been handed to the people who will do it.
    TICKET_IN_PROGRESS = "ticket_in_progress", _("处理进度通知")
    #: To a project's staff group (WeCom robot): an urgent request has just been recorded.
    URGENT_TICKET = "urgent_ticket", _("紧急诉求提醒")
    #: To a resident signing in on the portal: the one-time code (never shown anywhere else).
    PORTAL_LOGIN_CODE = "portal_login_code", _("登录验证码")
    #: To an approver: a handling plan waits for their decision (casework).
    PLAN_APPROVAL = "plan_approval", _("方案待审批")
    #: To the region company's leaders and HQ customer service: a monthly report (客服工作月报)
    #: was published (SPEC §9, seed 002 4.1.5).
    MONTHLY_REPORT_PUBLISHED = "monthly_report_published", _("月报发布通知")
    #: A corrective or preventive action's clock (improvement): due tomorrow, and overdue
    #: (to the owner and the level it is escalated to).
    ACTION_WARNING = "action_warning", _("整改期限预警")
    ACTION_OVERDUE = "action_overdue", _("整改超期通知")
    #: To an approver: a compensation claim waits for their decision at their step (casework).
    CLAIM_APPROVAL = "claim_approval", _("赔偿待审批")
    #: To the agent who opened a compensation claim: it was approved, sent back or rejected.
    CLAIM_DECIDED = "claim_decided", _("赔偿审批结果")
    #: To each recipient of a survey's analysis report (the general manager, deputies, the
    #: management representative, managers in charge, departments concerned): it was
    #: distributed; they acknowledge receipt on the campaign's page (SPEC §7, seed 001 篇4).
    SURVEY_REPORT_DISTRIBUTED = "survey_report_distributed", _("调查报告分发通知")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    #: A project's staff group chat, through its WeCom group robot (the address is the project).
    WECOM = "wecom", _("企业微信群")


class State(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class ProviderKind(models.TextChoices):
    """The gateways a company configures in the admin (SPEC §10), each for one channel."""

    ALIYUN_SMS = "aliyun_sms", _("阿里云短信")
    TENCENT_SMS = "tencent_sms", _("腾讯云短信")
    WECOM_ROBOT = "wecom_robot", _("企业微信群机器人")
    WECHAT_MP = "wechat_mp", _("微信公众号")


#: The channel each kind of gateway carries.
PROVIDER_CHANNEL = {
    ProviderKind.ALIYUN_SMS: Channel.SMS,
    ProviderKind.TENCENT_SMS: Channel.SMS,
    ProviderKind.WECOM_ROBOT: Channel.WECOM,
    ProviderKind.WECHAT_MP: Channel.WECHAT,
}
