"""When things happen: receipt times that follow a service centre's day, registration delays
per channel, and a cursor that moves a ticket's clock forward without passing "now".

Times are chosen in Asia/Shanghai (the office's day) and stored aware, as services require.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from propdesk.tickets.choices import Channel, Status

from .scenarios import Scenario

S = Status
#: How long ago (hours) a ticket that is now in this state was received: open ones are recent.
AGE_HOURS: dict[str, tuple[float, float]] = {
    S.REGISTERED: (0.1, 1.5),  # a desk accepts within minutes: only the latest wait
    S.ACCEPTED: (0.3, 10),
    S.DISPATCHED: (1.5, 72),
    S.IN_PROGRESS: (4, 240),
    S.SUSPENDED: (48, 480),
    S.RESOLVED: (3, 60),
    S.CALLBACK_DONE: (26, 200),
    S.REOPENED: (72, 600),
    S.CLOSED: (20, 90 * 24),
    S.MERGED: (20, 90 * 24),
    S.CANCELLED: (2, 90 * 24),
}
#: Office hours for department work; the front desk keeps longer hours, emergencies none.
OFFICE = (8 * 60 + 30, 18 * 60)
DESK = (7 * 60 + 30, 22 * 60)
DAY_HOURS = (8, 9, 9, 10, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 17)
NIGHT_HOURS = (18, 19, 19, 20, 20, 21, 21, 22, 22, 23, 23, 0, 1, 2, 6, 7)


def received_time(
    rng: random.Random, now: datetime, target: str, scenario: Scenario, *, long_path: bool
) -> datetime:
    lo, hi = AGE_HOURS[target]
    if long_path and target in (S.CLOSED, S.REOPENED):
        lo = max(lo, 24 * 21)  # a long dispute needs weeks of history before today
    for _ in range(30):
        raw = now - timedelta(hours=rng.uniform(lo, hi))
        local = timezone.localtime(raw)
        hour = rng.choice(NIGHT_HOURS if rng.random() < scenario.night else DAY_HOURS)
        minute = rng.randint(30, 59) if hour == 8 else rng.randint(0, 59)
        candidate = local.replace(hour=hour, minute=minute, second=rng.randint(0, 59))
        age = (now - candidate).total_seconds() / 3600
        if lo <= age <= min(hi * 1.2 + 2, 90 * 24):
            return candidate
    return now - timedelta(hours=lo)


def registration_delay(rng: random.Random, channel: str, scenario: Scenario) -> timedelta:
    """Phone and visit are recorded at once; written channels wait for someone to read them."""
    if scenario.emergency:
        minutes = rng.uniform(1, 4)
    elif channel in (Channel.PHONE, Channel.MEDIA, Channel.CALLBACK):
        minutes = rng.uniform(1, 7)
    elif channel == Channel.VISIT:
        minutes = rng.uniform(3, 15)
    elif channel == Channel.PATROL:
        minutes = rng.uniform(5, 25)
    elif channel == Channel.WECHAT:
        minutes = rng.uniform(3, 50)
    elif channel == Channel.GOVERNMENT:
        minutes = rng.uniform(20, 150)
    else:  # letter, email, website: read a few hours later
        minutes = rng.uniform(40, 400)
    if rng.random() < 0.05:
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
    into the time that is left, so every event lies in the past and in order.
    """

    def __init__(self, rng: random.Random, start: datetime, limit: datetime) -> None:
        self.rng = rng
        self.t = start
        self.limit = limit

    def step(
        self, lo_minutes: float, hi_minutes: float, hours: tuple[int, int] | None = OFFICE
    ) -> datetime:
        t = self.t + timedelta(minutes=self.rng.uniform(lo_minutes, hi_minutes))
        if hours is not None:
            t = next_opening(self.rng, t, hours)
        if t >= self.limit:
            room = max((self.limit - self.t).total_seconds(), 2.0)
            t = self.t + timedelta(seconds=room * self.rng.uniform(0.15, 0.4))
            opened = next_opening(self.rng, t, hours) if hours is not None else t
            if opened < self.limit:
                t = opened
        self.t = max(t, self.t + timedelta(seconds=1))
        return self.t

    def at(self, moment: datetime) -> datetime:
        """Jump to a fixed moment (an appointment) if it is still ahead and in the past."""
        if self.t < moment < self.limit:
            self.t = moment
        return self.step(0.1, 1, None)
