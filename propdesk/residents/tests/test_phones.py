"""Phones read once (residents/phones.py): every way of typing one number is one stored number,
found by any of them; what cannot be validated is kept as typed with a warning, never dropped."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from hypothesis import given, settings
from hypothesis import strategies as st

from propdesk.core.errors import InvalidInput
from propdesk.residents import phones
from propdesk.residents.models import Residency, Resident
from propdesk.residents.services import find_residents
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        # A Shenzhen landline, however it is written down.
        ("+86 755 1234 5678", "075512345678", "0755 1234 5678"),
        ("0755-12345678", "075512345678", "0755 1234 5678"),
        ("(0755)1234 5678", "075512345678", "0755 1234 5678"),
        ("（０７５５）１２３４５６７８", "075512345678", "0755 1234 5678"),  # full-width
        ("0086 755 12345678", "075512345678", "0755 1234 5678"),
        ("010-8888 6666", "01088886666", "010 8888 6666"),  # Beijing: a 3-digit area code
        # A mobile.
        ("13812345678", "13812345678", "138 1234 5678"),
        ("138-1234-5678", "13812345678", "138 1234 5678"),
        ("+86 138 1234 5678", "13812345678", "138 1234 5678"),
        ("8613812345678", "13812345678", "138 1234 5678"),
        # A service number, and a number of another country in E.164.
        ("400-820-8820", "4008208820", "400 820 8820"),
        ("+852 9123 4567", "+85291234567", "+852 9123 4567"),
    ],
)
def test_every_way_of_typing_a_number_is_one_stored_number(typed, stored, shown):
    number = phones.normalise(typed)

    assert (number.valid, number.canonical, number.display, number.warning) == (
        True,
        stored,
        shown,
        "",
    )


def test_the_two_forms_of_the_issue_are_the_same_number():
    assert phones.canonical("+86 755 1234 5678") == phones.canonical("0755-12345678")
    assert phones.normalise("0755-12345678").e164 == "+8675512345678"


@pytest.mark.parametrize(
    "typed",
    [
        "0755-12345678 转 801",
        "0755-12345678转801",
        "0755-12345678 分机 801",
        "0755-12345678-801",
        "0755 1234 5678 ext. 801",
        "0755 1234 5678#801",
        "075512345678-801",  # the stored form reads back as itself
    ],
)
def test_an_extension_is_kept_after_the_line(typed):
    number = phones.normalise(typed)

    assert (number.valid, number.canonical, number.extension) == (True, "075512345678-801", "801")
    assert number.display == "0755 1234 5678 转 801"
    assert phones.mask(number.canonical) == "075*****5678-801"


@settings(max_examples=2000, deadline=None)
@given(st.from_regex(r"1[0-9]{10}", fullmatch=True))
def test_a_mobile_typed_as_its_eleven_digits_reads_as_the_full_reading_reads_it(typed):
    # The short way (phones._clean_mobile) must never say otherwise than phonenumbers.
    assert phones.normalise.__wrapped__(typed) == phones._read_typed(typed)


@pytest.mark.parametrize("prefix", [f"1{d:02d}" for d in range(100)])
def test_every_three_digit_prefix_reads_as_the_full_reading_reads_it(prefix):
    for rest in ("00000000", "12345678", "40012345", "99999999"):
        typed = prefix + rest
        assert phones.normalise.__wrapped__(typed) == phones._read_typed(typed)


def test_a_mobile_is_told_from_a_landline():
    assert phones.normalise("13812345678").is_mobile
    assert not phones.normalise("0755-12345678").is_mobile


@pytest.mark.parametrize(
    "typed",
    ["abc", "12", "1381234567", "12345678", "138-1234-5678-9", "95588"],
)
def test_what_cannot_be_validated_is_kept_as_typed_with_a_warning(typed):
    number = phones.normalise(typed)

    assert not number.valid
    assert number.canonical == number.display == typed
    assert "未能核实" in number.warning


def test_nothing_typed_is_nothing_stored_and_no_warning():
    assert phones.normalise("  ").canonical == ""
    assert phones.warning("") == ""


def test_only_a_phone_longer_than_the_column_is_refused_naming_the_field():
    assert phones.clean("abc", "contact_phone").canonical == "abc"
    with pytest.raises(InvalidInput) as refused:
        phones.clean("1" * 21, "contact_phone", "联系电话")
    assert refused.value.field == "contact_phone"
    assert "联系电话" in refused.value.message


def test_a_resident_saved_with_abc_keeps_it_with_a_warning(world):
    resident = Resident.objects.create(company=world.company, name="王芳", phone="abc")

    resident.refresh_from_db()
    assert resident.phone == "abc"
    assert phones.warning(resident.phone)


def _resident_with(world, phone: str) -> Resident:
    resident = Resident.objects.create(company=world.company, name="陈静", phone=phone)
    Residency.objects.create(resident=resident, room=world.room, relation="tenant")
    return resident


@pytest.mark.parametrize(
    "saved_as", ["+86 755 2233 4455", "0755-22334455", "075522334455", "(0755) 2233-4455"]
)
@pytest.mark.parametrize(
    "typed",
    ["+86 755 2233 4455", "0755-22334455", "075522334455", "0755 2233 4455", "4455", "22334455"],
)
def test_the_resident_is_found_whichever_form_is_typed(world, saved_as, typed):
    resident = _resident_with(world, saved_as)

    assert list(find_residents(world.agent, phone=typed)) == [resident]


def test_a_line_with_an_extension_is_found_by_the_line_and_by_the_extension(world):
    resident = _resident_with(world, "0755-22334455 转 801")

    for typed in ("0755-22334455", "+86 755 2233 4455", "0755 2233 4455 ext 801", "4455"):
        assert list(find_residents(world.agent, phone=typed)) == [resident], typed
    assert list(find_residents(world.agent, phone="0755-22334455 转 802")) == []


def test_a_mobile_is_found_in_its_international_form(world):
    assert list(find_residents(world.agent, phone="+86 138 1234 5678")) == [world.resident]
    assert list(find_residents(world.agent, phone="0086-138-1234-5678")) == [world.resident]


def test_the_data_migration_stores_old_digit_forms_in_the_one_form(world, now):
    """Phones stored by the old code (digits only: +86 755 2233 4455 was kept as 75522334455)
    are stored in the one form; an unvalidated phone and a mobile are left as they are."""
    migration = importlib.import_module("propdesk.residents.migrations.0002_normalise_phones")
    landline = _resident_with(world, "x")
    ticket = register(world, now)
    # As the old code left them, written past save() (which would normalise them).
    Resident.objects.filter(pk=landline.pk).update(phone="75522334455", phone2="861088886666")
    Resident.objects.filter(pk=world.neighbour.pk).update(phone2="12345")
    Ticket.objects.filter(pk=ticket.pk).update(contact_phone="8675522334455")

    migration.normalise_phones(apps, None)
    migration.normalise_phones(apps, None)  # a second run changes nothing

    landline.refresh_from_db()
    world.neighbour.refresh_from_db()
    assert (landline.phone, landline.phone2) == ("075522334455", "01088886666")
    assert (world.neighbour.phone, world.neighbour.phone2) == ("13987654321", "12345")
    assert Ticket.objects.get(pk=ticket.pk).contact_phone == "075522334455"
    assert list(find_residents(world.agent, phone="+86 755 2233 4455")) == [landline]
