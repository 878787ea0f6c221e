"""The audit log of SPEC §11: logins, permission changes, data exports and phone reveals, and
changes to the rules the clocks and grades follow. Rows are never changed or deleted (the
database refuses it: core/append_only.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    EXPORT = "export", _("数据导出")
    #: A company file applied on the import page or by ``propdesk import company``.
    IMPORT = "import", _("数据导入")
    PHONE_REVEAL = "phone_reveal", _("查看完整电话")
    TOKEN_CREATED = "token_created", _("创建 API 令牌")
    BACKUP = "backup", _("备份")
    RESTORE = "restore", _("从备份恢复")
    #: A rule the clocks, grades or escalations follow: time limits, grade rules, escalation
    #: policies, calendars and working hours (before and after in the detail).
    CONFIG_CHANGE = "config_change", _("规则配置变更")


class AuditLog(models.Model):
    at = models.DateTimeField(_("时间"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, verbose_name=_("用户")
    )
    action = models.CharField(_("操作"), max_length=30, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = pgettext_lazy("plural", "审计日志")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"
