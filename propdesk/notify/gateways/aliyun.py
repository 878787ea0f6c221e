"""Alibaba Cloud SMS (阿里云短信服务, ``SendSms`` of dysmsapi 2017-05-25) through the official
SDK ``alibabacloud-dysmsapi20170525``: it signs each call (ACS3-HMAC-SHA256) as Alibaba checks
it, which is the part not worth writing ourselves.

The outbox id goes as ``OutId``, which Alibaba returns in its delivery receipts. The SDK's own
retries are off: the outbox retries, and records each try.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from ..providers import PermanentError, Provider, RetryLater
from . import common

if TYPE_CHECKING:
    from ..models import OutboxMessage, ProviderConfig

#: Codes that mean "not now": rate limits (per number, per day, per account) and Alibaba's own
#: trouble (``isp.`` is the platform's side).
RETRY = (
    "Throttling",
    "isv.BUSINESS_LIMIT_CONTROL",
    "isv.DAY_LIMIT_CONTROL",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.AMOUNT_NOT_ENOUGH",
    "isp.",
    "SignatureNonceUsed",
    "ServiceUnavailable",
)
#: Limits on the account rather than on one number: the run leaves SMS alone.
ACCOUNT_LIMITS = ("Throttling", "isv.AMOUNT_NOT_ENOUGH", "isp.", "ServiceUnavailable")
#: Codes no retry can change: the signature, the template or its parameters, the number, the
#: credentials; every other ``isv.`` code is the caller's mistake too.
DEAD = (
    "isv.",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidParameter",
    "MissingParameter",
    "Forbidden",
)


class AliyunSmsProvider(Provider):
    name = "aliyun_sms"

    def __init__(self, channel: str, config: ProviderConfig | None = None) -> None:
        super().__init__(channel, config)
        if config is None:
            raise ValueError("Alibaba Cloud SMS needs a company's provider settings")
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        scheme, host = common.scheme_and_host("NOTIFY_ALIYUN_SMS_ENDPOINT")
        millis = int(common.timeout() * 1000)
        self._client = Client(
            Config(
                access_key_id=config.key_id,
                access_key_secret=config.secret,
                region_id=config.region or "cn-hangzhou",
                endpoint=host,
                protocol=scheme,
                connect_timeout=millis,
                read_timeout=millis,
            )
        )

    def send(self, message: OutboxMessage) -> str:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from alibabacloud_tea_openapi.exceptions import (
            AlibabaCloudException,
            ThrottlingException,
        )
        from darabonba.runtime import RuntimeOptions

        assert self.config is not None
        code, entry = common.template_for(self.config, message)
        params = dict(common.template_params(entry, message))
        request = SendSmsRequest(
            phone_numbers=message.address,
            sign_name=self.config.sign_name,
            template_code=code,
            template_param=json.dumps(params, ensure_ascii=False) if params else None,
            out_id=str(message.pk),
        )
        try:
            response = self._client.send_sms_with_options(request, RuntimeOptions(autoretry=False))
        except ThrottlingException as exc:
            # Alibaba gives its wait in milliseconds (the x-acs-retry-after header).
            wait = timedelta(milliseconds=int(exc.retry_after)) if exc.retry_after else None
            raise RetryLater(
                f"{exc.code}: {_words(exc)}", retry_after=wait, whole_provider=True
            ) from exc
        except AlibabaCloudException as exc:  # an HTTP error with Alibaba's code in the body
            raise common.classify(
                str(exc.code), _words(exc), retry=RETRY, dead=DEAD, whole_provider=ACCOUNT_LIMITS
            ) from exc
        body = response.body
        if body is not None and body.code == "OK":
            return str(body.biz_id or "")
        answer_code = str(getattr(body, "code", "") or "no answer")
        raise common.classify(
            answer_code,
            str(getattr(body, "message", "") or ""),
            retry=RETRY,
            dead=DEAD,
            whole_provider=ACCOUNT_LIMITS,
        )


def _words(exc: Exception) -> str:
    """Alibaba's message without the SDK's "code: 400, … request id: …" wrapping."""
    data = getattr(exc, "data", None)
    if isinstance(data, dict) and (data.get("Message") or data.get("message")):
        return str(data.get("Message") or data.get("message"))
    return str(getattr(exc, "message", "") or exc)


__all__ = ["AliyunSmsProvider", "PermanentError", "RetryLater"]
