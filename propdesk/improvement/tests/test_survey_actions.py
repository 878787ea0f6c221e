"""Corrective actions from a survey (SPEC §7 → §8), now actions of this app with source
``survey_item``: opened for an unsatisfactory item with an owner, cause, measure and due date;
reported done by the owner; verified by someone else; a verification without effect sends it
back. The campaign's history still shows each step."""

from datetime import date, timedelta

import pytest

from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from propdesk.improvement import services
from propdesk.improvement.choices import ActionStatus
from propdesk.improvement.models import CorrectiveAction
from propdesk.surveys.tests.helpers import T0, run_campaign

pytestmark = pytest.mark.django_db


def open_for(world, campaign, actor=None, item="报修响应速度", **overrides):
    item_id = campaign.items.get(text=item).pk if item else None
    data = {
        "project_id": world.project.pk,
        "owner_id": world.handler.pk,
        "cause": "报修电话占线,派单靠口头",
        "measure": "报修统一登记入系统,1 小时内派单",
        "due_on": date(2026, 10, 31),
        "now": T0,
    }
    source = services.Source("survey_item", campaign_id=campaign.pk, item_id=item_id)
    if "item_id" in overrides:
        source = services.Source(
            "survey_item", campaign_id=campaign.pk, item_id=overrides.pop("item_id")
        )
    return services.open_action(actor or world.supervisor, source, **{**data, **overrides})


def test_the_lifecycle_open_done_verified(world, answered):
    action = open_for(world, answered)
    assert (action.status, action.opened_by, action.item.text, action.source) == (
        ActionStatus.OPEN,
        world.supervisor,
        "报修响应速度",
        "survey_item",
    )
    later = T0 + timedelta(days=20)
    action = services.mark_done(world.handler, action.pk, note="已上线报修登记", now=later)
    assert (action.status, action.done_at) == (ActionStatus.DONE, later)
    with pytest.raises(PermissionDenied):
        services.verify(world.handler, action.pk, effective=True, note="自己验证")
    action = services.verify(world.quality, action.pk, effective=True, note="抽查 20 单均按时")
    assert (action.status, action.verified_by) == (ActionStatus.VERIFIED, world.quality)
    kinds = list(answered.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["action_opened", "action_done", "action_verified"]
    assert list(action.events.values_list("kind", flat=True)) == ["opened", "done", "verified"]
    with pytest.raises(InvalidTransition):
        services.mark_done(world.handler, action.pk, note="再来一次")


def test_a_verification_without_effect_reopens_it(world, answered):
    action = open_for(world, answered)
    services.mark_done(world.handler, action.pk, note="已培训")
    with pytest.raises(InvalidInput) as refused:
        services.verify(world.manager, action.pk, effective=False, note="")
    assert refused.value.field == "note"
    action = services.verify(world.manager, action.pk, effective=False, note="回访仍有投诉")
    assert action.status == ActionStatus.OPEN
    assert answered.events.last().kind == "action_rejected"
    with pytest.raises(InvalidTransition):
        services.verify(world.manager, action.pk, effective=True, note="未完成就验证")


def test_opening_checks_every_field(world, answered):
    other = run_campaign(world, name="另一次调查")
    cases = [
        ({"project_id": world.other_project.pk}, "project"),
        ({"owner_id": world.outsider.pk}, "owner"),
        ({"item_id": other.items.first().pk}, "item"),
        ({"cause": " "}, "cause"),
        ({"measure": ""}, "measure"),
        ({"due_on": date(2026, 9, 1)}, "due_on"),
        ({"due_on": None}, "due_on"),
    ]
    for overrides, field in cases:
        with pytest.raises(InvalidInput) as refused:
            open_for(world, answered, **overrides)
        assert refused.value.field == field, overrides
    assert not CorrectiveAction.objects.exists()


def test_only_openers_open_and_only_in_scope(world, answered):
    with pytest.raises(PermissionDenied):
        open_for(world, answered, world.agent)
    action = open_for(world, answered)
    with pytest.raises(NotFound):
        services.mark_done(world.outsider, action.pk, note="不是我的项目")
    with pytest.raises(PermissionDenied):
        services.mark_done(world.agent, action.pk, note="不是责任人")


def test_no_actions_before_the_questionnaire_is_out(world, rooms):
    draft = run_campaign(world, until="approved")
    with pytest.raises(InvalidTransition):
        open_for(world, draft)


def test_a_project_user_lists_only_their_projects_actions(world, answered):
    mine = open_for(world, answered)
    theirs = open_for(
        world, answered, world.hq, project_id=world.other_project.pk, owner_id=world.hq.pk
    )
    assert theirs.project == world.other_project
    assert list(services.visible_actions(world.supervisor).filter(campaign=answered)) == [mine]
    assert set(services.visible_actions(world.hq).filter(campaign=answered)) == {mine, theirs}
