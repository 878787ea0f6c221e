"""Who carries a message: one provider per channel, chosen by ``settings.NOTIFY_PROVIDERS``.

A provider's :meth:`Provider.send` returns a reference (or ``""``) when the provider has
accepted the message and raises when it has not: :class:`PermanentError` means trying again
cannot help (a bad signature, an unknown template or phone, wrong credentials: the message is
dead-lettered with the provider's own words), :class:`RetryLater` that the provider asked us to
slow down (rate limits), anything else is retried with backoff.

Which provider carries a message: the gateway its company configured in the admin
(:class:`~propdesk.notify.models.ProviderConfig`, see ``gateways/``), else the class named in
``settings.NOTIFY_PROVIDERS`` for the channel (the logging provider in development).

Delivery is at-least-once: a worker that stops between the provider's "accepted" and the
outbox's "sent" sends the message again. Each provider makes that repeat harmless where it can:
the in-app list keeps one entry per outbox message, an email carries the same Message-ID each
time, and SMS / WeChat gateways get the outbox id as their out-id (Alibaba ``OutId``,
Tencent ``SessionContext``, WeChat ``client_msg_id``).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.utils.module_loading import import_string

from propdesk.residents.models import mask_phone

from .choices import Channel

if TYPE_CHECKING:
    from .models import OutboxMessage, ProviderConfig

logger = logging.getLogger("propdesk.notify")

DEFAULT_PROVIDERS = {
    Channel.IN_APP: "propdesk.notify.providers.InAppProvider",
    Channel.EMAIL: "propdesk.notify.providers.EmailProvider",
    Channel.SMS: "propdesk.notify.providers.LoggingProvider",
    Channel.WECHAT: "propdesk.notify.providers.LoggingProvider",
    Channel.WECOM: "propdesk.notify.providers.LoggingProvider",
}

#: The gateway class of each kind a company can configure (models.ProviderConfig.kind).
GATEWAYS = {
    "aliyun_sms": "propdesk.notify.gateways.aliyun.AliyunSmsProvider",
    "tencent_sms": "propdesk.notify.gateways.tencent.TencentSmsProvider",
    "wecom_robot": "propdesk.notify.gateways.wecom.WeComRobotProvider",
    "wechat_mp": "propdesk.notify.gateways.wechat.WeChatProvider",
}


class PermanentError(Exception):
    """The provider refused the message for good; retrying would not change the answer."""


class RetryLater(Exception):
    """The provider asked us to slow down or is briefly unable (a rate limit, throttling, a busy
    system): the message waits and is tried again. ``retry_after`` is the provider's own wait
    when it gave one; ``whole_provider`` says the limit is on the account, not this recipient,
    so the rest of the run leaves the channel alone."""

    def __init__(
        self, message: str, *, retry_after: timedelta | None = None, whole_provider: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.whole_provider = whole_provider


class Provider:
    """Sends messages of one channel. Used as a context manager around a batch, so a provider
    can keep one connection open for many messages. ``config`` is the company's gateway
    settings (None for the providers named in settings)."""

    name = "provider"

    def __init__(self, channel: str, config: ProviderConfig | None = None) -> None:
        self.channel = channel
        self.config = config

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Release what the batch held (a connection); called even after errors."""

    def send(self, message: OutboxMessage) -> str:
        raise NotImplementedError


class InAppProvider(Provider):
    """Adds the message to the user's in-app list (at most once per outbox message)."""

    name = "in_app"

    def send(self, message: OutboxMessage) -> str:
        from .models import Notification

        notification, _ = Notification.objects.get_or_create(
            outbox=message,
            defaults={
                "user_id": message.user_id,
                "event": message.event,
                "ticket_id": message.ticket_id,
                "title": message.subject,
                "body": message.body,
                "url": message.url,
                "created_at": message.claimed_at or message.created_at,
            },
        )
        return f"notification:{notification.pk}"


def message_id(message: OutboxMessage) -> str:
    """The same Message-ID on every try, so a mail sent twice is recognisably one message."""
    domain = getattr(settings, "NOTIFY_MESSAGE_ID_DOMAIN", "") or str(DNS_NAME)
    return f"<outbox.{message.pk}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


class EmailProvider(Provider):
    """Email through Django's mail backend (``EMAIL_BACKEND``, ``EMAIL_HOST``, …), one
    connection per batch, reopened after a failure."""

    name = "email"

    def __init__(self, channel: str, config: ProviderConfig | None = None) -> None:
        super().__init__(channel, config)
        self._connection = None

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # a dead connection cannot be closed politely
                logger.debug("closing the mail connection failed", exc_info=True)
            self._connection = None

    def send(self, message: OutboxMessage) -> str:
        ref = message_id(message)
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={"Message-ID": ref},
        )
        try:
            if self._connection is None:
                # Opened here and kept for the batch; sending alone would reconnect each time.
                self._connection = get_connection(fail_silently=False)
                self._connection.open()
            email.connection = self._connection
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentError(f"recipient refused: {exc.recipients}") from exc
            raise
        except Exception:
            self.close()  # the next message opens a fresh connection
            raise
        return ref


class LoggingProvider(Provider):
    """For SMS and WeChat until a gateway is configured: writes the message to the log.

    The real gateways are in ``gateways/``, configured per company in the admin.
    """

    name = "logging"

    def send(self, message: OutboxMessage) -> str:
        to = message.address
        if self.channel == Channel.SMS:
            to = mask_phone(to)
        elif self.channel == Channel.WECHAT:
            to = message.masked_address
        logger.info(
            "%s to %s [%s]: %s | %s",
            self.channel,
            to,
            message.dedupe_key,
            message.subject,
            message.body,
        )
        return f"log:{message.pk}"


def provider_for(channel: str, config: ProviderConfig | None = None) -> Provider:
    """A new provider for ``channel``: the gateway of ``config`` when a company configured one,
    else the class named in ``settings.NOTIFY_PROVIDERS``."""
    if config is not None:
        return import_string(GATEWAYS[config.kind])(channel, config)
    configured = getattr(settings, "NOTIFY_PROVIDERS", None) or {}
    path = configured.get(channel) or DEFAULT_PROVIDERS[Channel(channel)]
    cls = import_string(path)
    return cls(channel)
