"""Intake: find the caller, fill the form, read it back, register; refusals named; the
household file and the same-place check shown beside the form."""

from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register


def form(world, **overrides):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "3栋电梯停在12楼",
        "expectation": "今天修好",
        "reporter_type": "resident",
        "resident_id": world.resident.pk,
        "room_id": world.room.pk,
        "client_ref": "console-test-1",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def test_the_read_back_comes_first_then_the_ticket_is_registered(world, client):
    client.force_login(world.agent)
    review = client.post("/intake/", form(world))
    html = review.content.decode()
    assert review.status_code == 200
    assert 'id="readback"' in html and "张伟" in html and "3栋2单元1101" in html
    assert not Ticket.objects.exists()
    saved = client.post("/intake/", form(world, confirmed="1"))
    ticket = Ticket.objects.get()
    assert saved.headers["Location"] == f"/tickets/{ticket.number}/"
    assert (ticket.resident, ticket.room, ticket.expectation) == (
        world.resident,
        world.room,
        "今天修好",
    )
    # Pressing the button twice registers once.
    client.post("/intake/", form(world, confirmed="1"))
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": ""}, "description"),
        ({"category": ""}, "category"),
        ({"received_at": "not a time"}, "received_at"),
    ],
)
def test_a_missing_or_wrong_field_is_named_and_nothing_is_saved(world, client, overrides, field):
    client.force_login(world.agent)
    answer = client.post("/intake/", form(world, **overrides))
    assert answer.status_code == 400
    assert f'name="{field}"' in answer.content.decode()
    assert 'id="intake-error"' in answer.content.decode()
    assert not Ticket.objects.exists()


def test_the_caller_is_found_by_phone_and_the_household_file_shown(world, client):
    client.force_login(world.agent)
    found = client.get("/intake/household/", {"phone": "5678"}).content.decode()
    assert "张伟" in found and "3栋2单元1101" in found
    register(world, timezone.now())
    household = client.get(
        "/intake/household/", {"resident": world.resident.pk, "room": world.room.pk}
    )
    assert "未结诉求 (1)" in household.content.decode()


def test_what_is_open_at_the_same_place_is_shown_before_saving(world, client):
    earlier = register(world, timezone.now())
    client.force_login(world.agent)
    similar = client.get(
        "/intake/similar/",
        {"room_id": world.room.pk, "category": "FAC-ELEV", "description": "电梯又坏了"},
    )
    assert earlier.number in similar.content.decode()


def test_an_outsider_cannot_register_in_another_project(world, client):
    client.force_login(world.outsider)
    answer = client.post("/intake/", form(world, confirmed="1"))
    assert answer.status_code in (400, 403)
    assert not Ticket.objects.exists()


def test_the_read_back_shows_a_phone_kept_unvalidated_with_its_warning(world, client):
    client.force_login(world.agent)

    kept = client.post("/intake/", form(world, contact_phone="abc")).content.decode()
    assert 'id="readback-phone-warning"' in kept and "未能核实" in kept
    valid = client.post("/intake/", form(world, contact_phone="+86 755 1234 5678")).content
    assert "0755 1234 5678" in valid.decode()
    assert "readback-phone-warning" not in valid.decode()


@pytest.mark.parametrize("typed", ["+86 755 2233 4455", "0755-22334455", "4455"])
def test_the_caller_is_found_whichever_way_the_number_is_typed(world, client, typed):
    from propdesk.residents.models import Residency, Resident

    caller = Resident.objects.create(company=world.company, name="陈静", phone="075522334455")
    Residency.objects.create(resident=caller, room=world.room, relation="tenant")
    client.force_login(world.agent)

    found = client.get("/intake/household/", {"phone": typed}).content.decode()

    assert "陈静" in found and "张伟" not in found


# --- every refusal at once, beside its field, before the read-back ---------------------------


def test_several_wrong_fields_are_all_named_beside_their_fields_and_nothing_is_saved(world, client):
    client.force_login(world.agent)
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    answer = client.post(
        "/intake/",
        form(world, description="", category="", received_at=tomorrow, contact_phone="1" * 21),
    )

    html = answer.content.decode()
    assert answer.status_code == 400
    for field, words in (
        ("description", "诉求内容"),
        ("category", "分类"),
        ("received_at", "接报时间不能晚于现在"),
        ("contact_phone", "太长"),
    ):
        beside = html.split(f'id="error-{field}"', 1)[1].split("</div>", 1)[0]
        assert words in beside, field
    assert "有 4 处需要更正" in html
    assert 'id="readback"' not in html
    assert not Ticket.objects.exists()


def test_the_check_answers_every_refusal_by_field_before_the_read_back(world, client):
    client.force_login(world.agent)
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    answer = client.post(
        "/intake/check/", form(world, description="", category="NOPE", received_at=tomorrow)
    )

    assert answer.status_code == 400
    body = answer.json()
    assert {e["field"] for e in body["errors"]} == {"description", "category", "received_at"}
    assert body["readback"] == ""
    assert not Ticket.objects.exists()


def test_the_check_answers_the_read_back_and_the_phone_warning_when_all_is_right(world, client):
    client.force_login(world.agent)

    answer = client.post("/intake/check/", form(world, contact_phone="abc"))

    body = answer.json()
    assert answer.status_code == 200, body
    assert body["errors"] == []
    assert 'id="readback"' in body["readback"] and "张伟" in body["readback"]
    assert body["warnings"][0]["field"] == "contact_phone"
    assert not Ticket.objects.exists()


def test_a_description_over_the_limit_is_refused_with_the_limit(world, client):
    from propdesk.tickets.services import DESCRIPTION_MAX_LENGTH

    client.force_login(world.agent)
    page = client.get("/intake/").content.decode()
    assert f'data-max="{DESCRIPTION_MAX_LENGTH}"' in page and 'id="description-counter"' in page

    answer = client.post("/intake/check/", form(world, description="漏" * 2001))

    [error] = answer.json()["errors"]
    assert error["field"] == "description" and "2000" in error["message"]
    assert client.post("/intake/check/", form(world, description="漏" * 2000)).status_code == 200


# --- attachments: refused beside the file field, the request not saved half -----------------


@pytest.fixture
def media(tmp_path):
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def png(name: str = "photo.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def html_as_jpg():
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = b"<html><body><script>alert(1)</script></body></html>"
    return SimpleUploadedFile("photo.jpg", page, content_type="image/jpeg")


def test_a_refused_file_is_named_at_the_file_field_and_nothing_is_saved(world, client, media):
    from propdesk.tickets.models import Attachment

    client.force_login(world.agent)

    answer = client.post("/intake/", form(world, confirmed="1", files=[png(), html_as_jpg()]))

    html = answer.content.decode()
    assert answer.status_code == 400
    beside = html.split('id="error-files"', 1)[1].split("</div>", 1)[0]
    assert "photo.jpg" in beside
    assert 'id="readback"' in html  # the request itself is right: confirm again without it
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert stored(media) == []  # the accepted photo stored before the refusal is gone too


def test_the_check_refuses_a_file_before_the_read_back_and_leaves_nothing(world, client, media):
    client.force_login(world.agent)

    answer = client.post("/intake/check/", form(world, files=[html_as_jpg()]))

    [error] = answer.json()["errors"]
    assert error["field"] == "files" and "photo.jpg" in error["message"]
    assert answer.json()["readback"] == ""
    assert not Ticket.objects.exists() and stored(media) == []
    # The trial registration was undone whole: the next number is still the first of the day.
    client.post("/intake/", form(world, confirmed="1", files=[png()]))
    ticket = Ticket.objects.get()
    assert ticket.number.endswith("-0001")
    assert [a.original_name for a in ticket.attachments.all()] == ["photo.png"]
    assert len(stored(media)) == 1
