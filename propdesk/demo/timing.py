"""When things happen: receipt times that follow a service centre's day, registration delays
per channel, and a cursor that moves a ticket's clock forward without passing "now".

Times are chosen in Asia/Shanghai (the office's day) and stored aware, as services require.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from propdesk.tickets.choices import Channel, Kind, Status

from .scenarios import Scenario

S = Status
#: How long ago (hours) a ticket that is now in this state was received. A well-run desk keeps
#: within its clocks, so a ticket still open is younger than the clock it waits on: the
#: dispatch hour, a complaint's 24 hours, a callback's day (SPEC §5).
AGE_HOURS: dict[str, tuple[float, float]] = {
    S.REGISTERED: (0.1, 0.8),  # a desk accepts and dispatches within the hour
    S.ACCEPTED: (0.2, 0.9),
    S.DISPATCHED: (1, 20),
    S.IN_PROGRESS: (2, 21),
    S.SUSPENDED: (48, 480),
    S.RESOLVED: (3, 20),  # called back within the day
    S.CALLBACK_DONE: (26, 200),
    S.REOPENED: (5, 20),  # the callback that reopened it came in just now
    S.CLOSED: (20, 90 * 24),
    S.MERGED: (20, 90 * 24),
    S.CANCELLED: (2, 90 * 24),
}
#: Kinds whose open work runs on other clocks: a common-area repair is due in 4 hours, help at
#: once; a suggestion goes to headquarters, who have five days.
KIND_AGE_HOURS: dict[str, dict[str, tuple[float, float]]] = {
    Kind.REPAIR: {S.DISPATCHED: (0.5, 3), S.IN_PROGRESS: (1, 3.5)},
    Kind.HELP: {S.IN_PROGRESS: (0.3, 2)},
    Kind.SUGGESTION: {S.DISPATCHED: (2, 90), S.IN_PROGRESS: (4, 110)},
}
#: States a ticket reaches at the end of its life: old ones are as common as recent ones.
FINISHED = (S.CLOSED, S.MERGED, S.CANCELLED)
#: Open states whose clocks run on (a suspended ticket's are paused).
WAITING = (S.REGISTERED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED, S.REOPENED)
#: Office hours for department work; the front desk keeps longer hours, emergencies none.
OFFICE = (8 * 60 + 30, 18 * 60)
DESK = (7 * 60 + 30, 22 * 60)
DAY_HOURS = (8, 9, 9, 10, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 17)
NIGHT_HOURS = (18, 19, 19, 20, 20, 21, 21, 22, 22, 23, 23, 0, 1, 2, 6, 7)
#: How long before a clock falls due the desk's move comes at the latest.
IN_TIME = timedelta(minutes=2)


def received_time(
    rng: random.Random,
    now: datetime,
    target: str,
    scenario: Scenario,
    *,
    long_path: bool,
    late: bool = False,
) -> datetime:
    """``late``: a ticket the desk let slip, still open long after its clocks fell due."""
    lo, hi = KIND_AGE_HOURS.get(scenario.kind, {}).get(target, AGE_HOURS[target])
    if late and target in WAITING:
        # Older than any the desk keeps up with: days, past every clock it waits on.
        lo, hi = max(hi * 1.5, 48), max(hi * 4, 96)
    if long_path and target in (S.CLOSED, S.REOPENED):
        # A long dispute needs weeks of history before today (reopened at the end of it).
        lo, hi = max(lo, 24 * 21), max(hi, 600)
    if hi - lo < 6:
        return now - timedelta(hours=rng.uniform(lo, hi))  # too short to pick an hour of day
    top = min(hi * 1.2 + 2, 90 * 24) if target in FINISHED else hi
    for _ in range(30):
        raw = now - timedelta(hours=rng.uniform(lo, hi))
        local = timezone.localtime(raw)
        hour = rng.choice(NIGHT_HOURS if rng.random() < scenario.night else DAY_HOURS)
        minute = rng.randint(30, 59) if hour == 8 else rng.randint(0, 59)
        candidate = local.replace(hour=hour, minute=minute, second=rng.randint(0, 59))
        age = (now - candidate).total_seconds() / 3600
        if lo <= age <= top:
            return candidate
    return now - timedelta(hours=rng.uniform(lo, hi))


def registration_delay(rng: random.Random, channel: str, scenario: Scenario) -> timedelta:
    """Phone and visit are recorded at once; written channels when the desk reads them, which a
    well-run desk does within the half hour the register clock allows."""
    if scenario.emergency:
        minutes = rng.uniform(1, 4)
    elif channel in (Channel.PHONE, Channel.MEDIA, Channel.CALLBACK):
        minutes = rng.uniform(1, 7)
    elif channel == Channel.VISIT:
        minutes = rng.uniform(3, 15)
    elif channel == Channel.PATROL:
        minutes = rng.uniform(5, 25)
    else:  # WeChat, the hotline, letter, email, website: read at the next look at the inbox
        minutes = rng.uniform(4, 27)
    if rng.random() < 0.04:
        minutes += rng.uniform(30, 90)  # a busy desk records late: the 30-minute clock is missed
    return timedelta(minutes=minutes)


def within(local: datetime, hours: tuple[int, int]) -> bool:
    minute_of_day = local.hour * 60 + local.minute
    return hours[0] <= minute_of_day < hours[1]


def next_opening(rng: random.Random, at: datetime, hours: tuple[int, int]) -> datetime:
    """The first moment at or after ``at`` inside ``hours``, plus a little: people start late."""
    local = timezone.localtime(at)
    if within(local, hours):
        return at
    day = local if local.hour * 60 + local.minute < hours[0] else local + timedelta(days=1)
    start = day.replace(hour=hours[0] // 60, minute=hours[0] % 60, second=0, microsecond=0)
    return start + timedelta(minutes=rng.uniform(2, 40))


class Cursor:
    """A ticket's own clock: each move comes some minutes after the last, never after ``limit``.

    If the chosen step would pass ``limit`` (the demo's "now"), the remaining moves are squeezed
    into the time that is left, so every event lies in the past and in order. ``deadline``, when
    given, tells the earliest moment one of the ticket's clocks falls due: a well-run desk makes
    its next move before then, so a step that would pass it is squeezed into the time left too
    (in working hours when there are any before it, else by whoever is on duty).
    """

    def __init__(
        self,
        rng: random.Random,
        start: datetime,
        limit: datetime,
        deadline: Callable[[], datetime | None] | None = None,
    ) -> None:
        self.rng = rng
        self.t = start
        self.limit = limit
        self.deadline = deadline

    def _squeeze(self, end: datetime, hours: tuple[int, int] | None) -> datetime:
        room = max((end - self.t).total_seconds(), 2.0)
        t = self.t + timedelta(seconds=room * self.rng.uniform(0.15, 0.4))
        opened = next_opening(self.rng, t, hours) if hours is not None else t
        return opened if opened < end else t

    def step(
        self, lo_minutes: float, hi_minutes: float, hours: tuple[int, int] | None = OFFICE
    ) -> datetime:
        t = self.t + timedelta(minutes=self.rng.uniform(lo_minutes, hi_minutes))
        if hours is not None:
            t = next_opening(self.rng, t, hours)
        due = self.deadline() if self.deadline is not None else None
        if due is not None and self.t < due - IN_TIME <= t:
            t = self._squeeze(due - IN_TIME, hours)
        if t >= self.limit:
            t = self._squeeze(self.limit, hours)
        self.t = max(t, self.t + timedelta(seconds=1))
        return self.t

    def at(self, moment: datetime) -> datetime:
        """Jump to a fixed moment (an appointment, a resident coming back) if it is still ahead,
        in the past and, for a desk keeping its clocks, before the next one falls due."""
        due = self.deadline() if self.deadline is not None else None
        end = self.limit if due is None else min(self.limit, due - IN_TIME)
        if self.t < moment < end:
            self.t = moment
        return self.step(0.1, 1, None)
