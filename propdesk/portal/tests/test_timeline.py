"""The timeline a resident reads: each step of a request in plain words, staff only by their
department or role, and what is not the resident's business left out."""

from __future__ import annotations

from datetime import timedelta

from propdesk.callbacks import services as callbacks
from propdesk.portal import timeline
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register, walk

from .test_portal import NOW


def titles(ticket) -> list[str]:
    return [str(s.title) for s in timeline.steps(ticket)]


def test_a_request_walked_to_its_end_reads_in_plain_words(world):
    t = walk(world, NOW, "dispatched")
    at = iter(NOW + timedelta(minutes=30 + i) for i in range(20))
    services.reply_to_resident(world.agent, t, content="师傅下午到", channel="phone", now=next(at))
    services.suspend(world.supervisor, t, reason="等配件", now=next(at))
    services.resume(world.supervisor, t, now=next(at))
    services.start(world.handler, t, work_order=1, now=next(at))
    services.resolve(world.handler, t, result="换了主板", now=next(at))
    callbacks.record_callback(world.agent, t, satisfaction="satisfied", now=next(at))
    services.close(world.agent, t, reason="satisfied", now=next(at))

    words = titles(t)
    for expected in ("已收到您的诉求", "客服已受理", "客服回复", "暂缓处理", "恢复处理",
                     "开始处理", "已处理完毕", "已回访", "已办结"):  # fmt: skip
        assert expected in words, (expected, words)
    assert world.agent.username not in str(timeline.steps(t))
    assert timeline.status_words(t)


def test_a_cancelled_request_says_so_with_the_reason(world):
    t = register(world, NOW)
    services.cancel(world.supervisor, t, reason="住户已自行解决", now=NOW + timedelta(minutes=5))
    steps = timeline.steps(t)
    assert [str(s.title) for s in steps][-1] == "已撤销"
    assert steps[-1].detail == "住户已自行解决"
