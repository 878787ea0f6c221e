"""Every survey page renders in zh-Hans and in English, and in English no interface text is
left in Chinese: what remains must be data (names, items, comments), taken out before looking.
The English comes from the app's own catalogue (``propdesk/surveys/locale``)."""

from datetime import timedelta

import pytest
from django.test import Client

from propdesk.console.tests.test_languages import data_strings, untranslated
from propdesk.core import clock
from propdesk.improvement import services as improvement
from propdesk.improvement.models import CorrectiveAction
from propdesk.surveys.models import Campaign, Item

from .helpers import PERIOD, T0, answer, run_campaign, token_of

pytestmark = pytest.mark.django_db


def survey_strings() -> list[str]:
    found = set()
    for row in Campaign.objects.values_list("name", "purpose", "population", "sample", "staff"):
        found.update(v for v in row if v)
    found |= set(Item.objects.values_list("text", flat=True))
    for row in CorrectiveAction.objects.values_list("cause", "measure", "done_note"):
        found.update(v for v in row if v)
    return sorted(found, key=len, reverse=True)


def english_problems(client: Client, paths: list[str]) -> dict:
    data = survey_strings() + data_strings()
    problems = {}
    for path in paths:
        with clock.frozen(T0):
            chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
            english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert chinese.status_code in (200, 404, 409), (path, chinese.status_code)
        assert english.status_code == chinese.status_code, path
        left = untranslated(english.content.decode(), data)
        if left:
            problems[path] = left
    return problems


def test_the_survey_pages_speak_english(world, client, answered, rooms):
    spring = run_campaign(
        world,
        name="春季调查",
        period=(PERIOD[0].replace(month=3), PERIOD[0].replace(month=3, day=30)),
        at=T0.replace(month=3, day=2),
    )
    answer(spring, rooms["A"], ["dissatisfied"] * 4, at=T0.replace(month=3, day=5))
    action = improvement.open_action(
        world.hq,
        improvement.Source(
            "survey_item",
            campaign_id=answered.pk,
            item_id=Item.objects.filter(campaign=answered).first().pk,
        ),
        project_id=world.project.pk,
        owner_id=world.handler.pk,
        cause="派单慢",
        measure="一小时内派单",
        due_on=T0.date() + timedelta(days=30),
        now=T0,
    )
    improvement.mark_done(world.handler, action.pk, note="已整改", now=T0)
    draft = run_campaign(world, name="草稿调查", until="draft")
    submitted = run_campaign(world, name="待批调查", until="submitted")
    building = rooms["G"].building
    client.force_login(world.hq)
    problems = english_problems(
        client,
        [
            "/surveys/",
            "/surveys/new/",
            f"/surveys/{answered.pk}/",
            f"/surveys/{answered.pk}/?pareto=area",
            f"/surveys/{draft.pk}/edit/",
            f"/surveys/{answered.pk}/households/",
            f"/surveys/{answered.pk}/paper/?building={building.pk}",
            f"/surveys/{draft.pk}/",
            f"/surveys/{submitted.pk}/",
        ],
    )
    assert not problems, problems
    assert (
        "Satisfaction by service area"
        in client.get(f"/surveys/{answered.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_the_administration_of_surveys_speaks_english(world, client, answered):
    from propdesk.org.models import User

    root = User.objects.create_superuser("root", password="pw-root", company=world.company)
    client.force_login(root)
    response = answered.responses.first()
    problems = english_problems(
        client,
        [
            "/admin/surveys/",
            "/admin/surveys/campaign/",
            f"/admin/surveys/campaign/{answered.pk}/change/",
            "/admin/surveys/invitation/",
            "/admin/surveys/response/",
            f"/admin/surveys/response/{response.pk}/change/",
        ],
    )
    assert not problems, problems


def test_the_residents_page_speaks_english(world, answered, rooms):
    resident = Client()
    fresh = f"/s/{token_of(answered, rooms['G'])}/"
    done = f"/s/{token_of(answered, rooms['A'])}/"
    problems = english_problems(resident, [fresh, done, f"{done}thanks/", f"/s/{'x' * 32}/"])
    assert not problems, problems
    page = resident.get(done, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "each household answers only once" in page
