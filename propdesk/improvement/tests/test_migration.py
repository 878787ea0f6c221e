"""Migration improvement 0002: the survey's corrective actions (the old surveys table) become
actions of this app with their ids, owners, dates, states and history; the survey's result page
lists them as before, and the next new action is numbered after them."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from propdesk.improvement import services
from propdesk.improvement.models import CorrectiveAction
from propdesk.surveys.models import CampaignEvent
from propdesk.surveys.tests.helpers import T0

# Like every transactional test here: the rows a migration seeds are put back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

copy = importlib.import_module("propdesk.improvement.migrations.0002_copy_survey_actions").copy


def test_survey_actions_are_copied_with_their_ids_and_history(world, answered, client):
    state = MigrationExecutor(connection).loader.project_state(
        [("improvement", "0001_initial"), ("surveys", "0001_surveys")]
    )
    Old = state.apps.get_model("surveys", "CorrectiveAction")
    item = answered.items.get(text="报修响应速度")
    with connection.schema_editor() as editor:
        editor.create_model(Old)
    try:
        Old.objects.create(
            pk=41, campaign_id=answered.pk, item_id=item.pk, project_id=world.project.pk,
            owner_id=world.handler.pk, cause="派单靠口头", measure="报修统一登记入系统",
            due_on=date(2026, 10, 31), status="done", opened_by_id=world.supervisor.pk,
            opened_at=T0, done_at=T0 + timedelta(days=3), done_note="已上线",
        )  # fmt: skip
        for kind, at in (("action_opened", T0), ("action_done", T0 + timedelta(days=3))):
            CampaignEvent.objects.create(
                campaign=answered, kind=kind, actor=world.supervisor, at=at, data={"action": 41}
            )
        with connection.schema_editor() as editor:
            copy(state.apps, editor)
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Old)

    action = CorrectiveAction.objects.get(pk=41)
    assert (action.source, action.campaign, action.item, action.company) == (
        "survey_item",
        answered,
        item,
        world.company,
    )
    assert (action.status, action.owner, action.done_note, action.due_on) == (
        "done",
        world.handler,
        "已上线",
        date(2026, 10, 31),
    )
    assert list(action.events.values_list("kind", flat=True)) == ["opened", "done"]
    client.force_login(world.quality)
    page = client.get(f"/surveys/{answered.pk}/").content.decode()
    table = page[page.index('id="action-table"') :]
    assert "报修统一登记入系统" in table and 'action="/surveys/actions/41/verify/"' in table
    newer = services.open_action(
        world.supervisor, services.Source("survey_item", campaign_id=answered.pk),
        project_id=world.project.pk, owner_id=world.handler.pk, cause="c", measure="m",
        due_on=date(2026, 10, 31), now=T0,
    )  # fmt: skip
    assert newer.pk > 41
