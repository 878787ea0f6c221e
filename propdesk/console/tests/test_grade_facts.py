"""The nature and the grade facts on the ticket page (SPEC §5): 规程 4.4's two 重大 facts can
be recorded later, like every other fact, and the grade rises at once."""

from __future__ import annotations

import pytest
from django.test import Client

from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register
from propdesk.tickets.tests.test_api_helpers import earlier, quick_password_hashing  # noqa: F401


@pytest.fixture
def supervisor(world):
    client = Client()
    client.force_login(world.supervisor)
    return client


def test_the_ticket_page_shows_the_grade_facts_as_they_stand(world, supervisor):
    ticket = register(world, earlier(), grade_facts={"complainant_count": 2})
    page = supervisor.get(f"/tickets/{ticket.number}/").content.decode()
    assert "性质与定级事实" in page
    assert "承诺或合同约定的服务未兑现或明显失误,业主多次反映仍未解决" in page
    assert "因我方原因造成客户较大经济损失" in page
    assert (
        'id="update-complainant_count" value="2"'
        in page
    )


@pytest.mark.parametrize("fact", ["promise_unmet_raised_again", "economic_loss_our_fault"])
def test_recording_a_major_fact_on_the_ticket_page_makes_it_major(world, supervisor, fact):
    ticket = register(world, earlier())
    response = supervisor.post(
        f"/tickets/{ticket.number}/move/update/",
        {"nature": "effective", "complainant_count": "1", "media_exposure": "none",
         "litigation": "none", fact: "on"},
    )  # fmt: skip
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert getattr(ticket, fact) is True
    assert ticket.nature == "effective"
    assert ticket.grade_class == "major"
    page = supervisor.get(f"/tickets/{ticket.number}/").content.decode()
    assert ticket.grade_class_reason in page


def test_a_wrong_fact_is_refused_beside_its_field_and_nothing_changes(world, supervisor):
    ticket = register(world, earlier())
    events = ticket.events.count()
    response = supervisor.post(
        f"/tickets/{ticket.number}/move/update/",
        {"nature": "effective", "complainant_count": "0", "media_exposure": "none",
         "litigation": "none"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "投诉人数须为正整数" in response.content.decode()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.nature, ticket.events.count()) == ("pending", events)
