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
    assert 'id="update-complainant_count" value="2"' in page


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


# ---- at intake: the fieldset 性质与定级事实 ----


def intake_form(world, **overrides):
    from django.utils import timezone

    data = {
        "kind": "complaint", "channel": "phone", "category": "FAC-ELEV",
        "description": "3栋电梯一个月内第三次困人,物业承诺的更换主板至今没做",
        "reporter_type": "resident", "resident_id": world.resident.pk, "room_id": world.room.pk,
        "client_ref": "console-grade-facts", "nature": "pending", "complainant_count": "1",
        "media_exposure": "none", "litigation": "none",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_intake_form_offers_the_nature_and_every_grade_fact(world, supervisor):
    page = supervisor.get("/intake/").content.decode()
    assert 'id="intake-grade-facts"' in page
    for name in ("nature", "complainant_count", "claimed_amount", "media_exposure", "litigation",
                 "promise_unmet_raised_again", "economic_loss_our_fault", "repeat_of"):  # fmt: skip
        assert f'name="{name}"' in page


def test_facts_recorded_at_intake_are_read_back_and_grade_the_new_request(world, supervisor):
    form = intake_form(
        world, nature="effective", promise_unmet_raised_again="on", complainant_count="4"
    )
    review = supervisor.post("/intake/", form).content.decode()
    assert "承诺或合同约定的服务未兑现或明显失误,业主多次反映仍未解决" in review
    assert "有效投诉" in review
    saved = supervisor.post("/intake/", {**form, "confirmed": "1"})
    assert saved.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.nature, ticket.promise_unmet_raised_again, ticket.complainant_count) == (
        "effective",
        True,
        4,
    )
    assert (ticket.grade_class, ticket.grade_class_reason) == (
        "major",
        "重大:承诺或合同约定的服务未兑现、多次反映仍未解决",
    )


def test_an_untouched_fieldset_records_no_fact(world, supervisor):
    supervisor.post("/intake/", {**intake_form(world), "confirmed": "1"})
    ticket = Ticket.objects.get()
    assert (ticket.nature, ticket.grade_class, ticket.complainant_count) == (
        "pending",
        "general",
        1,
    )


def test_a_wrong_fact_at_intake_is_named_beside_its_field_with_the_others(world, supervisor):
    answer = supervisor.post(
        "/intake/check/", intake_form(world, complainant_count="many", claimed_amount="lots",
                                      description="")
    )  # fmt: skip
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"complainant_count", "claimed_amount", "description"} <= fields
    assert not Ticket.objects.exists()
