"""Every move of SPEC §4 as one call with valid input, for the role, scope and state matrices.

``MOVES[name]`` knows a state the move is allowed from and how to make it; ``name`` is the key
of ``MOVE_ROLES`` whose roles decide who may make it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.callbacks import services as callback_services
from propdesk.sla import moves as sla_moves
from propdesk.tickets import services
from propdesk.tickets.choices import ClosureReason
from propdesk.tickets.services.closing import CLOSE_FROM
from propdesk.tickets.services.guards import MOVE_FROM, MOVE_ROLES

from .helpers import register

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def new_ticket_data(**overrides) -> services.NewTicket:
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "3栋2单元电梯停在12楼不动",
        "resident_id": None,
        "project": "SZHY",
        "reporter_type": "contact",
        "contact_name": "王先生",
        "contact_phone": "13700001111",
        "place": "3栋2单元电梯",
    }
    data.update(overrides)
    return services.NewTicket(**data)


def _survivor(world, now: datetime) -> dict:
    return {"into": register(world, now - timedelta(minutes=30)).number}


@dataclass(frozen=True)
class Move:
    state: str
    act: Callable[..., object]  # act(user, ticket, at, ctx)
    context: Callable[..., dict] = field(default=lambda world, now: {})


MOVES: dict[str, Move] = {
    "accept": Move("registered", lambda u, t, at, c: services.accept(u, t, now=at)),
    "answer": Move(
        "registered",
        lambda u, t, at, c: services.answer(u, t, content="电梯维保今天下午到场", now=at),
    ),
    "dispatch": Move(
        "accepted",
        lambda u, t, at, c: services.dispatch(
            u, t, department="SZHY-ENG", deadline=at + timedelta(hours=4), now=at
        ),
    ),
    "return": Move(
        "dispatched",
        lambda u, t, at, c: services.return_work_order(
            u, t, work_order=1, reason="不是工程部的事", now=at
        ),
    ),
    "transfer": Move(
        "dispatched",
        lambda u, t, at, c: services.transfer(
            u, t, work_order=1, department="SZHY-SEC", reason="应由保安部处理", now=at
        ),
    ),
    "start": Move("dispatched", lambda u, t, at, c: services.start(u, t, work_order=1, now=at)),
    "note": Move(
        "dispatched",
        lambda u, t, at, c: services.add_progress_note(u, t, text="已联系维保单位", now=at),
    ),
    "reply": Move(
        "dispatched",
        lambda u, t, at, c: services.reply_to_resident(
            u, t, content="师傅下午两点上门", channel="phone", now=at
        ),
    ),
    "suspend": Move(
        "dispatched", lambda u, t, at, c: services.suspend(u, t, reason="等配件", now=at)
    ),
    "resume": Move("suspended", lambda u, t, at, c: services.resume(u, t, now=at)),
    "resolve": Move(
        "in_progress", lambda u, t, at, c: services.resolve(u, t, result="已修好", now=at)
    ),
    "complete_work_order": Move(
        "in_progress",
        lambda u, t, at, c: services.complete_work_order(
            u, t, work_order=1, result="已修好", now=at
        ),
    ),
    "callback": Move(
        "resolved",
        lambda u, t, at, c: callback_services.record_callback(
            u, t, satisfaction="satisfied", now=at
        ),
    ),
    "close": Move(
        "callback_done",
        lambda u, t, at, c: services.close(u, t, reason=ClosureReason.SATISFIED, now=at),
    ),
    "close_contested": Move(
        "in_progress",
        lambda u, t, at, c: services.close(
            u, t, reason=ClosureReason.DISAGREEMENT, note="已按合同履约,住户仍要求赔偿", now=at
        ),
    ),
    "reopen": Move(
        "closed", lambda u, t, at, c: services.reopen(u, t, reason="住户反映又坏了", now=at)
    ),
    "escalate": Move(
        "accepted",
        lambda u, t, at, c: sla_moves.escalate_by_hand(u, t, reason="重点客户,情绪激动", now=at),
    ),
    "set_grade": Move(
        "accepted",
        lambda u, t, at, c: sla_moves.set_grade(u, t, level="2", reason="业主已联系电视台", now=at),
    ),
    "submit_plan": Move(
        "accepted",
        lambda u, t, at, c: services.submit_plan(u, t, plan="协调开发商三日内更换防水层", now=at),
    ),
    "delay_callback": Move(
        "resolved",
        lambda u, t, at, c: services.delay_callback(
            u, t, working_days=2, reason="补漆需晾干两天再看效果", now=at
        ),
    ),
    "merge": Move(
        "registered",
        lambda u, t, at, c: services.merge(u, t, into=c["into"], now=at),
        context=_survivor,
    ),
    "cancel": Move(
        "registered", lambda u, t, at, c: services.cancel(u, t, reason="住户撤回", now=at)
    ),
    "update": Move(
        "registered",
        lambda u, t, at, c: services.update_ticket(u, t, changes={"place": "3栋大堂"}, now=at),
    ),
    "attach": Move("registered", lambda u, t, at, c: services.add_attachment(u, t, png(), now=at)),
}

#: The roles that may make each scenario: a contested close needs both "close" and
#: "close_contested".
ROLES_FOR = {
    **MOVE_ROLES,
    "close_contested": MOVE_ROLES["close"] & MOVE_ROLES["close_contested"],
}

#: The states each scenario may start from; a closure depends on its reason.
ALLOWED_FROM = {
    **MOVE_FROM,
    "close": frozenset(CLOSE_FROM[ClosureReason.SATISFIED]),
    "close_contested": frozenset(CLOSE_FROM[ClosureReason.DISAGREEMENT]),
}
