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
