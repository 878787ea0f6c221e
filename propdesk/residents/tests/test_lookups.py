"""Finding residents and rooms (一户一档, SPEC §2), only within the user's scope, and phone
numbers normalised for lookup and masked for lists."""

from __future__ import annotations

import pytest

from conftest import make_room
from propdesk.core.errors import InvalidInput, NotFound, OutOfScope
from propdesk.residents.models import Residency, Resident, mask_phone, phone_digits
from propdesk.residents.services import (
    find_residents,
    find_rooms,
    get_resident,
    get_room,
    residents_for,
)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0755-8888 6666", "075588886666"),  # a landline keeps its area code
        ("86123", "86123"),  # too short to be a +86 number
        ("", ""),
        (None, ""),
    ],
)
def test_a_phone_is_reduced_to_the_digits_people_dial(typed, digits):
    assert phone_digits(typed) == digits


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("075588886666", "075*****6666"),
        ("12345678", "123*5678"),
        ("1234567", "1****67"),
        ("12345", "1**45"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_lists_show_phones_masked(phone, masked):
    assert mask_phone(phone) == masked


def test_a_resident_saved_with_a_formatted_phone_is_stored_as_digits(world):
    resident = Resident.objects.create(
        company=world.company, name="陈静", phone="+86 139-0000-1111", phone2="0755-8888 6666"
    )

    resident.refresh_from_db()
    assert (resident.phone, resident.phone2) == ("13900001111", "075588886666")


def test_a_resident_is_found_by_the_full_number_however_it_is_typed(world):
    assert list(find_residents(world.agent, phone="+86 138-1234-5678")) == [world.resident]


def test_a_resident_is_found_by_the_last_digits_people_remember(world):
    assert list(find_residents(world.agent, phone="5678")) == [world.resident]
    assert list(find_residents(world.agent, phone="尾号 5678")) == [world.resident]


def test_a_resident_is_found_by_the_second_phone(world):
    world.resident.phone2 = "13700009999"
    world.resident.save()

    assert list(find_residents(world.agent, phone="13700009999")) == [world.resident]
    assert list(find_residents(world.agent, phone="9999")) == [world.resident]


def test_a_resident_is_found_by_part_of_the_name_and_by_room(world):
    spouse = Resident.objects.create(company=world.company, name="张丽", phone="13600001111")
    Residency.objects.create(resident=spouse, room=world.room, relation="family")

    assert set(find_residents(world.agent, name="张")) == {world.resident, spouse}
    assert list(find_residents(world.agent, name=" 张伟 ")) == [world.resident]
    assert set(find_residents(world.agent, room_id=world.room.pk)) == {world.resident, spouse}
    assert list(find_residents(world.agent, name="丽", room_id=world.room.pk)) == [spouse]


def test_a_resident_of_another_project_is_not_found(world):
    assert list(find_residents(world.agent, phone="13987654321")) == []
    assert list(find_residents(world.agent, name="李娜")) == []
    assert list(find_residents(world.outsider, name="李娜")) == [world.neighbour]
    assert set(find_residents(world.hq, name="张伟")) == {world.resident}


def test_a_resident_living_in_two_rooms_is_listed_once(world):
    second = make_room(world.project, "9", "1", "0101")
    Residency.objects.create(resident=world.resident, room=second, relation="owner")

    assert list(find_residents(world.agent, phone="5678")) == [world.resident]
    assert list(residents_for(world.agent)) == [world.resident]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"phone": "123"}, {"phone": "abc"}, {"phone": "  "}, {"name": "   "}],
    ids=["nothing", "three-digits", "no-digits", "blank-phone", "blank-name"],
)
def test_a_search_needs_a_phone_of_four_digits_a_name_or_a_room(world, kwargs):
    with pytest.raises(InvalidInput) as info:
        list(find_residents(world.agent, **kwargs))

    assert info.value.field in {"phone", "name"}


def test_getting_a_resident_outside_the_scope_is_refused_and_an_unknown_one_not_found(world):
    assert get_resident(world.agent, world.resident.pk) == world.resident

    with pytest.raises(OutOfScope):
        get_resident(world.agent, world.neighbour.pk)
    with pytest.raises(NotFound):
        get_resident(world.agent, 999999)


def test_getting_a_room_outside_the_scope_is_refused_and_an_unknown_one_not_found(world):
    room = get_room(world.agent, world.room.pk)

    assert room.label == "3栋2单元1101"
    with pytest.raises(OutOfScope):
        get_room(world.agent, world.other_room.pk)
    with pytest.raises(NotFound):
        get_room(world.agent, 999999)


def test_rooms_are_listed_within_the_scope_by_project_building_or_text(world):
    other_building = make_room(world.project, "5", "1", "0302")

    assert set(find_rooms(world.agent)) == {world.room, other_building}
    assert set(find_rooms(world.hq)) == {world.room, other_building, world.other_room}
    assert list(find_rooms(world.agent, project="GZLY")) == []
    assert list(find_rooms(world.hq, project="GZLY")) == [world.other_room]
    assert list(find_rooms(world.agent, building_id=world.room.building_id)) == [world.room]
    assert list(find_rooms(world.agent, q="1101")) == [world.room]
    assert list(find_rooms(world.agent, q=" 5栋 ")) == [other_building]
    assert list(find_rooms(world.agent, q="2单元")) == [world.room]
