"""The lists of corrective and preventive actions (SPEC §8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", pgettext_lazy("action kind", "纠正措施")
    PREVENTIVE = "preventive", pgettext_lazy("action kind", "预防措施")


class ActionSource(models.TextChoices):
    """What the action was opened from."""

    TICKET = "ticket", _("诉求")
    HOT_ISSUE = "hot_issue", _("热点问题")
    SURVEY_ITEM = "survey_item", _("满意度调查")
    REPORT_LINE = "report_line", _("月报")
    OTHER = "other", _("其他")


class ActionStatus(models.TextChoices):
    """An action closes only after a named person other than its owner verifies its effect."""

    OPEN = "open", _("待整改")
    DONE = "done", _("待验证")
    VERIFIED = "verified", _("已验证关闭")


class ActionEventKind(models.TextChoices):
    OPENED = "opened", _("开立")
    DONE = "done", _("整改完成")
    VERIFIED = "verified", _("验证有效,关闭")
    REJECTED = "rejected", _("验证未通过,退回整改")
    WARNED = "warned", _("期限预警")
    BREACHED = "breached", _("超期")
    ESCALATED = "escalated", _("升级")
