"""A campaign's plan, questionnaire and moves: draft → submitted → approved → issued → closed,
each by the roles allowed (the approval by named officers: test_approval), inside their scope,
and each an event; the plan frozen once submitted."""

from datetime import date

import pytest

from propdesk.core.errors import InvalidInput, InvalidTransition, OutOfScope, PermissionDenied
from propdesk.surveys import services
from propdesk.surveys.choices import CampaignStatus
from propdesk.surveys.models import CampaignEvent, Item

from .helpers import PERIOD, T0, designate, run_campaign

pytestmark = pytest.mark.django_db


def plan(world, **overrides):
    data = {
        "name": "华苑2026年下半年满意度调查",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "project_ids": [world.project.pk],
        "now": T0,
    }
    return {**data, **overrides}


def test_a_campaign_goes_from_draft_to_closed_and_every_move_is_an_event(world, rooms):
    campaign = run_campaign(world, until="closed")
    assert campaign.status == CampaignStatus.CLOSED
    # No officer designated: the administrator stood in for the management representative.
    assert (campaign.approved_by, campaign.issued_at is not None) == (world.admin, True)
    kinds = list(CampaignEvent.objects.filter(campaign=campaign).values_list("kind", flat=True))
    assert kinds == ["created", "submitted", "approved", "filed", "issued", "closed"]
    assert campaign.events.get(kind="approved").data == {
        "title": "management_representative",
        "stand_in": True,
    }
    issued = campaign.events.get(kind="issued")
    assert issued.data == {"channel": "link", "invitations": 10}


def test_a_project_supervisor_plans_a_survey_of_their_project(world):
    campaign = services.create_campaign(world.supervisor, **plan(world), sample="全部入住户")
    assert campaign.company == world.company
    assert list(campaign.projects.all()) == [world.project]
    assert campaign.min_return_rate == 30
    assert campaign.status == CampaignStatus.DRAFT


def test_the_plan_needs_a_name_and_a_sensible_period(world):
    with pytest.raises(InvalidInput) as refused:
        services.create_campaign(world.supervisor, **plan(world, name="  "))
    assert refused.value.field == "name"
    with pytest.raises(InvalidInput) as refused:
        services.create_campaign(world.supervisor, **plan(world, period_end=date(2026, 8, 1)))
    assert refused.value.field == "period_end"
    with pytest.raises(InvalidInput) as refused:
        services.create_campaign(world.supervisor, **plan(world, min_return_rate="120"))
    assert refused.value.field == "min_return_rate"


def test_agents_and_handlers_do_not_run_surveys(world):
    for user in (world.agent, world.handler):
        with pytest.raises(PermissionDenied):
            services.create_campaign(user, **plan(world))


def test_nobody_plans_a_survey_of_households_outside_their_scope(world):
    with pytest.raises(OutOfScope) as refused:
        services.create_campaign(
            world.supervisor, **plan(world, project_ids=[world.other_project.pk])
        )
    assert refused.value.field == "projects"
    # No project chosen means the whole company: only for a company-wide scope.
    with pytest.raises(OutOfScope):
        services.create_campaign(world.supervisor, **plan(world, project_ids=[]))
    company_wide = services.create_campaign(world.hq, **plan(world, project_ids=[]))
    assert services.covered_project_ids(company_wide) == {
        world.project.pk,
        world.other_project.pk,
    }


def test_buildings_must_belong_to_the_chosen_projects(world, rooms):
    other_building = rooms["E"].building
    with pytest.raises(InvalidInput) as refused:
        services.create_campaign(world.hq, **plan(world, building_ids=[other_building.pk]))
    assert refused.value.field == "buildings"


def test_items_change_only_in_draft(world):
    campaign = services.create_campaign(world.quality, **plan(world))
    first = services.add_item(world.quality, campaign.pk, area="security", text="夜间巡逻")
    second = services.add_item(world.quality, campaign.pk, area="greening", text="绿化养护")
    assert (first.order, second.order) == (1, 2)
    services.update_item(world.quality, first.pk, text="夜间安全巡逻")
    services.remove_item(world.quality, second.pk)
    assert [i.text for i in campaign.items.all()] == ["夜间安全巡逻"]
    with pytest.raises(InvalidInput) as refused:
        services.add_item(world.quality, campaign.pk, area="pets", text="宠物管理")
    assert refused.value.field == "area"

    services.submit(world.quality, campaign.pk, now=T0)
    with pytest.raises(InvalidTransition):
        services.add_item(world.quality, campaign.pk, area="security", text="门岗")
    with pytest.raises(InvalidTransition):
        services.update_campaign(world.quality, campaign.pk, {"name": "改名"})
    with pytest.raises(InvalidTransition):
        services.remove_item(world.quality, first.pk)


def test_an_item_is_placed_from_0_to_the_columns_limit_and_refused_outside(world):
    campaign = services.create_campaign(world.quality, **plan(world))
    with pytest.raises(InvalidInput) as negative:
        services.add_item(world.quality, campaign.pk, area="security", text="门岗", order=-1)
    last = services.add_item(world.quality, campaign.pk, area="security", text="门岗", order=32767)
    after = services.add_item(world.quality, campaign.pk, area="greening", text="绿化养护")
    with pytest.raises(InvalidInput) as too_far:
        services.update_item(world.quality, last.pk, order=32768)

    assert (negative.value.field, too_far.value.field) == ("order", "order")
    assert "0 到 32767" in negative.value.message
    assert (last.order, after.order) == (32767, 32767)  # the end stays the end, never past it
    assert campaign.items.count() == 2


def test_a_returned_plan_can_be_changed_and_submitted_again(world):
    mr = designate(world).mr
    campaign = services.create_campaign(world.supervisor, **plan(world))
    services.add_item(world.supervisor, campaign.pk, area="cleaning", text="楼道清洁")
    services.submit(world.supervisor, campaign.pk, now=T0)
    with pytest.raises(InvalidInput) as refused:
        services.return_to_draft(mr, campaign.pk, reason=" ")
    assert refused.value.field == "reason"
    services.return_to_draft(mr, campaign.pk, reason="请补充样本说明", now=T0)
    services.update_campaign(world.supervisor, campaign.pk, {"sample": "全部入住户"})
    services.submit(world.supervisor, campaign.pk, now=T0)
    campaign = services.approve(mr, campaign.pk, now=T0)
    assert (campaign.status, campaign.approved_by) == (CampaignStatus.APPROVED, mr)
    returned = campaign.events.get(kind="returned")
    assert (returned.actor, returned.note) == (mr, "请补充样本说明")


def test_a_questionnaire_without_items_is_not_submitted(world):
    campaign = services.create_campaign(world.supervisor, **plan(world))
    with pytest.raises(InvalidInput) as refused:
        services.submit(world.supervisor, campaign.pk)
    assert refused.value.field == "items"


def test_only_the_management_representative_approves_a_departments_plan(world):
    people = designate(world)
    campaign = services.create_campaign(world.supervisor, **plan(world))
    services.add_item(world.supervisor, campaign.pk, area="cleaning", text="楼道清洁")
    services.submit(world.supervisor, campaign.pk, now=T0)
    everyone_else = (world.agent, world.supervisor, world.handler, world.manager,
                     world.region_user, world.hq, world.quality, world.admin,
                     people.gm)  # fmt: skip
    for user in everyone_else:
        with pytest.raises(PermissionDenied) as refused:
            services.approve(user, campaign.pk)
        assert refused.value.message == "只有管理者代表 Mr 可以批准"
    services.approve(people.mr, campaign.pk, now=T0)


def test_moves_only_from_their_status(world, rooms):
    campaign = run_campaign(world, until="draft")
    with pytest.raises(InvalidTransition):
        services.approve(world.hq, campaign.pk)
    with pytest.raises(InvalidTransition):
        services.issue(world.hq, campaign.pk, now=T0)
    with pytest.raises(InvalidTransition):
        services.close(world.hq, campaign.pk)
    services.submit(world.hq, campaign.pk)
    with pytest.raises(InvalidTransition):
        services.submit(world.hq, campaign.pk)


def test_a_user_sees_campaigns_touching_their_projects_and_changes_only_whole_ones(world, rooms):
    both = run_campaign(world, until="draft")
    mine = services.create_campaign(world.supervisor, **plan(world))
    theirs = services.create_campaign(world.hq, **plan(world, project_ids=[world.other_project.pk]))
    company_wide = services.create_campaign(world.hq, **plan(world, project_ids=[]))
    visible = set(services.visible_campaigns(world.supervisor))
    assert visible == {both, mine, company_wide}
    assert set(services.visible_campaigns(world.outsider)) == {both, theirs, company_wide}
    with pytest.raises(OutOfScope):
        services.get_campaign(world.supervisor, theirs.pk)
    # The supervisor sees the two-project campaign but may not change it.
    with pytest.raises(OutOfScope):
        services.add_item(world.supervisor, both.pk, area="cleaning", text="楼道清洁")
    assert services.available_moves(world.supervisor, both) == []
    assert services.available_moves(world.hq, both) == ["edit", "submit"]


def test_copying_an_earlier_questionnaire(world, rooms):
    earlier = run_campaign(world, until="closed")
    campaign = services.create_campaign(world.hq, **plan(world))
    services.add_item(world.hq, campaign.pk, area="security", text="夜间巡逻")
    copied = services.copy_items(world.hq, campaign.pk, source_id=earlier.pk)
    assert [i.order for i in copied] == [2, 3, 4, 5]
    assert [i.text for i in Item.objects.filter(campaign=campaign)] == [
        "夜间巡逻",
        "前台接待态度",
        "投诉处理及时",
        "报修响应速度",
        "公共区域清洁",
    ]
