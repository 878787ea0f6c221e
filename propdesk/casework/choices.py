from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    SENT_BACK = "sent_back", _("退回修改")
    REJECTED = "rejected", _("不予批准")
    #: A newer version replaced it before anyone decided.
    SUPERSEDED = "superseded", _("已被新版本替代")


class ApprovalStep(models.TextChoices):
    """Who must approve, in the chain's order (SPEC §4 escalation chain)."""

    PROJECT_MANAGER = "project_manager", _("项目经理审批")
    REGION = "region", _("地区公司审批")
    HQ = "hq", _("总部客服审核")


class Decision(models.TextChoices):
    APPROVED = "approved", _("批准")
    SENT_BACK = "sent_back", _("退回修改")
    REJECTED = "rejected", _("不予批准")
