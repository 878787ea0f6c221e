"""What the gateways share: the endpoint and timeout from settings, a message's template and
parameters, and turning a provider's error code into retry-later or dead-letter."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings

from ..providers import PermanentError, RetryLater

if TYPE_CHECKING:
    from ..models import OutboxMessage, ProviderConfig

#: Where each gateway's API is; settings override them (a test server, a private endpoint).
DEFAULT_ENDPOINTS = {
    "NOTIFY_ALIYUN_SMS_ENDPOINT": "https://dysmsapi.aliyuncs.com",
    "NOTIFY_TENCENT_SMS_ENDPOINT": "https://sms.tencentcloudapi.com",
    "NOTIFY_WECOM_WEBHOOK_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
    "NOTIFY_WECHAT_API_URL": "https://api.weixin.qq.com",
}
#: A template variable is cut to this many characters (Alibaba's limit for most kinds).
PARAM_MAX = 35
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def endpoint(name: str) -> str:
    return str(getattr(settings, name, "") or DEFAULT_ENDPOINTS[name]).rstrip("/")


def scheme_and_host(name: str) -> tuple[str, str]:
    """``("https", "dysmsapi.aliyuncs.com")`` of an endpoint setting (a bare host is https)."""
    value = endpoint(name)
    parts = urlsplit(value if "://" in value else f"https://{value}")
    return parts.scheme, parts.netloc


def timeout() -> float:
    """Seconds one call to a provider may take: well inside the outbox's sending lease, so a
    live worker never loses a message it is still sending to another worker."""
    return float(getattr(settings, "NOTIFY_PROVIDER_TIMEOUT", 10))


def _text(value: Any) -> str:
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
        return moment.strftime("%m-%d %H:%M")
    return "" if value is None else str(value)


def template_for(config: ProviderConfig, message: OutboxMessage) -> tuple[str, dict[str, Any]]:
    """The approved template of the message's event and its entry; PermanentError when the
    company configured none (an administrator adds it, then retries the message)."""
    entry = (config.templates or {}).get(message.event)
    if not entry or not entry.get("template"):
        raise PermanentError(
            f"no template configured for {message.event} in {config.get_kind_display()}"
        )
    return str(entry["template"]), entry


def template_params(entry: dict[str, Any], message: OutboxMessage) -> list[tuple[str, str]]:
    """The template's variables in order, each with its value from the message: the values the
    message was rendered with (``number``, ``reply_by``, ``company`` …), its ``url`` and
    ``subject``."""
    values = {**(message.context or {}), "url": message.url, "subject": message.subject}
    pairs = []
    for param in entry.get("params", []):
        name, key = (param, param) if isinstance(param, str) else (str(param[0]), str(param[1]))
        pairs.append((name, _text(values.get(key, ""))[:PARAM_MAX]))
    return pairs


def classify(
    code: str,
    text: str,
    *,
    retry: Iterable[str],
    dead: Iterable[str],
    whole_provider: Iterable[str] = (),
) -> Exception:
    """The exception for a provider's error ``code`` (matched as a prefix): RetryLater for
    ``retry``, PermanentError for ``dead``, otherwise a plain error that is retried with
    backoff. The text shown on the outbox row is the provider's own: ``code: text``."""
    shown = f"{code}: {text}" if text else code
    if any(code.startswith(prefix) for prefix in retry):
        return RetryLater(shown, whole_provider=any(code.startswith(p) for p in whole_provider))
    if any(code.startswith(prefix) for prefix in dead):
        return PermanentError(shown)
    return ProviderError(shown)


class ProviderError(Exception):
    """An error the provider answered that we do not know: retried with backoff."""


def china_mobile_e164(phone: str) -> str:
    """+8613812345678 from a phone on file (Tencent wants E.164)."""
    digits = phone.strip().replace(" ", "").replace("-", "")
    if digits.startswith("+"):
        return digits
    if digits.startswith("86") and len(digits) == 13:
        return f"+{digits}"
    return f"+86{digits}"
