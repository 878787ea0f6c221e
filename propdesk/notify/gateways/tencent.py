"""Tencent Cloud SMS (腾讯云短信, ``SendSms`` of sms 2021-01-11) through the official SDK
``tencentcloud-sdk-python-sms``: it signs each call (TC3-HMAC-SHA256) as Tencent checks it.

Tencent has no idempotency key for SMS; the outbox id goes as ``SessionContext``, which Tencent
hands back in the answer and in its delivery receipts, so a message is traced to its outbox row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..providers import Provider
from . import common

if TYPE_CHECKING:
    from ..models import OutboxMessage, ProviderConfig

#: "Not now": frequency limits per number (30 s, hour, day) and per account, an empty SMS
#: package, Tencent's internal errors.
RETRY = (
    "LimitExceeded.",
    "RequestLimitExceeded",
    "FailedOperation.InsufficientBalanceInSmsPackage",
    "InternalError",
    "ResourceUnavailable",
)
ACCOUNT_LIMITS = (
    "RequestLimitExceeded",
    "FailedOperation.InsufficientBalanceInSmsPackage",
    "InternalError",
    "LimitExceeded.AppDailyLimit",
    "LimitExceeded.DailyLimit",
)
#: Never with another try: credentials and signature of the call, the SMS signature and
#: template, the number, the parameters, a blacklisted number or sensitive words.
DEAD = (
    "AuthFailure",
    "UnauthorizedOperation",
    "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
    "FailedOperation.PhoneNumberInBlacklist",
    "FailedOperation.ContainSensitiveWord",
    "FailedOperation.MissingSignature",
    "FailedOperation.MissingTemplate",
    "InvalidParameter",
    "MissingParameter",
    "UnsupportedOperation",
)


class TencentSmsProvider(Provider):
    name = "tencent_sms"

    def __init__(self, channel: str, config: ProviderConfig | None = None) -> None:
        super().__init__(channel, config)
        if config is None:
            raise ValueError("Tencent Cloud SMS needs a company's provider settings")
        from tencentcloud.common.credential import Credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        scheme, host = common.scheme_and_host("NOTIFY_TENCENT_SMS_ENDPOINT")
        http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=int(common.timeout()))
        self._client = SmsClient(
            Credential(config.key_id, config.secret),
            config.region or "ap-guangzhou",
            ClientProfile(httpProfile=http),
        )

    def send(self, message: OutboxMessage) -> str:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111.models import SendSmsRequest

        assert self.config is not None
        template, entry = common.template_for(self.config, message)
        request = SendSmsRequest()
        request.PhoneNumberSet = [common.china_mobile_e164(message.address)]
        request.SmsSdkAppId = self.config.app_id
        request.SignName = self.config.sign_name
        request.TemplateId = template
        request.TemplateParamSet = [value for _, value in common.template_params(entry, message)]
        request.SessionContext = str(message.pk)
        try:
            response = self._client.SendSms(request)
        except TencentCloudSDKException as exc:  # the whole call refused (Response.Error)
            raise common.classify(
                str(exc.code or "ClientError"),
                str(exc.message or ""),
                retry=RETRY,
                dead=DEAD,
                whole_provider=ACCOUNT_LIMITS,
            ) from exc
        statuses = response.SendStatusSet or []
        if not statuses:
            raise common.ProviderError("no SendStatus in Tencent's answer")
        status = statuses[0]
        if status.Code == "Ok":
            return str(status.SerialNo or "")
        raise common.classify(
            str(status.Code),
            str(status.Message or ""),
            retry=RETRY,
            dead=DEAD,
            whole_provider=ACCOUNT_LIMITS,
        )
