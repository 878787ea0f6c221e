"""Resident archive pages: search, the household file of a room, one person's file, and the
logged reveal of a full phone number — as the staff member using the console sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from propdesk.core.models import AuditAction, AuditLog
from propdesk.residents.models import Residency, Resident
from propdesk.tickets.tests.helpers import register, walk

FULL = "13812345678"
MASKED = "138****5678"


def page(client: Client, user, url: str, data: dict | None = None, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(url, data or {})
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def results(html: str) -> str:
    """The search results, without the form (whose examples and echoed input would match)."""
    return html.split('id="resident-search"', 1)[1].split("</form>", 1)[1]


def tickets_table(html: str) -> str:
    return html.split('id="room-tickets"', 1)[1].split("</table>", 1)[0]


# --- search ------------------------------------------------------------------------------


def test_search_by_full_phone_finds_the_caller_with_the_phone_masked(world, client):
    html = page(client, world.agent, "/residents/", {"phone": FULL})

    assert "张伟" in results(html)
    assert MASKED in results(html)
    assert f"/residents/{world.resident.pk}/" in html
    assert f"/rooms/{world.room.pk}/" in html and "3栋2单元1101" in html
    # The number the agent typed is echoed back (search box, the page's own address); no full
    # number comes from the archive.
    assert f'value="{FULL}"' in html
    assert FULL not in html.replace(f'value="{FULL}"', "").replace(f"phone={FULL}", "")
    assert "李娜" not in results(html)


@pytest.mark.parametrize("phone", ["5678", "138-1234-5678", "12345678"])
def test_search_by_last_digits_or_written_any_way(world, client, phone):
    html = page(client, world.agent, "/residents/", {"phone": phone})

    assert "张伟" in results(html) and MASKED in results(html)
    assert FULL not in html


def test_search_by_name_shows_the_key_customer_badge(world, client):
    world.resident.is_key_customer = True
    world.resident.save()

    html = page(client, world.agent, "/residents/", {"name": "张"})

    assert "张伟" in results(html)
    assert "key-customer" in results(html) and "重点客户" in results(html)


@pytest.mark.parametrize("text", ["3栋2单元1101", "1101", "3栋 1101"])
def test_search_by_room_lists_the_room_and_its_people(world, client, text):
    html = page(client, world.agent, "/residents/", {"room": text})

    assert 'id="room-results"' in html
    assert f'href="/rooms/{world.room.pk}/"' in html
    assert "张伟" in results(html) and MASKED in results(html)


def test_search_by_room_and_name_must_match_both(world, client):
    html = page(client, world.agent, "/residents/", {"room": "1101", "name": "王"})

    assert f'href="/rooms/{world.room.pk}/"' in html  # the room is still listed
    assert "张伟" not in results(html)
    assert "没有找到住户" in html


def test_a_phone_too_short_to_search_is_explained(world, client):
    html = page(client, world.agent, "/residents/", {"phone": "12"}, status=400)

    assert "电话至少输入 4 位数字" in html


def test_an_empty_search_lists_nobody(world, client):
    html = page(client, world.agent, "/residents/")

    assert 'id="search-hint"' in html
    assert "张伟" not in results(html) and "李娜" not in results(html)


def test_an_outsider_finds_nobody_of_another_project(world, client):
    for query in ({"phone": FULL}, {"name": "张伟"}, {"room": "3栋2单元1101"}):
        html = page(client, world.outsider, "/residents/", query)
        assert "张伟" not in results(html)
        assert "没有找到住户" in html
        assert f"/rooms/{world.room.pk}/" not in html

    # …but does find the people of their own project.
    assert "李娜" in results(page(client, world.outsider, "/residents/", {"name": "李"}))


def test_search_shows_only_the_rooms_in_scope(world, client):
    """A resident who also lives in another project does not reveal that flat."""
    Residency.objects.create(resident=world.resident, room=world.other_room, relation="owner")

    html = page(client, world.agent, "/residents/", {"name": "张伟"})

    assert "3栋2单元1101" in html
    assert "1栋1单元0201" not in html


def test_search_results_are_paginated(world, client):
    for i in range(30):
        someone = Resident.objects.create(
            company=world.company, name=f"张{i:02d}", phone=f"1390000{i:04d}"
        )
        Residency.objects.create(resident=someone, room=world.room, relation="family")

    first = page(client, world.agent, "/residents/", {"name": "张"})
    second = page(client, world.agent, "/residents/", {"name": "张", "page": 2})

    assert "共 31 位住户" in first
    assert "page=2" in first
    assert "1 / 2" in first and "2 / 2" in second


def test_search_queries_stay_bounded(world, client, django_assert_max_num_queries):
    for i in range(20):
        someone = Resident.objects.create(
            company=world.company, name=f"张{i:02d}", phone=f"1390000{i:04d}"
        )
        Residency.objects.create(resident=someone, room=world.room, relation="family")
    client.force_login(world.agent)

    with django_assert_max_num_queries(9):
        response = client.get("/residents/", {"name": "张", "room": "1101"})

    assert response.status_code == 200
    assert response.content.decode().count("/rooms/") >= 21


def test_login_is_required(world, client):
    response = client.get("/residents/", {"phone": FULL})

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- the household file (room page) --------------------------------------------------------


def test_room_page_shows_the_household_its_requests_and_callbacks(world, now, client):
    world.resident.notes = "独居老人,不用微信"
    world.resident.contact_times = "晚上 7 点后"
    world.resident.save()
    older = walk(world, now - timedelta(days=3), "callback_done")
    newer = register(world, now, description="楼道灯不亮")

    html = page(client, world.agent, f"/rooms/{world.room.pk}/")

    assert "3栋2单元1101" in html and "华苑" in html
    assert f'href="/residents/{world.resident.pk}/"' in html
    assert "张伟" in html and "业主" in html
    assert "独居老人,不用微信" in html and "晚上 7 点后" in html
    assert MASKED in html and FULL not in html
    # Every request of the room, newest first, each linking to its ticket page.
    rows = tickets_table(html)
    assert rows.index(f'href="/tickets/{newer.number}/"') < rows.index(
        f'href="/tickets/{older.number}/"'
    )
    assert "满意" in html  # the callback of the older one
    assert f'href="/intake/?room={world.room.pk}"' in html
    assert "为此房屋登记新诉求" in html


def test_room_page_offers_the_reveal_only_to_roles_that_may(world, client):
    assert "查看完整号码" in page(client, world.agent, f"/rooms/{world.room.pk}/")
    html = page(client, world.quality, f"/rooms/{world.room.pk}/")

    assert "查看完整号码" not in html and "reveal-phone" not in html
    assert MASKED in html


def test_room_page_of_another_project_is_refused(world, client):
    html = page(client, world.outsider, f"/rooms/{world.room.pk}/", status=403)

    assert 'id="forbidden"' in html
    assert "张伟" not in html


def test_room_page_of_a_missing_room_is_not_found(world, client):
    page(client, world.agent, "/rooms/999999/", status=404)


def test_room_page_queries_stay_bounded(world, now, client, django_assert_max_num_queries):
    for i in range(4):
        walk(world, now + timedelta(minutes=10 * i), "callback_done")
    for i in range(5):
        someone = Resident.objects.create(
            company=world.company, name=f"家人{i}", phone=f"1390000{i:04d}"
        )
        Residency.objects.create(resident=someone, room=world.room, relation="family")
    client.force_login(world.agent)

    with django_assert_max_num_queries(9):
        response = client.get(f"/rooms/{world.room.pk}/")

    assert response.status_code == 200
    assert response.content.decode().count("/reveal-phone/") == 6  # one button per person


# --- one person's file ---------------------------------------------------------------------


def test_resident_page_shows_the_person_their_rooms_and_requests(world, now, client):
    ticket = walk(world, now, "callback_done")

    html = page(client, world.agent, f"/residents/{world.resident.pk}/")

    assert "张伟" in html and MASKED in html and FULL not in html
    assert f'href="/rooms/{world.room.pk}/"' in html
    assert f'href="/tickets/{ticket.number}/"' in html
    assert "满意" in html
    assert f'href="/intake/?resident={world.resident.pk}"' in html


def test_resident_page_shows_only_the_rooms_in_scope(world, client):
    Residency.objects.create(resident=world.resident, room=world.other_room, relation="owner")

    html = page(client, world.agent, f"/residents/{world.resident.pk}/")

    assert f"/rooms/{world.room.pk}/" in html
    assert f"/rooms/{world.other_room.pk}/" not in html


def test_resident_page_of_another_project_is_refused(world, client):
    html = page(client, world.outsider, f"/residents/{world.resident.pk}/", status=403)

    assert "张伟" not in html


def test_resident_page_queries_stay_bounded(world, now, client, django_assert_max_num_queries):
    for i in range(4):
        walk(world, now + timedelta(minutes=10 * i), "callback_done")
    client.force_login(world.agent)

    with django_assert_max_num_queries(9):
        response = client.get(f"/residents/{world.resident.pk}/")

    assert response.status_code == 200


# --- revealing a phone -----------------------------------------------------------------------


def reveal(client: Client, user, resident) -> tuple[int, str]:
    client.force_login(user)
    response = client.post(f"/residents/{resident.pk}/reveal-phone/", REMOTE_ADDR="10.0.0.7")
    return response.status_code, response.content.decode()


def test_a_role_that_may_reveal_gets_the_full_number_and_it_is_logged(world, client):
    world.resident.phone2 = "020-8888-6666"
    world.resident.save()

    status, html = reveal(client, world.agent, world.resident)

    assert status == 200
    assert FULL in html and "02088886666" in html
    assert "<html" not in html  # a fragment for htmx, not a page
    [log] = AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL)
    assert log.user == world.agent
    assert (log.object_type, log.object_id) == ("resident", str(world.resident.pk))
    assert log.ip == "10.0.0.7"


@pytest.mark.parametrize("role", ["quality", "hq", "region_user"])
def test_a_role_that_may_not_reveal_is_refused_and_nothing_is_logged(world, client, role):
    status, html = reveal(client, getattr(world, role), world.resident)

    assert status == 403
    assert FULL not in html
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()


def test_an_outsider_cannot_reveal_a_phone_of_another_project(world, client):
    status, html = reveal(client, world.outsider, world.resident)

    assert status == 403
    assert FULL not in html
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()


def test_reveal_is_post_only(world, client):
    client.force_login(world.agent)

    response = client.get(f"/residents/{world.resident.pk}/reveal-phone/")

    assert response.status_code == 405
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()


def test_a_phone_kept_unvalidated_is_flagged_on_the_resident_pages(world, client):
    """A phone that could not be validated is kept as typed (residents/phones.py) and every
    page that shows it says so; a valid one is not flagged."""
    world.resident.phone2 = "abc"
    world.resident.save()

    for url in (f"/residents/{world.resident.pk}/", f"/rooms/{world.room.pk}/"):
        html = page(client, world.agent, url)
        assert html.count("phone-warning") == 1, url
        assert "号码未核实" in html
    found = results(page(client, world.agent, "/residents/", {"name": "张伟"}))
    assert "号码未核实" in found
