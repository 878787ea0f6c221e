"""The questionnaire links reach the households (SPEC §10): each resident of an invited
household is sent the household's own link on their own channel, once, from the first day of
the survey, a slice at a time."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult, get_date_max

from propdesk.notify.models import OutboxMessage
from propdesk.residents.models import Residency, Resident
from propdesk.surveys import services
from propdesk.surveys.models import Invitation
from propdesk.surveys.services import links
from propdesk.surveys.services.links import send_links

from .helpers import ANSWERS, T0, answer, run_campaign

pytestmark = pytest.mark.django_db

SITE = "https://wuye.example.cn"


def sent() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(event="survey_invitation").order_by("pk"))


def link_in(message: OutboxMessage) -> str:
    return message.body.split(SITE, 1)[1].split()[0]


@override_settings(PUBLIC_URL=SITE)
def test_every_resident_of_an_invited_household_gets_its_link_by_sms(world, rooms):
    campaign = run_campaign(world)
    # Someone who moved out of a room still lived in is not told; the family still there is.
    gone = Resident.objects.create(company=world.company, name="王旧", phone="13700000001")
    Residency.objects.create(resident=gone, room=rooms["C"], relation="owner", is_active=False)

    queued, more = send_links(campaign.pk, now=T0)

    messages = sent()
    invited = Residency.objects.filter(is_active=True, room__survey_invitations__campaign=campaign)
    # Eleven residents in ten households (B has two); nobody in an empty or moved-out room.
    assert (queued, more) == (11, None)
    assert len(messages) == invited.count() == 11
    assert {m.resident_id for m in messages} == set(invited.values_list("resident_id", flat=True))
    assert gone.pk not in {m.resident_id for m in messages}
    b_invitation = Invitation.objects.get(campaign=campaign, room=rooms["B"])
    b_links = {link_in(m) for m in messages if m.resident.residencies.filter(room=rooms["B"])}
    assert b_links == {f"/s/{b_invitation.token}/"}  # both residents, the household's one link
    first = messages[0]
    assert first.channel == "sms" and first.address == first.resident.phone
    assert "2026年下半年满意度调查" in first.body and "截至9月30日" in first.body
    assert first.url.startswith(SITE + "/s/")


@override_settings(PUBLIC_URL=SITE)
def test_a_resident_of_two_homes_gets_each_homes_link_saying_which_home(world, rooms):
    Residency.objects.create(resident=world.resident, room=rooms["C"], relation="owner")
    campaign = run_campaign(world)

    send_links(campaign.pk, now=T0)

    mine = [m for m in sent() if m.resident_id == world.resident.pk]
    assert len(mine) == 2
    assert {link_in(m) for m in mine} == {
        f"/s/{i.token}/" for i in Invitation.objects.filter(room__in=[rooms["A"], rooms["C"]])
    }
    assert {rooms["A"].label in m.body for m in mine} == {True, False}
    assert any(rooms["C"].label in m.body for m in mine)


def test_sending_again_tells_nobody_twice_and_skips_who_answered(world, rooms):
    campaign = run_campaign(world)
    before = send_links(campaign.pk, now=T0)[0]

    assert send_links(campaign.pk, now=T0) == (0, None)
    answer(campaign, rooms["C"], ANSWERS["C"])
    OutboxMessage.objects.filter(event="survey_invitation").delete()
    assert send_links(campaign.pk, now=T0)[0] == before - 1  # C answered: not asked again


def test_a_large_campaign_is_sent_a_slice_at_a_time_each_booking_the_next(
    world, rooms, monkeypatch
):
    from propdesk.surveys.tasks import send_survey_links

    monkeypatch.setattr(links, "BATCH", 3)
    monkeypatch.setattr(links, "BATCHES_PER_RUN", 2)
    campaign = run_campaign(world)
    invitations = list(Invitation.objects.filter(campaign=campaign).order_by("pk"))

    send_survey_links.call(campaign.pk)  # the first slice: six households of ten

    booked = DBTaskResult.objects.get(task_path=send_survey_links.module_path)
    assert booked.args_kwargs["args"] == [campaign.pk, invitations[5].pk]
    assert len({m.url for m in sent()}) == 6
    send_survey_links.call(*booked.args_kwargs["args"])
    assert len({m.url for m in sent()}) == 10  # the rest, and no further slice booked
    assert DBTaskResult.objects.filter(task_path=send_survey_links.module_path).count() == 1


def test_a_campaign_closed_before_its_links_went_out_sends_no_more(world, rooms):
    campaign = run_campaign(world, until="closed")

    assert send_links(campaign.pk, now=T0) == (0, None)
    assert sent() == []


def test_paper_questionnaires_send_no_link(world, rooms):
    campaign = run_campaign(world, until="approved")
    services.issue(world.hq, campaign.pk, channel="paper", now=T0)

    assert send_links(campaign.pk, now=T0) == (0, None)
    assert sent() == []


def test_issuing_by_link_books_the_sending_for_the_worker(
    world, rooms, django_capture_on_commit_callbacks
):
    campaign = run_campaign(world, until="approved")
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(world.hq, campaign.pk, now=T0)

    task = DBTaskResult.objects.get(task_path="propdesk.surveys.tasks.send_survey_links")
    assert task.args_kwargs["args"] == [campaign.pk]
    assert task.run_after in (None, get_date_max()) or task.run_after <= T0  # at once


def test_links_issued_before_the_survey_begins_go_out_on_its_first_morning(
    world, rooms, django_capture_on_commit_callbacks
):
    early = T0 - timedelta(days=10)  # 08-30; the period runs 09-01 … 09-30
    campaign = run_campaign(world, until="approved", at=early)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(world.hq, campaign.pk, now=early)

    task = DBTaskResult.objects.get(task_path="propdesk.surveys.tasks.send_survey_links")
    assert task.run_after == T0.replace(day=1, hour=9)


def test_a_resident_who_prefers_email_is_sent_the_long_letter_by_email(world, rooms):
    resident = world.resident
    resident.preferred_contact = "email"
    resident.email = "zhang.wei@example.cn"
    resident.save()
    campaign = run_campaign(world)

    send_links(campaign.pk, now=T0)

    (mail,) = [m for m in sent() if m.resident_id == resident.pk]
    assert mail.channel == "email" and mail.address == "zhang.wei@example.cn"
    assert mail.subject.startswith("【华宇物业】")
    assert f"尊敬的{rooms['A'].label}业主/住户" in mail.body and "/s/" in mail.body
