"""Paid repairs (有偿维修, seed 003): the price is quoted from the fee standard, the resident's
agreement is recorded before dispatch, and the booked appointment is the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from propdesk.core.errors import InvalidInput
from propdesk.tickets import services
from propdesk.tickets.choices import EventKind, Status
from propdesk.tickets.models import FeeStandard

from .helpers import assert_one_event, event_mark, fast_passwords, fresh, refused, ticket_in  # noqa: F401

LATER = timedelta(hours=1)
FeeLine = services.FeeLine


@pytest.fixture
def fees(world):
    FeeStandard.objects.create(
        company=world.company, code="LOCK", name="更换门锁", unit="把", price=Decimal("120.00")
    )
    FeeStandard.objects.create(
        company=world.company, code="TAP", name="更换水龙头", unit="个", price=Decimal("35.50")
    )
    FeeStandard.objects.create(
        company=world.company,
        code="OLD",
        name="旧标准",
        unit="次",
        price=Decimal("1.00"),
        is_active=False,
    )


def paid_repair(world, now):
    return ticket_in(
        world,
        now,
        "accepted",
        kind="repair",
        category="HOUSE-DOOR",
        repair_scope="in_home",
        is_paid_repair=True,
        description="入户门锁坏了,要换新锁",
    )


def test_a_paid_repair_is_dispatched_with_its_quote_agreement_and_appointment(world, now, fees):
    ticket = paid_repair(world, now)
    at = now + LATER
    appointment = now + timedelta(days=1, hours=4)
    mark = event_mark()

    order = services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=at + timedelta(hours=2),
        appointment_at=appointment,
        fee_items=[
            FeeLine(quantity=Decimal("1"), standard="LOCK"),
            FeeLine(quantity=Decimal("2"), standard="TAP"),
            FeeLine(quantity=Decimal("1.5"), name="辅材", unit="米", unit_price=Decimal("3.30")),
        ],
        fee_agreement_note="住户电话同意报价",
        now=at,
    )

    items = list(order.fee_items.order_by("pk").values_list("name", "unit", "quantity", "amount"))
    assert items == [
        ("更换门锁", "把", Decimal("1.00"), Decimal("120.00")),
        ("更换水龙头", "个", Decimal("2.00"), Decimal("71.00")),
        ("辅材", "米", Decimal("1.50"), Decimal("4.95")),
    ]
    order.refresh_from_db()
    assert order.fee_total == Decimal("195.95")
    assert isinstance(order.fee_total, Decimal)
    assert (order.fee_agreed_at, order.fee_agreement_note) == (at, "住户电话同意报价")
    assert order.deadline == order.appointment_at == appointment
    assert fresh(ticket).status == Status.DISPATCHED
    event = assert_one_event(
        mark,
        ticket,
        kind=EventKind.DISPATCHED,
        actor=world.supervisor,
        at=at,
        from_status=Status.ACCEPTED,
        to_status=Status.DISPATCHED,
    )
    assert event.data["fee_total"] == "195.95"
    assert datetime.fromisoformat(event.data["deadline"]) == appointment


def test_a_fee_line_from_the_standard_uses_the_standards_price(world, now, fees):
    ticket = paid_repair(world, now)

    order = services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=None,  # the appointment is the deadline
        appointment_at=now + timedelta(days=1),
        fee_items=[FeeLine(quantity=Decimal("3"), standard="TAP", unit_price=Decimal("1"))],
        fee_agreement_note="住户当面签字",
        now=now + LATER,
    )

    item = order.fee_items.get()
    assert (item.standard.code, item.unit_price, item.amount) == (
        "TAP",
        Decimal("35.50"),
        Decimal("106.50"),
    )
    assert order.deadline == now + timedelta(days=1)


def test_a_paid_repair_is_refused_naming_what_is_missing_or_wrong(world, now, fees):
    ticket = paid_repair(world, now)
    at = now + LATER
    good = {
        "department": "SZHY-ENG",
        "deadline": at + timedelta(hours=2),
        "appointment_at": now + timedelta(days=1),
        "fee_items": [FeeLine(quantity=Decimal("1"), standard="LOCK")],
        "fee_agreement_note": "住户电话同意",
    }
    cases = [
        ({"fee_agreement_note": ""}, "fee_agreement_note"),
        ({"fee_agreement_note": "   "}, "fee_agreement_note"),
        ({"fee_items": []}, "fee_items"),
        ({"fee_items": None}, "fee_items"),
        ({"appointment_at": None}, "appointment_at"),
        ({"appointment_at": at - timedelta(hours=1)}, "appointment_at"),
        ({"fee_items": [FeeLine(quantity=Decimal("1"), standard="NOPE")]}, "fee_items[0].standard"),
        ({"fee_items": [FeeLine(quantity=Decimal("1"), standard="OLD")]}, "fee_items[0].standard"),
        (
            {"fee_items": [*good["fee_items"], FeeLine(quantity=Decimal("0"), standard="TAP")]},
            "fee_items[1].quantity",
        ),
        ({"fee_items": [FeeLine(quantity=Decimal("-1"), standard="TAP")]}, "fee_items[0].quantity"),
        ({"fee_items": [FeeLine(quantity="many", standard="TAP")]}, "fee_items[0].quantity"),
        (
            {"fee_items": [FeeLine(quantity=Decimal("1.005"), standard="TAP")]},
            "fee_items[0].quantity",
        ),
        (
            {"fee_items": [FeeLine(quantity=Decimal("1"), unit_price=Decimal("5"))]},
            "fee_items[0].name",
        ),
        ({"fee_items": [FeeLine(quantity=Decimal("1"), name="辅材")]}, "fee_items[0].unit_price"),
        (
            {"fee_items": [FeeLine(quantity=Decimal("1"), name="辅材", unit_price=Decimal("-1"))]},
            "fee_items[0].unit_price",
        ),
        (
            {"fee_items": [FeeLine(quantity=Decimal("1e8"), standard="TAP")]},
            "fee_items[0].quantity",
        ),
        (
            {"fee_items": [FeeLine(quantity=Decimal("99999999"), standard="LOCK")]},
            "fee_items[0].quantity",  # 1.2 billion yuan
        ),
        (
            {"fee_items": [FeeLine(quantity=Decimal("1"), name="辅材", unit_price="cheap")]},
            "fee_items[0].unit_price",
        ),
    ]
    for overrides, field in cases:
        kwargs = {**good, **overrides}
        refused(
            InvalidInput,
            lambda kwargs=kwargs: services.dispatch(world.supervisor, ticket, now=at, **kwargs),
            ticket,
            field=field,
        )


def test_another_companys_fee_standard_is_not_used(world, now, fees):
    from propdesk.org.models import Company

    other = Company.objects.create(code="XX", name="别家物业")
    FeeStandard.objects.create(
        company=other, code="CHEAP", name="便宜门锁", unit="把", price=Decimal("1.00")
    )
    ticket = paid_repair(world, now)
    at = now + LATER

    refused(
        InvalidInput,
        lambda: services.dispatch(
            world.supervisor,
            ticket,
            department="SZHY-ENG",
            deadline=None,
            appointment_at=now + timedelta(days=1),
            fee_items=[FeeLine(quantity=Decimal("1"), standard="CHEAP")],
            fee_agreement_note="同意",
            now=at,
        ),
        ticket,
        field="fee_items[0].standard",
    )


def test_a_paid_repair_transferred_to_another_department_keeps_its_quote(world, now, fees):
    ticket = paid_repair(world, now)
    at = now + LATER
    services.dispatch(
        world.supervisor,
        ticket,
        department="SZHY-ENG",
        deadline=None,
        appointment_at=now + timedelta(days=1),
        fee_items=[FeeLine(quantity=Decimal("1"), standard="LOCK")],
        fee_agreement_note="住户电话同意",
        now=at,
    )

    new = services.transfer(
        world.supervisor,
        ticket,
        work_order=1,
        department="SZHY-SEC",
        reason="防盗门归保安部管理",
        now=at + timedelta(minutes=10),
    )

    assert list(new.fee_items.values_list("name", "amount")) == [("更换门锁", Decimal("120.00"))]
    new.refresh_from_db()
    assert new.fee_total == Decimal("120.00")
    assert (new.fee_agreed_at, new.fee_agreement_note) == (at, "住户电话同意")
    assert new.deadline == new.appointment_at == now + timedelta(days=1)
