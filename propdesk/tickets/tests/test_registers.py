"""来电/来访/来信登记表 (seed 002 6.5.1) from the record: the day's requests of one channel in the
user's projects, phones masked, exported as CSV with an audit row; bad periods refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.core.models import AuditLog
from propdesk.tickets import services
from propdesk.tickets.tests.helpers import register

pytestmark = pytest.mark.django_db


def _day():
    return timezone.localtime(timezone.now() - timedelta(days=2)).replace(hour=10, minute=0)


def test_the_phone_register_lists_the_days_calls_in_the_users_projects(world, client):
    at = _day()
    call = register(world, at, contact_name="张先生", contact_phone="13812345678",
                    expectation="今天修好")  # fmt: skip
    visit = register(world, at + timedelta(minutes=5), channel="visit")
    letter = register(world, at + timedelta(minutes=9), channel="email")
    elsewhere, _ = services.register_ticket(
        world.hq,
        services.NewTicket(
            kind="complaint", channel="phone", category="FAC-ELEV", description="丽苑的电梯",
            room_id=world.other_room.pk, resident_id=world.neighbour.pk,
        ),
        now=at,
    )  # fmt: skip
    client.force_login(world.agent)
    day = at.date().isoformat()
    page = client.get(f"/registers/phone/?from={day}").content.decode()
    assert "来电登记表" in page and call.number in page
    assert visit.number not in page and letter.number not in page
    assert elsewhere.number not in page  # another project's call
    assert "138****5678" in page and "13812345678" not in page
    assert "今天修好" in page
    assert visit.number in client.get(f"/registers/visit/?from={day}").content.decode()
    # The service mailbox is filed with letters (seed 002: 来信(包括服务邮箱)).
    assert letter.number in client.get(f"/registers/letter/?from={day}").content.decode()


def test_the_register_exports_as_csv_and_the_export_is_audited(world, client):
    at = _day()
    call = register(world, at)
    client.force_login(world.supervisor)
    day = at.date().isoformat()
    answer = client.get(f"/registers/phone/?from={day}&to={day}&format=csv")
    text = answer.content.decode("utf-8-sig")
    assert answer["Content-Type"].startswith("text/csv")
    assert "接报时间" in text.splitlines()[0] and call.number in text
    assert AuditLog.objects.filter(action="export", object_id__startswith="phone-register").exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [("from=2026-10-10&to=2026-10-01", "结束日期"), ("from=2026-01-01&to=2026-03-01", "最多"),
     ("from=10/01/2026", "YYYY-MM-DD")],
)  # fmt: skip
def test_a_bad_period_is_refused_with_a_reason(world, client, query, message):
    client.force_login(world.agent)
    answer = client.get(f"/registers/phone/?{query}")
    assert answer.status_code == 400 and message in answer.content.decode()


def test_an_unknown_register_is_404(world, client):
    client.force_login(world.agent)
    assert client.get("/registers/fax/").status_code == 404
