"""Issue: one questionnaire to every occupied household of the population, exactly once; the
link carries an unguessable token and nothing about the household."""

import re

import pytest

from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound
from propdesk.residents.models import Residency
from propdesk.surveys import services
from propdesk.surveys.models import Invitation
from propdesk.surveys.schemas import link_of

from .helpers import T0, approve_plan, run_campaign

pytestmark = pytest.mark.django_db

LIVED_IN = ["A", "B", "C", "D", "G", "H", "E", "F", "I", "J"]


def invited(campaign) -> list[int]:
    return sorted(Invitation.objects.filter(campaign=campaign).values_list("room_id", flat=True))


def test_every_occupied_household_gets_exactly_one_questionnaire(world, rooms):
    campaign = run_campaign(world)
    assert invited(campaign) == sorted(rooms[k].pk for k in LIVED_IN)
    # Empty rooms and the one whose owner moved out get none; B's two residents share one.
    for key in ("empty", "moved_out", "other_empty"):
        assert rooms[key].pk not in invited(campaign)
    assert Invitation.objects.filter(campaign=campaign, room=rooms["B"]).count() == 1
    assert {i.project_id for i in Invitation.objects.filter(room=rooms["E"])} == {
        world.other_project.pk
    }


def test_issuing_again_adds_nobody(world, rooms):
    campaign = run_campaign(world)
    with pytest.raises(InvalidTransition):
        services.issue(world.hq, campaign.pk, now=T0)
    assert Invitation.objects.filter(campaign=campaign).count() == 10


def test_a_campaign_of_one_project_reaches_only_its_households(world, rooms):
    campaign = run_campaign(world, projects=[world.project])
    assert invited(campaign) == sorted(rooms[k].pk for k in ["A", "B", "C", "D", "G", "H"])


def test_a_campaign_of_some_buildings_reaches_only_theirs(world, rooms):
    campaign = run_campaign(world, until="draft", projects=[world.project])
    building5 = rooms["G"].building
    services.update_campaign(world.hq, campaign.pk, {"building_ids": [building5.pk]})
    services.submit(world.hq, campaign.pk)
    approve_plan(world, campaign.pk)
    services.issue(world.hq, campaign.pk, now=T0)
    assert invited(campaign) == sorted([rooms["G"].pk, rooms["H"].pk])


def test_a_household_that_moves_in_before_issue_is_counted(world, rooms):
    campaign = run_campaign(world, until="approved", projects=[world.project])
    Residency.objects.create(resident=world.resident, room=rooms["empty"], relation="family")
    services.issue(world.hq, campaign.pk, now=T0)
    assert rooms["empty"].pk in invited(campaign)


def test_paper_forms_are_issued_the_same_way(world, rooms):
    campaign = run_campaign(world, until="approved")
    services.issue(world.hq, campaign.pk, channel="paper", now=T0)
    assert set(Invitation.objects.filter(campaign=campaign).values_list("channel", flat=True)) == {
        "paper"
    }
    with pytest.raises(InvalidInput):
        services.issue(world.hq, campaign.pk, channel="fax")


def test_nothing_is_issued_after_the_period(world, rooms):
    campaign = run_campaign(world, until="approved")
    with pytest.raises(InvalidInput) as refused:
        services.issue(world.hq, campaign.pk, now=T0.replace(month=10, day=1))
    assert refused.value.field == "period_end"


def test_the_link_is_an_unguessable_token_and_says_nothing_about_the_household(world, rooms):
    campaign = run_campaign(world)
    invitations = list(Invitation.objects.filter(campaign=campaign).select_related("room"))
    tokens = [i.token for i in invitations]
    assert len(set(tokens)) == len(tokens)
    for invitation in invitations:
        # 24 random bytes from the secrets module: 32 url-safe characters, 192 bits.
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", invitation.token)
        assert link_of(invitation) == f"/s/{invitation.token}/"
        room = invitation.room
        for personal in (room.number, room.label, "张伟", "13812345678"):
            assert personal not in invitation.token


def test_a_token_that_is_not_one_finds_nothing(world, rooms):
    campaign = run_campaign(world)
    token = Invitation.objects.filter(campaign=campaign).first().token
    changed = ("A" if token[0] != "A" else "B") + token[1:]
    for wrong in (changed, token[:-1], "", "../../etc", str(rooms["A"].pk)):
        with pytest.raises(NotFound):
            services.invitation_for_token(wrong)
    assert services.invitation_for_token(token).campaign == campaign
