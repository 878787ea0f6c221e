"""A project's WeCom group robot hears of new urgent requests, breaches and escalations: the
webhook gets the robot's key and a text message; rate limits wait, a wrong key is dead."""

from datetime import timedelta

from propdesk.notify import services
from propdesk.notify.choices import Channel, Event, State
from propdesk.notify.models import OutboxMessage

from .gateways import gateway
from .helpers import ticket_with_empty_outbox

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def test_an_escalation_goes_to_the_projects_robot_and_a_rate_limit_waits(
    world, now, local_endpoints
):
    gateway(world, "wecom_robot")
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(
        Event.ESCALATED, [world.manager], key="e", ticket=ticket, context={"level": 1}, now=now
    )
    robot = OutboxMessage.objects.get(channel=Channel.WECOM)
    assert robot.address == f"project:{world.project.pk}"
    webhook = "/cgi-bin/webhook/send"
    local_endpoints.expect_oneshot_request(webhook, query_string={"key": KEY}).respond_with_json(
        {"errcode": 45009, "errmsg": "api freq out of limit"}
    )
    local_endpoints.expect_oneshot_request(webhook, query_string={"key": KEY}).respond_with_json(
        {"errcode": 0, "errmsg": "ok"}
    )

    services.deliver_due(now=now, channels=[Channel.WECOM])
    robot.refresh_from_db()
    assert (robot.state, robot.last_error) == (State.PENDING, "45009: api freq out of limit")
    services.deliver_due(now=now + timedelta(minutes=1), channels=[Channel.WECOM])

    robot.refresh_from_db()
    assert robot.state == State.SENT
    request = local_endpoints.log[-1][0]
    body = request.get_json()
    assert body["msgtype"] == "text"
    assert body["text"]["content"].startswith(f"【升级】{ticket.number} 已升级至第1级")


def test_a_wrong_robot_key_is_dead_lettered_and_other_projects_have_no_robot(
    world, now, local_endpoints
):
    gateway(world, "wecom_robot")
    ticket = ticket_with_empty_outbox(world, now)
    services.queue(Event.URGENT_TICKET, [], key="u", ticket=ticket, now=now)
    local_endpoints.expect_oneshot_request("/cgi-bin/webhook/send").respond_with_json(
        {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_abc]"}
    )

    assert services.deliver_due(now=now).failed == 1

    robot = OutboxMessage.objects.get(channel=Channel.WECOM)
    assert robot.last_error.startswith("93000: invalid webhook url")
    ticket.project = world.other_project
    services.queue(Event.URGENT_TICKET, [], key="u2", ticket=ticket, now=now)
    assert OutboxMessage.objects.filter(channel=Channel.WECOM).count() == 1
