"""Deadline arithmetic pinned against the 2026 State Council schedule (SPEC §5)."""

from datetime import date, datetime, time, timedelta

import pytest
from chinese_calendar.constants import holidays, workdays
from hypothesis import given, settings
from hypothesis import strategies as st

from propdesk.worktime.arithmetic import (
    SHANGHAI,
    WorkCalendar,
    add_natural,
    add_working_days,
    add_working_minutes,
    is_working_time,
    same_day,
    working_minutes_between,
)

CALENDAR = WorkCalendar(
    holidays=frozenset(holidays),
    makeup_workdays=frozenset(workdays),
    known_years=frozenset(range(2004, 2027)),
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_make_up_days_are_working_days_and_national_day_week_is_not():
    assert CALENDAR.is_workday(date(2026, 9, 20))  # Sunday, 调休上班
    assert CALENDAR.is_workday(date(2026, 10, 10))  # Saturday, 调休上班
    assert not any(CALENDAR.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert not CALENDAR.is_workday(date(2026, 9, 19))  # an ordinary Saturday


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ("2026-09-30 10:00", 1, "2026-10-08 18:00"),  # the whole holiday week is skipped
        ("2026-09-30 10:00", 2, "2026-10-09 18:00"),
        ("2026-09-30 10:00", 3, "2026-10-10 18:00"),  # Saturday make-up day counts
        ("2026-09-30 10:00", 5, "2026-10-13 18:00"),
        ("2026-09-18 16:00", 1, "2026-09-20 18:00"),  # Friday → the Sunday make-up day
        ("2026-09-09 07:00", 1, "2026-09-10 18:00"),  # start day never counted
        ("2026-09-09 23:00", 1, "2026-09-10 18:00"),  # after hours: still the next day
        ("2026-10-03 11:00", 1, "2026-10-08 18:00"),  # received during the holiday
        ("2026-09-09 10:00", 15, "2026-09-30 18:00"),  # 中秋 2026-09-25 is a day off
    ],
)
def test_n_working_days_end_at_close_of_the_nth_working_day_after(start, days, due):
    result = add_working_days(CALENDAR, at(start), days=days)
    assert result.at == at(due)
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-09-09 10:00", "2026-09-09 18:00"),
        ("2026-09-09 07:45", "2026-09-09 18:00"),  # before opening: still that day
        ("2026-09-09 18:00", "2026-09-10 18:00"),  # at closing time: the next day
        ("2026-09-09 19:30", "2026-09-10 18:00"),
        ("2026-09-30 18:30", "2026-10-08 18:00"),  # after hours before the holiday week
        ("2026-09-19 09:00", "2026-09-20 18:00"),  # Saturday → Sunday make-up day
    ],
)
def test_same_day_is_close_of_that_day_or_of_the_next_working_day(start, due):
    assert same_day(CALENDAR, at(start)).at == at(due)


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        ("2026-09-09 10:00", 60, "2026-09-09 11:00"),
        ("2026-09-09 17:00", 120, "2026-09-10 09:30"),  # one hour today, one tomorrow
        ("2026-09-09 17:00", 60, "2026-09-09 18:00"),  # using the day up exactly
        ("2026-09-09 20:00", 30, "2026-09-10 09:00"),  # after hours: from next opening
        ("2026-09-30 17:30", 60, "2026-10-08 09:00"),  # across the holiday week
        ("2026-09-09 06:00", 0, "2026-09-09 08:30"),  # zero from before opening
    ],
)
def test_working_minutes_count_only_working_time(start, minutes, due):
    assert add_working_minutes(CALENDAR, at(start), minutes=minutes).at == at(due)


def test_natural_time_ignores_the_calendar():
    assert add_natural(at("2026-09-30 23:50"), minutes=30).at == at("2026-10-01 00:20")


def test_a_year_the_calendar_does_not_know_falls_back_to_weekends_with_a_warning():
    result = add_working_days(CALENDAR, at("2026-12-30 10:00"), days=3)

    # 2026-12-31 is a working day; 2027-01-01 (Friday) counts as one too because 2027's
    # schedule is unknown; then Monday 2027-01-04.
    assert result.at == at("2027-01-04 18:00")
    assert result.warnings == ("工作日历没有 2027 年的节假日安排,该年仅按周末计算",)
    assert add_working_days(CALENDAR, at("2026-12-28 10:00"), days=2).warnings == ()


def test_pause_and_resume_keep_the_working_time_that_was_left():
    start = at("2026-09-09 10:00")
    due = add_working_days(CALENDAR, start, days=1).at  # 2026-09-10 18:00
    paused_at = at("2026-09-10 09:30")
    left = working_minutes_between(CALENDAR, paused_at, due)
    assert left == 8 * 60 + 30

    resumed_at = at("2026-09-14 14:00")  # Monday afternoon
    new_due = add_working_minutes(CALENDAR, resumed_at, minutes=left).at
    assert new_due == at("2026-09-15 13:00")  # 4h Monday + 4.5h Tuesday from 08:30


def test_working_hours_are_per_calendar():
    short = WorkCalendar(work_start=time(9, 0), work_end=time(17, 0))
    assert same_day(short, at("2026-09-09 10:00")).at == at("2026-09-09 17:00")
    with pytest.raises(ValueError):
        WorkCalendar(work_start=time(18, 0), work_end=time(8, 0))


# hypothesis generates naive datetimes between naive bounds; the zone is attached after.
EARLIEST = datetime(2024, 1, 1)  # noqa: DTZ001
LATEST = datetime(2026, 12, 20)  # noqa: DTZ001
moments = st.datetimes(min_value=EARLIEST, max_value=LATEST).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=SHANGHAI)
)


@settings(max_examples=300, deadline=None)
@given(start=moments, days=st.integers(1, 30))
def test_working_day_deadline_is_later_than_start_in_working_time_and_monotonic(start, days):
    due = add_working_days(CALENDAR, start, days=days).at
    assert due > start
    assert is_working_time(CALENDAR, due)
    assert add_working_days(CALENDAR, start, days=days + 1).at > due


@settings(max_examples=300, deadline=None)
@given(start=moments, minutes=st.integers(0, 20 * 570))
def test_working_minute_deadline_is_never_early_is_working_time_and_monotonic(start, minutes):
    due = add_working_minutes(CALENDAR, start, minutes=minutes).at
    assert due >= start
    assert is_working_time(CALENDAR, due)
    assert working_minutes_between(CALENDAR, start, due) == minutes
    assert add_working_minutes(CALENDAR, start, minutes=minutes + 1).at > due


@settings(max_examples=200, deadline=None)
@given(start=moments)
def test_same_day_is_never_before_start_and_within_one_working_day(start):
    due = same_day(CALENDAR, start).at
    assert due >= start
    assert is_working_time(CALENDAR, due)
    assert due <= add_working_days(CALENDAR, start, days=1).at
    assert due - start < timedelta(days=12)  # the longest holiday run plus a weekend
