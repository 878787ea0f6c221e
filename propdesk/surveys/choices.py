"""The lists of satisfaction surveys (SPEC §7). The five answer levels are those of the request
(SPEC §6: on-site ratings and callbacks), imported from tickets so a survey and a callback count
满意 the same way."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from propdesk.tickets.choices import SATISFIED_LEVELS, Satisfaction

__all__ = [
    "DISSATISFIED_LEVELS",
    "SATISFIED_LEVELS",
    "CampaignEventKind",
    "CampaignStatus",
    "Channel",
    "OrganiserUnit",
    "RecipientReason",
    "ResponseSource",
    "Satisfaction",
    "ServiceArea",
]

#: What the Pareto chart of dissatisfaction counts (SPEC §7): 不满意 and 很不满意.
DISSATISFIED_LEVELS = frozenset({Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED})


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    #: A 品质部 plan reviewed by the management representative, waiting for the general
    #: manager's approval (seed 001 篇4).
    REVIEWED = "reviewed", _("待总经理批准")
    APPROVED = "approved", _("已批准")
    ISSUED = "issued", _("调查中")
    CLOSED = "closed", _("已结束")


class OrganiserUnit(models.TextChoices):
    """Whose plan it is (seed 001 篇4): 品质部's, reviewed by the management representative and
    approved by the general manager; or a department's, approved by the management
    representative and filed with 品质部."""

    QUALITY = "quality", _("品质部")
    DEPARTMENT = "department", _("部门")


class ServiceArea(models.TextChoices):
    """Where a questionnaire item belongs; results are grouped by these (SPEC §7)."""

    CUSTOMER_SERVICE = "customer_service", _("客户服务")
    ENGINEERING = "engineering", _("工程维修")
    SECURITY = "security", _("安全秩序")
    CLEANING = "cleaning", _("清洁卫生")
    GREENING = "greening", _("绿化养护")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    """How a household's questionnaire is handed out."""

    LINK = "link", _("链接")
    PAPER = "paper", _("纸质问卷")


class ResponseSource(models.TextChoices):
    """How an answer came in: typed by the resident, or typed in by staff."""

    LINK = "link", _("住户链接填写")
    PAPER = "paper", _("纸质问卷录入")
    STAFF = "staff", _("工作人员代填")


class CampaignEventKind(models.TextChoices):
    CREATED = "created", _("创建")
    SUBMITTED = "submitted", _("提交审批")
    RETURNED = "returned", _("退回修改")
    REVIEWED = "reviewed", _("管理者代表审核")
    APPROVED = "approved", _("批准")
    FILED = "filed", _("报品质部备案")
    ISSUED = "issued", _("发放问卷")
    CLOSED = "closed", _("结束调查")
    ACTION_OPENED = "action_opened", _("开立纠正措施")
    ACTION_DONE = "action_done", _("整改完成")
    ACTION_VERIFIED = "action_verified", _("验证有效")
    ACTION_REJECTED = "action_rejected", _("验证未通过")
    REPORT_REVIEWED = "report_reviewed", _("分析报告审核")
    REPORT_DISTRIBUTED = "report_distributed", _("分析报告分发")
    REPORT_RECEIVED = "report_received", _("确认收到报告")


class RecipientReason(models.TextChoices):
    """Why someone receives the analysis report (seed 001 篇4 §4.1(5)④)."""

    GENERAL_MANAGER = "general_manager", _("总经理")
    DEPUTY_GENERAL_MANAGER = "deputy_general_manager", _("副总经理")
    MANAGEMENT_REPRESENTATIVE = "management_representative", _("管理者代表")
    MANAGER_IN_CHARGE = "manager_in_charge", _("主管经理")
    DEPARTMENT = "department", _("相关部门")
