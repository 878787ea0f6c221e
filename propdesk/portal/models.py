"""The resident portal's own rows (SPEC §12): each project's portal settings, the one-time
sign-in codes, WeChat bindings and the requests sent from the portal with their private links.

Codes live in the database, hashed, with their counts — not in a cache — so that every web
process (and a laptop's SQLite) sees the same tries and the same limits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.models import Project
from propdesk.tickets.models import Ticket


class PortalSettings(models.Model):
    """What a project's portal allows; a project without a row has the defaults."""

    project = models.OneToOneField(
        Project, models.CASCADE, related_name="portal_settings", verbose_name=_("项目")
    )
    allow_anonymous = models.BooleanField(
        _("允许匿名提交"),
        default=False,
        help_text=_("匿名提交的诉求只有编号和私密链接,无法回访"),
    )
    intro = models.CharField(_("首页说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("住户自助设置")
        verbose_name_plural = pgettext_lazy("plural", "住户自助设置")

    def __str__(self) -> str:
        return str(self.project)


class LoginCode(models.Model):
    """One SMS code sent to one phone for one project's portal."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="+")
    phone = models.CharField(_("手机"), max_length=20)
    code_hash = models.CharField(max_length=64)
    address = models.GenericIPAddressField(_("请求地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("已试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = pgettext_lazy("plural", "登录验证码")
        indexes = [
            models.Index(fields=["phone", "-created_at"], name="portal_code_phone"),
            models.Index(fields=["address", "-created_at"], name="portal_code_address"),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class WeChatBinding(models.Model):
    """A WeChat user (openid of one Official Account) bound, once, to a phone proven by SMS."""

    app_id = models.CharField(max_length=40)
    openid = models.CharField(max_length=64)
    project = models.ForeignKey(Project, models.CASCADE, related_name="+")
    phone = models.CharField(_("手机"), max_length=20)
    bound_at = models.DateTimeField(_("绑定时间"))

    class Meta:
        verbose_name = _("微信绑定")
        verbose_name_plural = pgettext_lazy("plural", "微信绑定")
        constraints = [
            models.UniqueConstraint(
                fields=["app_id", "openid", "project"], name="portal_wechat_binding_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.openid} → {self.phone}"


class Submission(models.Model):
    """A request sent from the portal: who sent it (a proven phone, or nobody) and the private
    link (an unguessable token) that follows it without signing in."""

    ticket = models.OneToOneField(Ticket, models.PROTECT, related_name="portal_submission")
    token = models.CharField(max_length=64, unique=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    preferred_time = models.CharField(_("方便时间"), max_length=100, blank=True)
    may_call = models.BooleanField(_("可以来电"), default=True)
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("自助提交")
        verbose_name_plural = pgettext_lazy("plural", "自助提交")

    def __str__(self) -> str:
        return str(self.ticket_id)
