"""The handler's phone view: my work orders, start, a progress note with a photo, complete."""

import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from propdesk.tickets.tests.helpers import walk
from propdesk.tickets.tests.test_api_detail import tiny_png


def test_a_handler_works_an_order_from_the_phone_view(world, client):
    ticket = walk(world, timezone.now() - timedelta(hours=1), "dispatched")
    client.force_login(world.handler)
    assert ticket.number in client.get("/my-orders/").content.decode()
    base = f"/my-orders/{ticket.number}/1/"
    assert client.post(base + "start/").status_code == 302
    photo = SimpleUploadedFile("lift.png", tiny_png(), content_type="image/png")
    assert client.post(base + "note/", {"text": "已到现场", "photo": photo}).status_code == 302
    page = client.get(base).content.decode()
    assert "已到现场" in page and "<img" in page
    assert client.post(base + "complete/", {"result": "更换主板"}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == ("resolved", "更换主板")
    assert ticket.number not in client.get("/my-orders/").content.decode()


def test_completing_without_a_result_is_refused_and_said(world, client):
    ticket = walk(world, timezone.now() - timedelta(hours=1), "in_progress")
    client.force_login(world.handler)
    answer = client.post(f"/my-orders/{ticket.number}/1/complete/", {"result": ""})
    assert answer.status_code == 400
    assert 'id="order-error"' in answer.content.decode()


def test_another_departments_handler_cannot_work_the_order(world, client):
    ticket = walk(world, timezone.now() - timedelta(hours=1), "dispatched")
    client.force_login(world.security_handler)
    assert ticket.number not in client.get("/my-orders/").content.decode()
    assert client.post(f"/my-orders/{ticket.number}/1/start/").status_code == 403


def test_a_handler_signing_in_lands_on_my_orders(world, client):
    answer = client.post("/login/", {"username": "handler", "password": "pw-handler"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/my-orders/"
    html = answer.content.decode()
    assert '<h1 class="h5">我的工单' in html
    assert "bi-speedometer2" not in html  # no dashboard in the menu: this is their home


def test_an_order_past_its_deadline_is_flagged_on_the_list_and_the_page(world, client):
    late = walk(world, timezone.now() - timedelta(hours=6), "in_progress")  # due 2 h ago
    in_time = walk(world, timezone.now() - timedelta(hours=1), "dispatched")  # due in 3 h
    on_hold = walk(world, timezone.now() - timedelta(hours=6), "suspended")  # its clock paused
    client.force_login(world.handler)
    rows = client.get("/my-orders/").content.decode().split('class="list-group-item')[1:]
    flagged = {row.split("<strong>")[1].split(" ")[0]: "overdue-flag" in row for row in rows}
    assert flagged == {late.number: True, in_time.number: False, on_hold.number: False}
    page = client.get(f"/my-orders/{late.number}/1/").content.decode()
    assert 'id="order-overdue"' in page and re.search(r"已超期 2小时\d+分", page)
    other = client.get(f"/my-orders/{in_time.number}/1/").content.decode()
    assert 'id="order-overdue"' not in other


def test_the_contact_phone_is_masked_and_its_reveal_to_call_is_logged(world, client):
    from propdesk.core.models import AuditAction, AuditLog

    ticket = walk(world, timezone.now() - timedelta(hours=1), "dispatched")
    client.force_login(world.handler)
    base = f"/my-orders/{ticket.number}/1/"
    page = client.get(base).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()

    answer = client.post(base + "reveal-phone/")
    assert answer.status_code == 200
    assert 'href="tel:+8613812345678"' in answer.content.decode()
    reveal = AuditLog.objects.get(action=AuditAction.PHONE_REVEAL)
    assert (reveal.user, reveal.object_type, reveal.object_id) == (
        world.handler,
        "ticket",
        ticket.number,
    )


def test_a_role_that_may_not_see_phones_is_refused_the_reveal_and_nothing_is_logged(world, client):
    from propdesk.core.models import AuditAction, AuditLog

    ticket = walk(world, timezone.now() - timedelta(hours=1), "dispatched")
    client.force_login(world.quality)
    assert client.post(f"/my-orders/{ticket.number}/1/reveal-phone/").status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.PHONE_REVEAL).exists()
