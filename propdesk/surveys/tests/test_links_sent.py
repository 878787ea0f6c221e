"""The questionnaire links reach the households (SPEC §10): each resident of an invited
household is sent the household's own link on their own channel, once."""

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from propdesk.notify.models import OutboxMessage
from propdesk.residents.models import Residency
from propdesk.surveys import services
from propdesk.surveys.models import Invitation
from propdesk.surveys.services.links import send_links

from .helpers import ANSWERS, T0, answer, run_campaign

pytestmark = pytest.mark.django_db

SITE = "https://wuye.example.cn"


def sent(campaign) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(event="survey_invitation").order_by("pk"))


@override_settings(PUBLIC_URL=SITE)
def test_every_resident_of_an_invited_household_gets_its_link_by_sms(world, rooms):
    campaign = run_campaign(world)

    queued = send_links(campaign.pk, now=T0)

    messages = sent(campaign)
    invited = Residency.objects.filter(is_active=True, room__survey_invitations__campaign=campaign)
    # Eleven residents in ten households (B has two); nobody in an empty or moved-out room.
    assert queued == len(messages) == invited.count() == 11
    assert {m.resident_id for m in messages} == set(invited.values_list("resident_id", flat=True))
    b_tokens = {
        m.body.split(SITE, 1)[1].split()[0]
        for m in messages
        if m.resident.residencies.filter(room=rooms["B"]).exists()
    }
    b_invitation = Invitation.objects.get(campaign=campaign, room=rooms["B"])
    assert b_tokens == {f"/s/{b_invitation.token}/"}  # both residents, the household's one link
    first = messages[0]
    assert first.channel == "sms" and first.address == first.resident.phone
    assert "2026年下半年满意度调查" in first.body and "9月30日前有效" in first.body
    assert first.url.startswith(SITE + "/s/")


def test_sending_again_tells_nobody_twice_and_skips_who_answered(world, rooms):
    campaign = run_campaign(world)
    send_links(campaign.pk, now=T0)
    before = len(sent(campaign))

    assert send_links(campaign.pk, now=T0) == 0
    answer(campaign, rooms["C"], ANSWERS["C"])
    OutboxMessage.objects.filter(event="survey_invitation").delete()
    assert send_links(campaign.pk, now=T0) == before - 1  # C answered: not asked again


def test_paper_questionnaires_send_no_link(world, rooms):
    campaign = run_campaign(world, until="approved")
    services.issue(world.hq, campaign.pk, channel="paper", now=T0)

    assert send_links(campaign.pk, now=T0) == 0
    assert sent(campaign) == []


def test_issuing_by_link_books_the_sending_for_the_worker(
    world, rooms, django_capture_on_commit_callbacks
):
    campaign = run_campaign(world, until="approved")
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(world.hq, campaign.pk, now=T0)

    task = DBTaskResult.objects.get(task_path="propdesk.surveys.tasks.send_survey_links")
    assert task.args_kwargs["args"] == [campaign.pk]


def test_a_resident_who_prefers_email_is_sent_the_long_letter_by_email(world, rooms):
    resident = world.resident
    resident.preferred_contact = "email"
    resident.email = "zhang.wei@example.cn"
    resident.save()
    campaign = run_campaign(world)

    send_links(campaign.pk, now=T0)

    (mail,) = [m for m in sent(campaign) if m.resident_id == resident.pk]
    assert mail.channel == "email" and mail.address == "zhang.wei@example.cn"
    assert mail.subject.startswith("【华宇物业】")
    assert "尊敬的" in mail.body and "/s/" in mail.body
