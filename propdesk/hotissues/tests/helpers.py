"""Residents of one building complaining, for the hot-issue tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from propdesk.residents.models import Residency, Resident
from propdesk.tickets.tests.helpers import register
from propdesk.worktime.arithmetic import SHANGHAI

T0 = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)
DAY = timedelta(days=1)


def neighbour(world, n: int) -> Resident:
    person = Resident.objects.create(
        company=world.company, name=f"住户{n}", phone=f"1380000{n:04d}"
    )
    Residency.objects.create(resident=person, room=world.room, relation="family")
    return person


def report(world, n: int, at: datetime, **overrides):
    """Resident ``n`` of the world's building reports the stairway lights."""
    data = {
        "category": "FAC-LIGHT",
        "description": f"楼道灯不亮,晚上看不见路(第{n}户)",
        "resident_id": neighbour(world, n).pk,
        "room_id": world.room.pk,
    }
    data.update(overrides)
    return register(world, at, **data)
