"""The outbox of messages to send, every delivery attempt, and each user's in-app list (§10).

An :class:`OutboxMessage` is written in the same transaction as the business change it tells
about, so a message exists exactly when the change does; a background task sends it later and
records every try as a :class:`DeliveryAttempt`. Rows are never deleted by delivery: a message
that could not be sent stays, ``failed``, for an administrator to retry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.residents.models import Resident, mask_phone
from propdesk.tickets.models import Ticket

from .choices import Channel, Event, State


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
        if self.channel in (Channel.SMS, Channel.WECHAT):
            return mask_phone(self.address)
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
