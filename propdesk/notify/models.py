"""The outbox of messages to send, every delivery attempt, and each user's in-app list (§10).

An :class:`OutboxMessage` is written in the same transaction as the business change it tells
about, so a message exists exactly when the change does; a background task sends it later and
records every try as a :class:`DeliveryAttempt`. Rows are never deleted by delivery: a message
that could not be sent stays, ``failed``, for an administrator to retry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.core.sealed import SealedCharField
from propdesk.org.models import Company, Project
from propdesk.residents.models import Resident, mask_phone
from propdesk.tickets.models import Ticket

from .choices import PROVIDER_CHANNEL, Channel, Event, ProviderKind, State


class OutboxMessage(models.Model):
    """One message to one recipient on one channel.

    Subject and body are rendered when the message is queued, in the recipient's language: the
    row is then the record of exactly what was said, as things stood at that moment, and later
    changes to the ticket or to a template do not rewrite a message already promised. The
    address (email, phone) is taken at the same moment for the same reason.
    """

    event = models.CharField(_("事件"), max_length=40, choices=Event.choices)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("员工"),
    )
    resident = models.ForeignKey(
        Resident,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("住户"),
    )
    address = models.CharField(_("地址"), max_length=254, blank=True)
    language = models.CharField(_("语言"), max_length=10)
    ticket = models.ForeignKey(
        Ticket,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("诉求"),
    )
    context = models.JSONField(_("模板数据"), default=dict, blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    url = models.CharField(_("链接"), max_length=300, blank=True)

    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    #: When a worker took the message to send it; also the token it finishes with.
    claimed_at = models.DateTimeField(_("取出时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    provider_ref = models.CharField(_("服务商编号"), max_length=200, blank=True)
    #: The business fact, recipient and channel: the same fact is never queued twice.
    dedupe_key = models.CharField(_("去重键"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("待发消息")
        verbose_name_plural = pgettext_lazy("plural", "待发消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_state_due"),
            models.Index(fields=["ticket", "event"], name="outbox_ticket_event"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(channel=Channel.IN_APP) & Q(user__isnull=False))
                | (~Q(channel=Channel.IN_APP) & ~Q(address="")),
                name="outbox_recipient_reachable",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient_label} ({self.channel})"

    @property
    def masked_address(self) -> str:
        """The address with a phone number masked, as in every list (SPEC §2)."""
        if self.channel == Channel.SMS:
            return mask_phone(self.address)
        if self.channel == Channel.WECHAT:  # an openid: enough to tell two apart
            return f"{self.address[:4]}…{self.address[-4:]}" if len(self.address) > 8 else "…"
        return self.address

    @property
    def recipient_label(self) -> str:
        """Who it is for: the member of staff or resident, else the (masked) address."""
        if self.user_id:
            return str(self.user)
        if self.resident_id:
            return str(self.resident)
        return self.masked_address


class DeliveryAttempt(models.Model):
    """One try to hand a message to its provider, successful or not."""

    message = models.ForeignKey(OutboxMessage, models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField(_("时间"))
    ok = models.BooleanField(_("成功"))
    provider = models.CharField(_("服务商"), max_length=100)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = pgettext_lazy("plural", "投递记录")
        ordering = ["message", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else 'error'}"


class Notification(models.Model):
    """An entry in a member of staff's in-app list; unread while ``read_at`` is empty."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    #: The message it was delivered from: unique, so a repeated delivery adds no second entry.
    outbox = models.OneToOneField(
        OutboxMessage, models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    event = models.CharField(_("事件"), max_length=40, choices=Event.choices)
    ticket = models.ForeignKey(
        Ticket, models.PROTECT, null=True, blank=True, verbose_name=_("诉求")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = pgettext_lazy("plural", "站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProviderConfig(models.Model):
    """One gateway of one company (SPEC §10), configured by an administrator without code.

    ``secret`` (AccessKey secret, SecretKey, AppSecret, the robot's webhook key) is write-only
    in the admin: it is never shown back once saved. ``templates`` maps an event to the
    gateway's approved template and the order and names of its parameters::

        {"ticket_registered_receipt": {"template": "SMS_4614001",
                                       "params": [["number", "number"], ["time", "reply_by"]]}}

    each pair being (the template's variable, the message's value: ``number``, ``reply_by``,
    ``company``, ``project``, ``kind``, ``url``…). A WeChat entry may add ``"api":
    "subscribe"`` to send a subscribe message instead of a template message.
    """

    company = models.ForeignKey(
        Company, models.CASCADE, related_name="notify_providers", verbose_name=_("公司")
    )
    #: Only for a WeCom group robot: the project whose staff group it posts to.
    project = models.ForeignKey(
        Project,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notify_providers",
        verbose_name=_("项目"),
    )
    kind = models.CharField(_("服务商"), max_length=20, choices=ProviderKind.choices)
    is_active = models.BooleanField(_("启用"), default=True)
    key_id = models.CharField(
        _("AccessKey ID / SecretId"),
        max_length=128,
        blank=True,
        help_text=_("阿里云 AccessKey ID 或腾讯云 SecretId"),
    )
    # Sealed in the database (core/sealed.py): a dump or a backup does not give it away.
    secret = SealedCharField(
        _("密钥"),
        blank=True,
        help_text=_("阿里云 AccessKey Secret、腾讯云 SecretKey、公众号 AppSecret 或群机器人 key"),
    )
    app_id = models.CharField(
        _("应用 ID"),
        max_length=64,
        blank=True,
        help_text=_("腾讯云短信 SmsSdkAppId 或公众号 AppID"),
    )
    sign_name = models.CharField(_("短信签名"), max_length=40, blank=True)
    region = models.CharField(
        _("地域"), max_length=40, blank=True, help_text=_("如 cn-hangzhou、ap-guangzhou")
    )
    templates = models.JSONField(_("消息模板"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息服务商")
        verbose_name_plural = pgettext_lazy("plural", "消息服务商")
        ordering = ["company", "kind", "project", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "project"], name="provider_config_unique"
            ),
            models.UniqueConstraint(
                fields=["company", "kind"],
                condition=Q(project__isnull=True),
                name="provider_config_unique_company_wide",
            ),
        ]

    def __str__(self) -> str:
        where = self.project.name if self.project_id else self.company.name
        return f"{self.get_kind_display()} · {where}"

    @property
    def channel(self) -> str:
        return PROVIDER_CHANNEL[ProviderKind(self.kind)]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        robot = self.kind == ProviderKind.WECOM_ROBOT
        if robot and not self.project_id:
            errors.setdefault("project", []).append(str(_("群机器人属于一个项目。")))
        if not robot and self.project_id:
            errors.setdefault("project", []).append(str(_("只有群机器人按项目设置。")))
        if self.project_id and self.company_id and self.project.company_id != self.company_id:
            # A company's robot must not post another company's requests.
            errors.setdefault("project", []).append(str(_("项目不属于该公司。")))
        needs = {
            ProviderKind.ALIYUN_SMS: ["key_id", "sign_name"],
            ProviderKind.TENCENT_SMS: ["key_id", "app_id", "sign_name"],
            ProviderKind.WECHAT_MP: ["app_id"],
        }.get(self.kind, [])
        for name in needs:
            if not getattr(self, name):
                errors.setdefault(name, []).append(str(_("此服务商需要填写此项。")))
        problem = template_problem(self.templates)
        if problem:
            errors.setdefault("templates", []).append(problem)
        if (
            self.is_active
            and self.kind in (ProviderKind.ALIYUN_SMS, ProviderKind.TENCENT_SMS)
            and ProviderConfig.objects.filter(
                company_id=self.company_id,
                kind__in=[ProviderKind.ALIYUN_SMS, ProviderKind.TENCENT_SMS],
                is_active=True,
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            errors.setdefault("is_active", []).append(str(_("每个公司只能启用一个短信服务商。")))
        if errors:
            raise ValidationError(errors)


def template_problem(templates: object) -> str:
    """What is wrong with a ``templates`` value, in words, or ``""``."""
    if not isinstance(templates, dict):
        return str(_("消息模板应为以事件为键的对象。"))
    for event, entry in templates.items():
        if event not in Event.values:
            return str(_("未知事件：%(event)s") % {"event": event})
        if not isinstance(entry, dict) or not isinstance(entry.get("template"), str):
            return str(_("事件 %(event)s 缺少 template。") % {"event": event})
        params = entry.get("params", [])
        if not isinstance(params, list) or not all(
            isinstance(p, str) or (isinstance(p, list) and len(p) == 2) for p in params
        ):
            return str(
                _("事件 %(event)s 的 params 应为 [模板变量, 消息字段] 的列表。") % {"event": event}
            )
    return ""


class WeChatFollower(models.Model):
    """A resident who bound their WeChat (the openid of the company's Official Account): WeChat
    messages go to this openid. Written by :func:`propdesk.notify.services.bind_wechat`, which
    the resident portal calls once the resident has proved their phone."""

    resident = models.OneToOneField(
        Resident, models.CASCADE, related_name="wechat_follower", verbose_name=_("住户")
    )
    openid = models.CharField(_("OpenID"), max_length=64)
    bound_at = models.DateTimeField(_("绑定时间"))

    class Meta:
        verbose_name = _("微信绑定")
        verbose_name_plural = pgettext_lazy("plural", "微信绑定")
        indexes = [models.Index(fields=["openid"], name="wechat_follower_openid")]

    def __str__(self) -> str:
        return f"{self.resident} · {self.openid[:4]}…"
