"""Alibaba Cloud SMS through its real SDK against a local server that answers as dysmsapi
does: the request carries the signature, sign name, template, parameters, phone and the outbox
id as OutId; each answer is sent, retried later or dead-lettered with Alibaba's words."""

import json
from datetime import timedelta

import pytest
from werkzeug import Response

from propdesk.notify import services
from propdesk.notify.choices import Event, State
from propdesk.notify.models import OutboxMessage

from .gateways import gateway
from .helpers import ticket_with_empty_outbox


def _answer(code: str, message: str, status: int = 200) -> Response:
    body = {"Code": code, "Message": message, "RequestId": "F655A8D5-B967-440B-8683"}
    if code == "OK":
        body["BizId"] = "900619746936498440^0"
    return Response(json.dumps(body), status=status, content_type="application/json")


def _receipt(world, now):
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(
        Event.TICKET_REGISTERED_RECEIPT, [ticket.resident], key="r", ticket=ticket,
        context={"reply_by": now + timedelta(hours=2)}, now=now,
    )  # fmt: skip
    return ticket, OutboxMessage.objects.get()


def test_a_receipt_goes_out_signed_with_its_template_parameters_and_out_id(
    world, now, local_endpoints
):
    gateway(world, "aliyun_sms")
    ticket, message = _receipt(world, now)
    local_endpoints.expect_oneshot_request("/", method="POST").respond_with_response(
        _answer("OK", "OK")
    )

    assert services.deliver_due(now=now).sent == 1

    [(request, _)] = local_endpoints.log
    assert request.args["PhoneNumbers"] == "13812345678"
    assert request.args["SignName"] == "华宇物业"
    assert request.args["TemplateCode"] == "SMS_4614001"
    assert json.loads(request.args["TemplateParam"]) == {
        "number": ticket.number,
        "time": "09-09 12:00",
    }
    assert request.args["OutId"] == str(message.pk)
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert request.headers["Authorization"].startswith(
        "ACS3-HMAC-SHA256 Credential=LTAI5tAccessKeyId,SignedHeaders="
    )
    assert "Signature=" in request.headers["Authorization"]
    assert "aliyun-secret" not in str(request.headers)
    message.refresh_from_db()
    assert (message.state, message.provider_ref) == (State.SENT, "900619746936498440^0")
    assert message.delivery_attempts.get().provider == "aliyun_sms"


def test_a_rate_limited_sms_waits_and_goes_out_on_a_later_run(world, now, local_endpoints):
    gateway(world, "aliyun_sms")
    _, message = _receipt(world, now)
    local_endpoints.expect_oneshot_request("/").respond_with_response(
        _answer("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
    )
    local_endpoints.expect_oneshot_request("/").respond_with_response(_answer("OK", "OK"))

    assert services.deliver_due(now=now).retrying == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.PENDING, 1)
    assert message.last_error == "isv.BUSINESS_LIMIT_CONTROL: 触发分钟级流控Permits:1"
    assert message.next_attempt_at == now + timedelta(minutes=1)

    assert services.deliver_due(now=now + timedelta(minutes=1)).sent == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (State.SENT, 2, "")
    assert len(local_endpoints.log) == 2


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)"),
        ("isv.SMS_SIGNATURE_ILLEGAL", "签名不合法(不存在或被拉黑)"),
        ("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
    ],
)
def test_a_bad_template_signature_or_phone_is_dead_lettered_with_alibabas_words(
    world, now, local_endpoints, code, words
):
    gateway(world, "aliyun_sms")
    _, message = _receipt(world, now)
    local_endpoints.expect_oneshot_request("/").respond_with_response(_answer(code, words))

    assert services.deliver_due(now=now).failed == 1
    assert services.deliver_due(now=now + timedelta(days=1)) == services.DeliveryResult()

    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.FAILED, 1)
    assert message.last_error == f"{code}: {words}"
    assert len(local_endpoints.log) == 1


def test_wrong_credentials_are_dead_lettered_and_an_http_throttle_retried(
    world, now, local_endpoints
):
    gateway(world, "aliyun_sms")
    _, message = _receipt(world, now)
    local_endpoints.expect_oneshot_request("/").respond_with_response(
        _answer("Throttling.User", "Request was denied due to user flow control.", status=400)
    )
    local_endpoints.expect_oneshot_request("/").respond_with_response(
        _answer("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    )

    assert services.deliver_due(now=now).retrying == 1
    message.refresh_from_db()
    assert message.state == State.PENDING
    assert message.last_error.startswith("Throttling.User: Request was denied")

    assert services.deliver_due(now=now + timedelta(minutes=1)).failed == 1
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.last_error == "InvalidAccessKeyId.NotFound: Specified access key is not found."


def test_an_event_without_a_template_is_dead_lettered_saying_so(world, now, local_endpoints):
    gateway(world, "aliyun_sms", templates={})
    _, message = _receipt(world, now)

    assert services.deliver_due(now=now).failed == 1

    message.refresh_from_db()
    assert "no template configured for ticket_registered_receipt" in message.last_error
    assert local_endpoints.log == []


def test_a_company_without_a_gateway_keeps_the_logging_provider(world, now, local_endpoints):
    _, message = _receipt(world, now)

    assert services.deliver_due(now=now).sent == 1

    assert message.delivery_attempts.get().provider == "logging"
    assert local_endpoints.log == []
