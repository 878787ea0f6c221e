"""Tencent Cloud SMS through its real SDK against a local server answering as
sms.tencentcloudapi.com (2021-01-11): the signed request with its template, parameters, E.164
phone and the outbox id as SessionContext; each answer sent, retried or dead-lettered."""

import json
from datetime import timedelta

import pytest

from propdesk.notify import services
from propdesk.notify.choices import Event, State
from propdesk.notify.models import OutboxMessage

from .gateways import gateway
from .helpers import ticket_with_empty_outbox


def _status(code: str, message: str) -> dict:
    return {
        "Response": {
            "SendStatusSet": [
                {"SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": "+8613812345678",
                 "Fee": 1, "SessionContext": "", "Code": code, "Message": message,
                 "IsoCode": "CN"}
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }  # fmt: skip


def _error(code: str, message: str) -> dict:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "b1"}}


def _receipt(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(
        Event.TICKET_REGISTERED_RECEIPT, [ticket.resident], key="r", ticket=ticket,
        context={"reply_by": now + timedelta(hours=2)}, now=now,
    )  # fmt: skip
    return ticket, OutboxMessage.objects.get()


def test_a_receipt_goes_out_signed_with_its_template_and_session_context(
    world, now, local_endpoints
):
    gateway(world, "tencent_sms")
    ticket, message = _receipt(world, now)
    local_endpoints.expect_oneshot_request("/", method="POST").respond_with_json(
        _status("Ok", "send success")
    )

    assert services.deliver_due(now=now).sent == 1

    [(request, _)] = local_endpoints.log
    body = json.loads(request.get_data())
    assert body == {
        "PhoneNumberSet": ["+8613812345678"],
        "SmsSdkAppId": "1400787878",
        "SignName": "华宇物业",
        "TemplateId": "449739",
        "TemplateParamSet": [ticket.number, "09-09 12:00"],
        "SessionContext": str(message.pk),
    }
    assert request.headers["X-TC-Action"] == "SendSms"
    assert request.headers["X-TC-Version"] == "2021-01-11"
    assert request.headers["X-TC-Region"] == "ap-guangzhou"
    assert request.headers["Authorization"].startswith(
        "TC3-HMAC-SHA256 Credential=AKIDtencentSecretId/"
    )
    assert "Signature=" in request.headers["Authorization"]
    message.refresh_from_db()
    assert (message.state, message.provider_ref) == (
        State.SENT,
        "5000:1045710669157053657849499619",
    )


@pytest.mark.parametrize(
    ("answer", "state", "shown"),
    [
        (_status("LimitExceeded.PhoneNumberThirtySecondLimit", "30秒内发送短信超过限制"),
         State.PENDING, "LimitExceeded.PhoneNumberThirtySecondLimit: 30秒内发送短信超过限制"),
        (_error("RequestLimitExceeded", "请求的次数超过了频率限制。"),
         State.PENDING, "RequestLimitExceeded: 请求的次数超过了频率限制。"),
        (_status("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配"),
         State.FAILED, "FailedOperation.TemplateIncorrectOrUnapproved: 模板未审批或内容不匹配"),
        (_status("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误"),
         State.FAILED, "FailedOperation.SignatureIncorrectOrUnapproved: 签名未审批或格式错误"),
        (_status("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"),
         State.FAILED, "InvalidParameterValue.IncorrectPhoneNumber: 手机号格式错误"),
        (_error("AuthFailure.SecretIdNotFound", "The SecretId is not found"),
         State.FAILED, "AuthFailure.SecretIdNotFound: The SecretId is not found"),
    ],
)  # fmt: skip
def test_each_error_is_retried_or_dead_lettered_by_kind(
    world, now, local_endpoints, answer, state, shown
):
    gateway(world, "tencent_sms")
    _, message = _receipt(world, now)
    local_endpoints.expect_oneshot_request("/").respond_with_json(answer)

    services.deliver_due(now=now)

    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (state, 1, shown)
