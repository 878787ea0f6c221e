"""Ticket numbers ``<PROJECTCODE>-<YYYYMMDD>-<NNNN>``: by the Asia/Shanghai day, per project,
never reused, unique even when many are registered at once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from propdesk.core.errors import InvalidInput
from propdesk.tickets import services
from propdesk.tickets.choices import Status

from .helpers import (  # noqa: F401
    fast_passwords,
    refused,
    register,
    run_in_threads,
    small_world,
    ticket_in,
)
from .scenarios import new_ticket_data

UTC = ZoneInfo("UTC")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_number_is_the_project_code_the_day_and_a_four_digit_count(world, now):
    ticket = register(world, now)

    assert re.fullmatch(r"SZHY-20260909-\d{4}", ticket.number)
    assert ticket.number == "SZHY-20260909-0001"


@pytest.mark.parametrize(
    ("registered_at", "day"),
    [
        (datetime(2026, 9, 9, 0, 0, tzinfo=SHANGHAI), "20260909"),
        (datetime(2026, 9, 9, 23, 59, 59, tzinfo=SHANGHAI), "20260909"),
        # 16:30 UTC on the 9th is 00:30 on the 10th in Shanghai.
        (datetime(2026, 9, 9, 16, 30, tzinfo=UTC), "20260910"),
        (datetime(2026, 9, 9, 15, 59, tzinfo=UTC), "20260909"),
    ],
)
def test_the_day_in_a_number_is_the_shanghai_day(world, registered_at, day):
    assert register(world, registered_at).number == f"SZHY-{day}-0001"


def test_the_shanghai_day_counts_whatever_time_zone_the_request_is_handled_in(world):
    late_evening = datetime(2026, 9, 9, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC

    with timezone.override(UTC):
        ticket = register(world, late_evening)
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        after_midnight = register(world, late_evening + timedelta(hours=1))

    assert ticket.number == "SZHY-20260909-0001"
    assert after_midnight.number == "SZHY-20260910-0001"


def test_each_project_counts_its_own_numbers(world, now):
    first = register(world, now)
    other, _ = services.register_ticket(
        world.hq,
        new_ticket_data(
            project="GZLY",
            place="1栋大堂",
            reporter_type="anonymous",
            contact_name="",
            contact_phone="",
        ),
        now=now,
    )
    second = register(world, now)

    assert (first.number, other.number, second.number) == (
        "SZHY-20260909-0001",
        "GZLY-20260909-0001",
        "SZHY-20260909-0002",
    )


def test_cancelled_and_merged_tickets_keep_their_numbers_and_the_next_one_moves_on(world, now):
    cancelled = ticket_in(world, now, "cancelled")  # 0001
    merged = ticket_in(world, now, "merged")  # survivor 0002, merged 0003

    following = register(world, now + timedelta(hours=1))

    assert (cancelled.number, merged.number) == ("SZHY-20260909-0001", "SZHY-20260909-0003")
    assert (cancelled.status, merged.status) == (Status.CANCELLED, Status.MERGED)
    assert following.number == "SZHY-20260909-0004"


def test_a_refused_registration_uses_up_no_number(world, now):
    register(world, now)
    refused(
        InvalidInput,
        lambda: services.register_ticket(world.agent, new_ticket_data(category="NOPE"), now=now),
        field="category",
    )

    assert register(world, now).number == "SZHY-20260909-0002"


# --- PostgreSQL: real concurrent transactions -------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_forty_requests_registered_at_once_get_forty_distinct_consecutive_numbers(now):
    _project, agent = small_world()
    numbers: list[str] = []

    def register_five(i: int) -> None:
        for k in range(5):
            ticket, created = services.register_ticket(
                agent,
                new_ticket_data(description=f"线程{i}第{k}条:电梯故障"),
                now=now,
            )
            assert created
            numbers.append(ticket.number)

    errors = run_in_threads(8, register_five)

    assert errors == []
    assert sorted(numbers) == [f"SZHY-20260909-{n:04d}" for n in range(1, 41)]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_client_ref_sent_at_once_from_eight_devices_makes_one_ticket(now):
    _project, agent = small_world()
    results: list[tuple[str, bool]] = []

    def send(i: int) -> None:
        ticket, created = services.register_ticket(
            agent, new_ticket_data(client_ref="app-7f3a"), now=now
        )
        results.append((ticket.number, created))

    errors = run_in_threads(8, send)

    assert errors == []
    assert {number for number, _ in results} == {"SZHY-20260909-0001"}
    assert sorted(created for _, created in results) == [False] * 7 + [True]
