"""Answers: from the resident's link while the campaign runs, or typed in by staff from paper;
one per household, whatever the channel; every item stored, skipped ones without a level."""

from datetime import timedelta

import pytest

from propdesk.core.errors import InvalidInput, InvalidTransition, OutOfScope, PermissionDenied
from propdesk.surveys import services
from propdesk.surveys.models import Response, ResponseItem

from .helpers import BS, NA, T0, VD, VS, answer, run_campaign, token_of

pytestmark = pytest.mark.django_db

ALREADY = "此问卷已提交,每户只能填写一次"


def levels_of(response) -> list[str]:
    return list(response.answers.order_by("item__order").values_list("level", flat=True))


def test_a_resident_answers_from_the_link(world, rooms):
    campaign = run_campaign(world)
    response = answer(campaign, rooms["A"], [VS, BS, NA, VD], comment=" 电梯常坏 ")
    assert (response.source, response.entered_by, response.answered_at) == ("link", None, T0)
    assert response.project == world.project
    assert response.comment == "电梯常坏"
    assert levels_of(response) == [VS, BS, "", VD]


def test_a_second_answer_from_the_same_household_is_refused_and_stores_nothing(world, rooms):
    campaign = run_campaign(world)
    answer(campaign, rooms["A"], [VS, VS, VS, VS])
    with pytest.raises(InvalidTransition) as refused:
        answer(campaign, rooms["A"], [VD, VD, VD, VD])
    assert refused.value.message == ALREADY
    assert Response.objects.filter(campaign=campaign).count() == 1
    assert ResponseItem.objects.filter(response__campaign=campaign).count() == 4
    assert set(ResponseItem.objects.values_list("level", flat=True)) == {VS}


def test_staff_cannot_type_in_a_form_for_a_household_that_answered_online(world, rooms):
    campaign = run_campaign(world)
    answer(campaign, rooms["A"], [VS, VS, VS, VS])
    with pytest.raises(InvalidTransition) as refused:
        services.enter_answers(world.agent, campaign.pk, room_id=rooms["A"].pk, answers=[])
    assert (refused.value.message, refused.value.field) == (ALREADY, "room_id")


def test_nor_can_the_resident_answer_after_the_paper_form_was_typed_in(world, rooms):
    campaign = run_campaign(world)
    services.enter_answers(world.agent, campaign.pk, room_id=rooms["A"].pk, answers=[], now=T0)
    with pytest.raises(InvalidTransition) as refused:
        answer(campaign, rooms["A"], [VS, VS, VS, VS])
    assert refused.value.message == ALREADY


def test_staff_type_in_a_paper_questionnaire(world, rooms):
    campaign = run_campaign(world)
    items = list(campaign.items.order_by("order"))
    paper_date = T0 - timedelta(days=2)
    response = services.enter_answers(
        world.agent,
        campaign.pk,
        room_id=rooms["B"].pk,
        answers=[services.Answer(items[2].pk, VD, "修了三次"), services.Answer(items[0].pk, VS)],
        comment="希望加装充电桩",
        answered_at=paper_date,
        now=T0,
    )
    assert (response.source, response.entered_by) == ("paper", world.agent)
    assert (response.answered_at, response.entered_at) == (paper_date, T0)
    assert levels_of(response) == [VS, "", VD, ""]
    assert response.answers.get(item=items[2]).comment == "修了三次"


def test_paper_entry_is_for_staff_of_the_household_project(world, rooms):
    campaign = run_campaign(world)
    with pytest.raises(PermissionDenied):
        services.enter_answers(world.handler, campaign.pk, room_id=rooms["A"].pk, answers=[])
    with pytest.raises(OutOfScope):
        services.enter_answers(world.supervisor, campaign.pk, room_id=rooms["E"].pk, answers=[])
    with pytest.raises(InvalidInput) as refused:
        services.enter_answers(world.agent, campaign.pk, room_id=rooms["empty"].pk, answers=[])
    assert refused.value.field == "room_id"
    assert not Response.objects.exists()


def test_answers_name_the_wrong_field(world, rooms):
    campaign = run_campaign(world)
    other = run_campaign(world, name="另一次调查")
    foreign = other.items.first()
    item = campaign.items.first()
    token = token_of(campaign, rooms["A"])
    cases = [
        ([services.Answer(foreign.pk, VS)], "answers[0].item"),
        ([services.Answer(item.pk, VS), services.Answer(item.pk, BS)], "answers[1].item"),
        ([services.Answer(item.pk, "so-so")], "answers[0].level"),
        ([services.Answer(item.pk, VS, "长" * 1001)], "answers[0].comment"),
    ]
    for answers, field in cases:
        with pytest.raises(InvalidInput) as refused:
            services.answer_by_link(token, answers, now=T0)
        assert refused.value.field == field
    assert not Response.objects.exists()


def test_links_take_answers_only_while_the_campaign_runs(world, rooms):
    campaign = run_campaign(world, until="approved")
    from propdesk.surveys.models import Invitation

    assert not Invitation.objects.filter(campaign=campaign).exists()
    campaign = run_campaign(world, name="进行中的调查")
    before = T0.replace(month=8, day=31)
    after = T0.replace(month=10, day=1)
    with pytest.raises(InvalidTransition) as refused:
        answer(campaign, rooms["A"], [VS] * 4, at=before)
    assert refused.value.message == "本次调查尚未开始"
    with pytest.raises(InvalidTransition) as refused:
        answer(campaign, rooms["A"], [VS] * 4, at=after)
    assert refused.value.message == "本次调查已结束,感谢您的关注"
    answer(campaign, rooms["A"], [VS] * 4, at=T0)
    services.close(world.hq, campaign.pk, now=T0)
    with pytest.raises(InvalidTransition) as refused:
        answer(campaign, rooms["B"], [VS] * 4, at=T0)
    assert refused.value.message == "本次调查已结束,感谢您的关注"


def test_paper_forms_that_come_back_late_are_still_typed_in_until_closed(world, rooms):
    campaign = run_campaign(world)
    late = T0.replace(month=10, day=8)
    services.enter_answers(world.agent, campaign.pk, room_id=rooms["B"].pk, answers=[], now=late)
    services.close(world.hq, campaign.pk, now=late)
    with pytest.raises(InvalidTransition):
        services.enter_answers(world.agent, campaign.pk, room_id=rooms["C"].pk, answers=[])


def test_a_paper_date_in_the_future_is_refused(world, rooms):
    campaign = run_campaign(world)
    with pytest.raises(InvalidInput) as refused:
        services.enter_answers(
            world.agent,
            campaign.pk,
            room_id=rooms["B"].pk,
            answers=[],
            answered_at=T0 + timedelta(days=1),
            now=T0,
        )
    assert refused.value.field == "answered_at"
