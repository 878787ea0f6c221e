from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles of SPEC §1."""

    AGENT = "agent", _("客服专员")
    SUPERVISOR = "supervisor", _("客服主管")
    HANDLER = "handler", _("部门处理人")
    PROJECT_MANAGER = "project_manager", _("项目经理")
    REGION = "region", _("地区公司")
    HQ = "hq", _("总部客服")
    QUALITY = "quality", _("品质")
    ADMIN = "admin", _("系统管理员")


class ScopeLevel(models.TextChoices):
    PROJECTS = "projects", _("指定项目")
    REGION = "region", _("地区公司")
    COMPANY = "company", _("全集团")


class DepartmentKind(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("客服")
    ENGINEERING = "engineering", _("工程")
    SECURITY = "security", _("保安")
    ENVIRONMENT = "environment", _("环境")
    ADMIN_HR = "admin_hr", _("行政人事")
    QUALITY = "quality", _("品质")
    LEGAL = "legal", _("法务")
    DEVELOPER = "developer", _("地产开发")
    FINANCE = "finance", _("财务")
    OTHER = "other", _("其他")


class OfficerTitle(models.TextChoices):
    """Named people of a company who sign for it (seed 001 篇4): designations of a person, not
    roles. The management representative and the general manager are one person each."""

    MANAGEMENT_REPRESENTATIVE = "management_representative", _("管理者代表")
    GENERAL_MANAGER = "general_manager", _("总经理")
    DEPUTY_GENERAL_MANAGER = "deputy_general_manager", _("副总经理")


#: The titles only one person of a company holds at a time.
SINGLE_OFFICERS = frozenset({OfficerTitle.MANAGEMENT_REPRESENTATIVE, OfficerTitle.GENERAL_MANAGER})
