"""The handler's phone view: my work orders, start, a progress note with a photo, complete."""

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
