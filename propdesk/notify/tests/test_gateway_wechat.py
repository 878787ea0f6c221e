"""WeChat Official Account messages to a resident's bound openid: the stable access token is
fetched once and cached, an expired one fetched again, the outbox id is the template message's
client_msg_id; quotas wait, an unfollowed resident or a wrong template is dead."""

import pytest
from django.core.cache import cache

from propdesk.notify import services
from propdesk.notify.choices import Channel, Event, State
from propdesk.notify.models import OutboxMessage

from .gateways import gateway
from .helpers import ticket_with_empty_outbox

OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


@pytest.fixture
def bound(world, now):
    cache.clear()
    world.resident.preferred_contact = "wechat"
    world.resident.save()
    services.bind_wechat(world.resident, OPENID, now=now)
    yield
    cache.clear()


def _token(server, token: str = "ACCESS_TOKEN_1"):  # noqa: S107 (a test token)
    server.expect_oneshot_request("/cgi-bin/stable_token", method="POST").respond_with_json(
        {"access_token": token, "expires_in": 7200}
    )


def test_template_messages_use_one_cached_token_and_carry_the_outbox_id(
    world, now, local_endpoints, bound
):
    gateway(world, "wechat_mp")
    ticket = ticket_with_empty_outbox(world, now)
    for key in ("r1", "r2"):
        services.queue(
            Event.TICKET_REGISTERED_RECEIPT, [world.resident], key=key, ticket=ticket, now=now
        )
    first, second = OutboxMessage.objects.order_by("pk")
    assert first.channel == Channel.WECHAT
    _token(local_endpoints)
    send = "/cgi-bin/message/template/send"
    for msgid in (200228332, 200228333):
        local_endpoints.expect_oneshot_request(
            send, query_string={"access_token": "ACCESS_TOKEN_1"}
        ).respond_with_json({"errcode": 0, "errmsg": "ok", "msgid": msgid})

    assert services.deliver_due(now=now).sent == 2

    token_call = local_endpoints.log[0][0].get_json()
    assert token_call == {
        "grant_type": "client_credential", "appid": "wx8888888888888888",
        "secret": "wechat-app-secret", "force_refresh": False,
    }  # fmt: skip
    body = local_endpoints.log[1][0].get_json()
    assert body["touser"] == OPENID
    assert body["template_id"] == "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"
    assert body["data"]["keyword1"] == {"value": ticket.number}
    assert body["client_msg_id"] == f"outbox-{first.pk}"
    assert len(local_endpoints.log) == 3  # one token for both
    second.refresh_from_db()
    assert (second.state, second.provider_ref) == (State.SENT, "200228333")


def test_an_expired_token_is_fetched_again_and_the_message_sent(world, now, local_endpoints, bound):
    gateway(world, "wechat_mp")
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(
        Event.TICKET_REGISTERED_RECEIPT, [world.resident], key="r", ticket=ticket, now=now
    )
    _token(local_endpoints, "OLD")
    local_endpoints.expect_oneshot_request(
        "/cgi-bin/message/template/send", query_string={"access_token": "OLD"}
    ).respond_with_json({"errcode": 42001, "errmsg": "access_token expired"})
    _token(local_endpoints, "NEW")
    local_endpoints.expect_oneshot_request(
        "/cgi-bin/message/template/send", query_string={"access_token": "NEW"}
    ).respond_with_json({"errcode": 0, "errmsg": "ok", "msgid": 1})

    assert services.deliver_due(now=now).sent == 1


@pytest.mark.parametrize(
    ("code", "errmsg", "state"),
    [
        (43004, "require subscribe", State.FAILED),
        (40037, "invalid template_id", State.FAILED),
        (40125, "invalid appsecret", State.FAILED),
        (45009, "reach max api daily quota limit", State.PENDING),
    ],
)
def test_each_wechat_error_is_retried_or_dead_lettered_by_kind(
    world, now, local_endpoints, bound, code, errmsg, state
):
    gateway(world, "wechat_mp")
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(
        Event.TICKET_REGISTERED_RECEIPT, [world.resident], key="r", ticket=ticket, now=now
    )
    if code == 40125:
        local_endpoints.expect_oneshot_request("/cgi-bin/stable_token").respond_with_json(
            {"errcode": code, "errmsg": errmsg}
        )
    else:
        _token(local_endpoints)
        local_endpoints.expect_oneshot_request("/cgi-bin/message/template/send").respond_with_json(
            {"errcode": code, "errmsg": errmsg}
        )

    services.deliver_due(now=now)

    message = OutboxMessage.objects.get()
    assert (message.state, message.last_error) == (state, f"{code}: {errmsg}")
