"""Deadline arithmetic on a working calendar: pure, typed functions (SPEC §5).

Everything here is computed in the calendar's local time (Asia/Shanghai has no daylight saving,
so local wall-clock arithmetic is exact) and returned as aware datetimes. No database access:
a :class:`WorkCalendar` is a frozen value built once and shared.

Rules:
- "N minutes/hours" are natural time unless the policy says working time.
- "N working hours/minutes" count only time inside working hours on working days.
- "N working days": the start day is not counted; the deadline is the close of working hours
  on the Nth working day after it.
- "Same day": the close of working hours of that day, or of the next working day when the
  request arrives after hours or on a day off.
- A year the calendar does not know falls back to weekends only, and every result that
  touched such a year carries a warning saying so.
"""

from __future__ import annotations

import calendar as calendar_module
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_WORK_START = time(8, 30)
DEFAULT_WORK_END = time(18, 0)
#: No deadline is searched further than this many days ahead (a calendar of only holidays).
MAX_SEARCH_DAYS = 3660
#: Working days inside this span are indexed once per calendar, so "the Nth working day
#: after" is a binary search instead of a walk; outside it the walk is used.
INDEX_FIRST = date(1990, 1, 1).toordinal()
INDEX_LAST = date(2100, 12, 31).toordinal()


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days, and the working hours of each working day."""

    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    known_years: frozenset[int] = frozenset()
    work_start: time = DEFAULT_WORK_START
    work_end: time = DEFAULT_WORK_END
    tz: ZoneInfo = SHANGHAI

    def __post_init__(self) -> None:
        if self.work_start >= self.work_end:
            raise ValueError("working hours must start before they end")

    def is_workday(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def workday_ordinals(self) -> list[int]:
        """Ordinals of every working day in the indexed span, built on first use."""
        index = self.__dict__.get("_workday_ordinals")
        if index is None:
            index = [
                n for n in range(INDEX_FIRST, INDEX_LAST + 1)
                if self.is_workday(date.fromordinal(n))
            ]  # fmt: skip
            object.__setattr__(self, "_workday_ordinals", index)
        return index

    def nth_workday_after(self, day: date, n: int) -> date:
        """The nth working day after ``day`` (n ≥ 1); ``day`` itself is never counted."""
        ordinal = day.toordinal()
        index = self.workday_ordinals()
        position = bisect_right(index, ordinal) + n - 1
        if ordinal >= INDEX_FIRST and position < len(index):
            return date.fromordinal(index[position])
        for _ in range(n):
            day = _walk_to_next_workday(self, day)
        return day

    @property
    def minutes_per_day(self) -> int:
        start = self.work_start.hour * 60 + self.work_start.minute
        end = self.work_end.hour * 60 + self.work_end.minute
        return end - start


@dataclass(frozen=True)
class Due:
    """A computed moment, with the warnings of the calendar it was computed on."""

    at: datetime
    warnings: tuple[str, ...] = field(default=())


def _warnings(calendar: WorkCalendar, first: date, last: date) -> tuple[str, ...]:
    if not calendar.known_years:
        years = range(first.year, last.year + 1)
    else:
        years = [y for y in range(first.year, last.year + 1) if y not in calendar.known_years]
    return tuple(f"工作日历没有 {year} 年的节假日安排,该年仅按周末计算" for year in years)


def _local(calendar: WorkCalendar, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("deadline arithmetic needs an aware datetime")
    return moment.astimezone(calendar.tz)


def _at(calendar: WorkCalendar, day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=calendar.tz)


def _next_workday(calendar: WorkCalendar, day: date) -> date:
    return calendar.nth_workday_after(day, 1)


def _walk_to_next_workday(calendar: WorkCalendar, day: date) -> date:
    for _ in range(MAX_SEARCH_DAYS):
        day += timedelta(days=1)
        if calendar.is_workday(day):
            return day
    raise ValueError("no working day within ten years: the calendar has only days off")


def add_natural(start: datetime, *, minutes: int) -> Due:
    """N natural minutes (hours are 60 of them): the clock on the wall."""
    if minutes < 0:
        raise ValueError("a time limit cannot be negative")
    return Due(start + timedelta(minutes=minutes))


def add_working_minutes(calendar: WorkCalendar, start: datetime, *, minutes: int) -> Due:
    """N minutes of working time: only time within working hours on working days counts.

    A deadline that uses up a day's time exactly falls at that day's close, not at the next
    day's opening.
    """
    if minutes < 0:
        raise ValueError("a time limit cannot be negative")
    cursor = _local(calendar, start)
    day = cursor.date()
    first = day
    remaining = timedelta(minutes=minutes)
    if not calendar.is_workday(day) or cursor.time() >= calendar.work_end:
        day = _next_workday(calendar, day)
        cursor = _at(calendar, day, calendar.work_start)
    elif cursor.time() < calendar.work_start:
        cursor = _at(calendar, day, calendar.work_start)
    close = _at(calendar, day, calendar.work_end)
    if remaining <= close - cursor:
        return Due(cursor + remaining, _warnings(calendar, first, day))
    remaining -= close - cursor
    # Whole working days are jumped over at once; what is left lands on the day after them.
    whole_days, rest = divmod(remaining, timedelta(minutes=calendar.minutes_per_day))
    if not rest:
        day = calendar.nth_workday_after(day, whole_days)
        return Due(_at(calendar, day, calendar.work_end), _warnings(calendar, first, day))
    day = calendar.nth_workday_after(day, whole_days + 1)
    return Due(_at(calendar, day, calendar.work_start) + rest, _warnings(calendar, first, day))


def end_of_calendar_day(calendar: WorkCalendar, start: datetime, *, days: int) -> Due:
    """The close of working hours on the Nth calendar day after the start, whether or not that
    day is a working day (a repair callback: the day the work ends or the next, SPEC §6)."""
    if days < 0:
        raise ValueError("a time limit cannot be negative")
    day = _local(calendar, start).date() + timedelta(days=days)
    return Due(_at(calendar, day, calendar.work_end))


def add_working_days(calendar: WorkCalendar, start: datetime, *, days: int) -> Due:
    """N working days: the start day is not counted; due at the close of the Nth working day."""
    if days < 1:
        raise ValueError("a working-day limit is at least one day (use same_day for zero)")
    first = _local(calendar, start).date()
    day = calendar.nth_workday_after(first, days)
    return Due(_at(calendar, day, calendar.work_end), _warnings(calendar, first, day))


def same_day(calendar: WorkCalendar, start: datetime) -> Due:
    """The close of working hours that day; of the next working day when after hours."""
    local = _local(calendar, start)
    day = local.date()
    if not calendar.is_workday(day) or local.time() >= calendar.work_end:
        day = _next_workday(calendar, day)
    return Due(_at(calendar, day, calendar.work_end), _warnings(calendar, local.date(), day))


def working_minutes_between(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Whole working minutes from ``start`` to ``end`` (0 when end is not later)."""
    a, b = _local(calendar, start), _local(calendar, end)
    if b <= a:
        return 0
    total = timedelta()
    day = a.date()
    while day <= b.date():
        if calendar.is_workday(day):
            open_at = max(a, _at(calendar, day, calendar.work_start))
            close_at = min(b, _at(calendar, day, calendar.work_end))
            if close_at > open_at:
                total += close_at - open_at
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def is_working_time(calendar: WorkCalendar, moment: datetime) -> bool:
    local = _local(calendar, moment)
    return (
        calendar.is_workday(local.date())
        and calendar.work_start <= local.time() <= calendar.work_end
    )


def add_months(moment: datetime, months: int, tz=SHANGHAI) -> datetime:
    """The same local date and time ``months`` calendar months later (or earlier), on the
    month's last day where that date does not exist: one month after 31 January is the end
    of February (SPEC §5: "one month" is not 30 days)."""
    local = moment.astimezone(tz)
    index = local.year * 12 + local.month - 1 + months
    year, month = divmod(index, 12)
    day = min(local.day, calendar_module.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


def full_months_between(start: datetime, end: datetime, tz=SHANGHAI) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when end is earlier): the n for which
    add_months(start, n) <= end, largest."""
    if end <= start:
        return 0
    a, b = start.astimezone(tz), end.astimezone(tz)
    months = (b.year - a.year) * 12 + b.month - a.month
    while months > 0 and add_months(start, months, tz) > end:
        months -= 1
    return months
