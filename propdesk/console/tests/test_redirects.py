"""After an action the console goes back to the page the form names in ``next`` only when that
page is on this site: an address of another site (``https://evil.example/``, ``//evil.example``
and their disguises) sends the person to the action's own page instead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from propdesk.tickets.models import SavedFilter
from propdesk.tickets.tests.helpers import register

OFF_SITE = [
    "https://evil.example/",
    "//evil.example",
    "//evil.example/queues/",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " https://evil.example/",
    "http://testserver@evil.example/",
]


@pytest.fixture
def supervisor(world) -> Client:
    client = Client()
    client.force_login(world.supervisor)
    return client


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_login_never_sends_a_person_to_another_site(world, client, target):
    page = client.get("/login/", {"next": target})
    assert target not in page.content.decode()
    answer = client.post("/login/", {"username": "agent", "password": "pw-agent", "next": target})
    assert (answer.status_code, answer["Location"]) == (302, "/")


@pytest.mark.parametrize("target", OFF_SITE)
def test_actions_go_back_to_their_own_page_instead_of_another_site(world, supervisor, target):
    ticket = register(world, timezone.now() - timedelta(hours=1))
    photo = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    saved = SavedFilter.objects.create(user=world.supervisor, name="电梯", queue="all", query="")

    answers = {
        f"/tickets/{ticket.number}/": supervisor.post(
            f"/tickets/{ticket.number}/attachments/", {"file": photo, "next": target}
        ),
        "/queues/": supervisor.post(f"/queues-saved/{saved.pk}/delete/", {"next": target}),
        "/queues/to_dispatch/": supervisor.post(
            "/queues-bulk/dispatch/", {"tickets": [], "next": target}
        ),
    }

    for own_page, answer in answers.items():
        assert (answer.status_code, answer["Location"]) == (302, own_page), own_page


def test_a_page_of_this_site_is_where_the_action_goes_back_to(world, supervisor):
    ticket = register(world, timezone.now() - timedelta(hours=1))
    back = "/queues/all/?status=registered"
    answer = supervisor.post(f"/tickets/{ticket.number}/attachments/", {"next": back})
    assert answer["Location"] == back
    login = Client().post("/login/", {"username": "agent", "password": "pw-agent", "next": back})
    assert login["Location"] == back


def test_a_saved_filter_of_an_unknown_queue_opens_the_whole_list(world, supervisor):
    answer = supervisor.post(
        "/queues-saved/", {"name": "x", "queue": "/evil.example", "query": "status=registered"}
    )
    assert answer["Location"] == "/queues/all/?status=registered"
