"""Plans that every demo gets, whatever the seed and size: one of each state, kind, channel,
closure reason and detour, so that every screen and report has something to show."""

from __future__ import annotations

from propdesk.callbacks.choices import Satisfaction
from propdesk.tickets.choices import Channel, Kind, Status

from .planner import Planner
from .plans import BEYOND, DISAGREEMENT, NO_CONTACT, ON_SPOT, SATISFIED, SENSITIVE
from .scenarios import (
    ANONYMOUS,
    CONTACT,
    HOME,
    RESIDENT,
)

S = Status


def coverage(planner: Planner) -> None:
    """Plans that make sure every state, kind, channel, closure reason, satisfaction level and
    detour is in the demo whatever the seed and size."""
    add = planner.add
    C, R = Kind.COMPLAINT, Kind.REPAIR
    for target in (S.REGISTERED, S.ACCEPTED, S.RESOLVED, S.CALLBACK_DONE):
        add(C, target, path=SATISFIED, reporter=RESIDENT, flags=())
    add(
        C,
        S.SUSPENDED,
        path=SATISFIED,
        reporter=RESIDENT,
        flags=(),
        scenario_filter=lambda s: bool(s.suspend),
    )
    add(
        C,
        S.DISPATCHED,
        path=SATISFIED,
        reporter=RESIDENT,
        flags=("return",),
        scenario_filter=lambda s: s.wrong not in ("", "CS"),
    )
    add(
        C,
        S.IN_PROGRESS,
        path=SATISFIED,
        reporter=RESIDENT,
        flags=("transfer",),
        scenario_filter=lambda s: bool(s.wrong),
    )
    add(C, S.REOPENED, path=SATISFIED, reporter=RESIDENT, flags=())
    # One that slipped: a repair in progress with 华苑's engineers (eng_szhy) days past its
    # deadline, so the handler's phone view and the breached queue show an overdue order.
    add(
        R,
        S.IN_PROGRESS,
        path=SATISFIED,
        reporter=RESIDENT,
        flags=("late",),
        scenario_filter=lambda s: s.dept == "ENG" and not s.fees,
        project="SZHY",
    )
    add(C, S.CANCELLED, path=SATISFIED, reporter=RESIDENT, flags=())
    add(
        C,
        S.CLOSED,
        path=SATISFIED,
        reporter=RESIDENT,
        flags=("rework", "case"),
        satisfaction=Satisfaction.VERY_SATISFIED,
    )
    add(
        C,
        S.CLOSED,
        path=SATISFIED,
        reporter=RESIDENT,
        flags=("reopen_after_close",),
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
    )
    add(
        C,
        S.CLOSED,
        path=SATISFIED,
        reporter=RESIDENT,
        flags=("dup",),
        scenario_filter=lambda s: s.hot and s.where != HOME,
    )
    add(C, S.CLOSED, path=DISAGREEMENT, reporter=RESIDENT, flags=())
    add(C, S.CLOSED, path=BEYOND, reporter=RESIDENT, flags=())
    add(C, S.CLOSED, path=NO_CONTACT, reporter=ANONYMOUS, flags=())
    add(C, S.CLOSED, path=SENSITIVE, reporter=RESIDENT, flags=())
    add(
        R,
        S.CLOSED,
        path=ON_SPOT,
        reporter=RESIDENT,
        flags=(),
        scenario_filter=lambda s: bool(s.fees),
        satisfaction=Satisfaction.SATISFIED,
    )
    add(
        R,
        S.CLOSED,
        path=SATISFIED,
        reporter=RESIDENT,
        flags=("second",),
        scenario_filter=lambda s: bool(s.also),
        satisfaction=Satisfaction.SATISFIED,
    )
    add(Kind.HELP, S.CLOSED, flags=())
    add(Kind.CONSULTATION, S.CLOSED, flags=())
    add(Kind.SUGGESTION, S.CLOSED, path=SATISFIED, reporter=RESIDENT, flags=())
    add(Kind.PRAISE, S.CLOSED, flags=())
    for channel in (Channel.LETTER, Channel.EMAIL, Channel.WEB, Channel.GOVERNMENT):
        add(C, S.CLOSED, channel=channel, reporter=RESIDENT, flags=())
    add(
        C,
        S.CLOSED,
        channel=Channel.MEDIA,
        flags=(),
        scenario_filter=lambda s: s.hot or Channel.MEDIA in s.channels,
    )
    add(C, S.CLOSED, channel=Channel.PATROL, flags=())
    add(C, S.CLOSED, channel=Channel.CALLBACK, path=SATISFIED, flags=())
    add(R, S.CLOSED, channel=Channel.VISIT, reporter=RESIDENT, flags=())
    add(R, S.CLOSED, channel=Channel.WECHAT, reporter=RESIDENT, flags=())
    add(
        R,
        S.CLOSED,
        channel=Channel.PHONE,
        reporter=CONTACT,
        flags=(),
        scenario_filter=lambda s: CONTACT in s.reporters,
    )
