"""After the callback or the closure, the resident may still say the result did not hold,
within the window (SPEC §12); and the resident sees the photos they added, nobody else does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from propdesk.callbacks.models import CallbackTask, TaskReason, TaskStatus
from propdesk.core.errors import PermissionDenied
from propdesk.portal.models import PortalSettings, Submission
from propdesk.portal.tests.test_portal import NOW, _other_household, photo, signed_in
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import EventKind, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", ["callback_done", "closed"])
def test_a_request_called_back_or_closed_reopens_at_the_residents_word(world, state):
    ticket = walk(world, NOW - timedelta(hours=5), state)
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/r/{ticket.number}/").content.decode()
    assert 'id="reopen"' in page and 'id="answer"' not in page
    client.post(f"/h5/{world.project.code}/r/{ticket.number}/not_done/", {"reason": "又漏了"})
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED and ticket.reopen_count == 1
    assert ticket.closed_at is None and ticket.resolved_at is None
    event = ticket.events.filter(kind=EventKind.REOPENED).get()
    assert event.note == "住户反映:又漏了" and event.data["by_resident"] is True
    assert event.actor.username == f"portal.{world.project.code}"
    task = CallbackTask.objects.get(ticket=ticket, status=TaskStatus.OPEN)
    assert task.reason == TaskReason.PORTAL_UNSATISFIED
    page = client.get(f"/h5/{world.project.code}/r/{ticket.number}/").content.decode()
    assert "重新处理中" in page and "住户反映:又漏了" in page and 'id="reopen"' not in page


def test_after_the_window_the_resident_is_asked_to_submit_again(world, settings):
    settings.PORTAL_CONFIRM_DAYS = 7
    ticket = walk(world, NOW - timedelta(days=8), "closed")
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/r/{ticket.number}/").content.decode()
    assert 'id="reopen"' not in page
    refused = client.post(
        f"/h5/{world.project.code}/r/{ticket.number}/not_done/", {"reason": "又漏了"}
    )
    assert refused.status_code == 409 and "重新提交" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_a_closure_with_the_companys_position_is_not_reopened_from_the_portal(world):
    ticket = walk(world, NOW - timedelta(hours=3), "resolved")
    ticket_services.close(
        world.supervisor, ticket, reason="disagreement", note="已按合同说明,证据见附件", now=NOW
    )
    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/r/{ticket.number}/").content.decode()
    assert 'id="reopen"' not in page
    refused = client.post(
        f"/h5/{world.project.code}/r/{ticket.number}/not_done/", {"reason": "不同意"}
    )
    assert refused.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_only_the_portal_reopens_at_the_residents_word(world):
    ticket = walk(world, NOW - timedelta(hours=3), "closed")
    with pytest.raises(PermissionDenied):
        ticket_services.reopen_at_residents_word(world.agent, ticket, reason="x", now=NOW)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def _submitted_with_photo(client: Client, world) -> Ticket:
    client.post(
        f"/h5/{world.project.code}/new/",
        {"kind": "repair", "category": "FAC", "description": "阳台漏水", "photos": [photo()]},
    )
    return Ticket.objects.latest("pk")


def test_the_resident_sees_the_photos_they_added_and_not_staffs_files(world):
    client = signed_in(Client(), world.project)
    ticket = _submitted_with_photo(client, world)
    ticket_services.add_attachment(world.agent, ticket, photo("site.jpg"), now=NOW)
    mine = ticket.attachments.get(uploaded_by__username__startswith="portal.")
    staff = ticket.attachments.exclude(pk=mine.pk).get()
    page = client.get(f"/h5/{world.project.code}/r/{ticket.number}/").content.decode()
    url = f"/h5/{world.project.code}/r/{ticket.number}/photo/{mine.pk}"
    assert url in page and f"/photo/{staff.pk}" not in page
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert b"".join(answer.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in answer["Cache-Control"]
    staff_url = f"/h5/{world.project.code}/r/{ticket.number}/photo/{staff.pk}"
    assert client.get(staff_url).status_code == 404


def test_another_household_and_a_stranger_get_no_photo(world):
    client = signed_in(Client(), world.project)
    ticket = _submitted_with_photo(client, world)
    url = f"/h5/{world.project.code}/r/{ticket.number}/photo/{ticket.attachments.get().pk}"
    _other_household(world)
    neighbour = signed_in(Client(), world.project, "13700001111")
    assert neighbour.get(url).status_code == 404
    assert Client().get(url).status_code in (302, 404)
    assert b"\xff\xd8" not in Client().get(url).content


def test_an_anonymous_request_shows_its_photos_by_its_private_link_only(world):
    PortalSettings.objects.create(project=world.project, allow_anonymous=True)
    client = Client()
    client.post(
        f"/h5/{world.project.code}/new/?anonymous=1",
        {
            "kind": "complaint",
            "category": "ENV",
            "description": "垃圾没清",
            "place": "东门",
            "photos": [photo()],
        },
    )
    ticket = Ticket.objects.get()
    token = Submission.objects.get(ticket=ticket).token
    pk = ticket.attachments.get().pk
    page = Client().get(f"/h5/{world.project.code}/t/{token}/").content.decode()
    url = f"/h5/{world.project.code}/t/{token}/photo/{pk}"
    assert url in page
    assert Client().get(url).status_code == 200
    wrong = token[:-1] + ("y" if token.endswith("x") else "x")
    assert Client().get(f"/h5/{world.project.code}/t/{wrong}/photo/{pk}").status_code == 404
    assert Client().get(f"/h5/{world.other_project.code}/t/{token}/photo/{pk}").status_code == 404


def test_a_resident_turns_notices_off_and_on_from_the_portal(world):
    from propdesk.notify.models import OutboxMessage
    from propdesk.tickets.tests.helpers import register

    client = signed_in(Client(), world.project)
    page = client.get(f"/h5/{world.project.code}/").content.decode()
    assert 'id="messages-off"' in page
    client.post(f"/h5/{world.project.code}/messages/", {"allowed": "0"})
    world.resident.refresh_from_db()
    assert world.resident.accepts_messages is False
    quiet = register(world, NOW)
    assert not OutboxMessage.objects.filter(ticket=quiet, user__isnull=True).exists()
    assert 'id="messages-on"' in client.get(f"/h5/{world.project.code}/").content.decode()

    client.post(f"/h5/{world.project.code}/messages/", {"allowed": "1"})
    told = register(world, NOW + timedelta(minutes=1))
    receipt = OutboxMessage.objects.get(ticket=told, event="ticket_registered_receipt")
    assert receipt.address == world.resident.phone


def test_a_phone_not_on_file_has_no_notice_setting(world):
    client = signed_in(Client(), world.project, "13600000000")
    assert 'id="messages' not in client.get(f"/h5/{world.project.code}/").content.decode()
    client.post(f"/h5/{world.project.code}/messages/", {"allowed": "0"})
    assert not type(world.resident).objects.filter(accepts_messages=False).exists()


def test_setting_notices_needs_a_phone_on_file(world):
    from propdesk.core.errors import InvalidInput
    from propdesk.portal import services

    with pytest.raises(InvalidInput):
        services.set_messages(services.visitor(world.project, "13600000000"), False)
