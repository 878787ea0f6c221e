"""The suggestions on the intake page and through the API: category, kind, facts to ask, open
requests alike (only of the caller's projects), the published cases with their 话术; what was
suggested recorded at registration with the agent's choice, and the monthly figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.core import clock
from propdesk.hotissues.models import HotIssueMember
from propdesk.knowledge.services import ScenarioText, create_case, load_starter
from propdesk.suggest import records
from propdesk.suggest.models import Suggestion
from propdesk.tickets import services
from propdesk.tickets.choices import Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register

LIFT = "3栋电梯停在12楼不动,按钮没反应"


def form(world, **overrides):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": LIFT,
        "reporter_type": "resident",
        "resident_id": world.resident.pk,
        "room_id": world.room.pk,
        "client_ref": "console-suggest-1",
        "confirmed": "1",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


@pytest.fixture
def library(world, now):
    return load_starter(world.company, now=now)


def test_the_intake_card_is_beside_the_form_in_place_of_the_old_similar_card(world, client):
    client.force_login(world.agent)
    html = client.get("/intake/").content.decode()
    assert 'id="suggest-card"' in html and "/intake/suggestions/" in html
    assert 'id="similar"' not in html
    assert 'name="suggest_shown"' in html and 'form="intake-form"' in html


def test_the_panel_proposes_a_category_and_shows_a_cases_words(world, client, library):
    client.force_login(world.agent)
    answer = client.post(
        "/intake/suggestions/",
        {"description": "电梯困人了,有人被困在轿厢里", "room_id": world.room.pk},
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'data-suggest-category="FAC-ELEV"' in html
    assert "电梯困人" in html and "请您不要紧张" in html  # the starter case's 话术
    assert "/cases/" in html


def test_a_starter_case_linked_from_the_card_opens(world, client, library):
    """The starter library's versions have no author (loaded by the system): the case page
    must still open from the card's link."""
    client.force_login(world.agent)
    body = client.get("/api/v1/suggestions", {"project": "SZHY", "text": "电梯困人"}).json()
    page = client.get(f"/cases/{body['cases'][0]['id']}/")
    assert page.status_code == 200 and "请您不要紧张" in page.content.decode()


def test_the_panel_before_any_text_only_explains_itself(world, client):
    client.force_login(world.agent)
    html = client.post("/intake/suggestions/", {"description": ""}).content.decode()
    assert "data-suggest-category" not in html and "输入诉求内容后" in html


@pytest.fixture
def frozen(now):
    """The suggestions look back from the clock's now: the requests registered at ``now``."""
    with clock.frozen(now):
        yield now


def test_alike_open_requests_are_of_the_callers_projects_only(world, client, now, frozen):
    mine = register(world, now - timedelta(hours=2), description="3栋电梯停在12楼不动了")
    theirs, _ = services.register_ticket(
        world.hq,
        services.NewTicket(
            kind="complaint",
            channel="phone",
            category="FAC-ELEV",
            description="3栋电梯停在12楼不动了",
            room_id=world.other_room.pk,
            reporter_type="anonymous",
        ),
        now=now - timedelta(hours=2),
    )
    assert theirs.project == world.other_project
    client.force_login(world.agent)
    html = client.post(
        "/intake/suggestions/", {"description": LIFT, "room_id": world.room.pk}
    ).content.decode()
    assert mine.number in html and theirs.number not in html
    # An agent is told to ask a supervisor; a supervisor gets the one-click merge.
    assert "data-same-as" not in html
    client.force_login(world.supervisor)
    html = client.post(
        "/intake/suggestions/", {"description": LIFT, "project": "SZHY"}
    ).content.decode()
    assert f'data-same-as="merge:{mine.number}"' in html
    # Another project's room sent by hand reads nothing of it.
    client.force_login(world.agent)
    html = client.post(
        "/intake/suggestions/", {"description": LIFT, "room_id": world.other_room.pk}
    ).content.decode()
    assert theirs.number not in html


def test_registration_records_the_suggestion_taken(world, client):
    client.force_login(world.agent)
    answer = client.post("/intake/", form(world, suggest_shown="1", suggest_applied="FAC-ELEV"))
    assert answer.status_code == 302
    s = Suggestion.objects.get()
    assert s.ticket == Ticket.objects.get() and s.source == "rules"
    assert s.suggested[0][0] == "FAC-ELEV" and s.chosen_category.code == "FAC-ELEV"
    assert (s.taken, s.in_top3, s.applied) == (True, True, True)


def test_registration_records_a_suggestion_not_taken(world, client):
    client.force_login(world.agent)
    client.post(
        "/intake/", form(world, category="SVC-LATE", suggest_shown="1", suggest_applied="FAC-ELEV")
    )
    s = Suggestion.objects.get()
    assert s.chosen_category.code == "SVC-LATE" and s.suggested[0][0] == "FAC-ELEV"
    assert (s.taken, s.applied) == (False, False)


def test_a_form_that_showed_no_suggestion_records_none(world, client):
    client.force_login(world.agent)
    client.post("/intake/", form(world))
    assert Ticket.objects.count() == 1 and not Suggestion.objects.exists()


def test_a_supervisor_merges_a_duplicate_at_registration(world, client, now):
    earlier = register(world, now - timedelta(hours=1), description=LIFT)
    client.force_login(world.supervisor)
    client.post("/intake/", form(world, suggest_same_as=f"merge:{earlier.number}"))
    new = Ticket.objects.exclude(pk=earlier.pk).get()
    assert new.status == Status.MERGED and new.merged_into == earlier


def test_an_agent_cannot_merge_and_nothing_is_registered(world, client, now):
    earlier = register(world, now - timedelta(hours=1), description=LIFT)
    client.force_login(world.agent)
    answer = client.post("/intake/", form(world, suggest_same_as=f"merge:{earlier.number}"))
    assert answer.status_code == 400
    assert Ticket.objects.count() == 1


def test_a_supervisor_links_the_new_request_to_a_hot_issue(world, client, now):
    from propdesk.core.tests.scene import Scene

    issue = Scene(world).hot_issue()
    member = issue.members.filter(removed_at=None).select_related("ticket").first().ticket
    client.force_login(world.supervisor)
    answer = client.post("/intake/", form(world, suggest_same_as=f"link:{member.number}"))
    assert answer.status_code == 302
    new = Ticket.objects.latest("pk")
    assert HotIssueMember.objects.filter(hot_issue=issue, ticket=new, removed_at=None).exists()


def test_the_monthly_figures_count_taken_and_top3(world, client, now):
    client.force_login(world.agent)
    client.post("/intake/", form(world, suggest_shown="1", suggest_applied="FAC-ELEV"))
    client.post(
        "/intake/",
        form(world, category="SVC-LATE", client_ref="console-suggest-2", suggest_shown="1"),
    )
    [month] = records.by_month(world.supervisor)
    assert (month.recorded, month.taken, month.applied) == (2, 1, 1)
    assert month.acceptance == 0.5
    assert records.by_month(world.outsider) == []  # another project's supervisor
    client.force_login(world.supervisor)
    page = client.get("/suggestions/report/").content.decode()
    assert month.month in page and "50%" in page
    client.force_login(world.agent)
    assert client.get("/suggestions/report/").status_code == 403


def test_the_api_answers_in_scope_only(world, client, now, library, frozen):
    mine = register(world, now - timedelta(hours=2), description="3栋电梯停在12楼不动了")
    client.force_login(world.agent)
    answer = client.get("/api/v1/suggestions", {"project": "SZHY", "text": LIFT + ",有人被困"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["categories"][0]["code"] == "FAC-ELEV" and body["source"] == "rules"
    assert body["kind"] in {"help", "repair"}
    assert [t["number"] for t in body["similar"]] == [mine.number]
    assert any("请您不要紧张" in c["words"] for c in body["cases"])
    assert client.get("/api/v1/suggestions", {"project": "GZLY", "text": LIFT}).status_code == 404
    assert client.get("/api/v1/suggestions/report").status_code == 403
    client.force_login(world.supervisor)
    assert client.get("/api/v1/suggestions/report").json() == []


def test_only_published_cases_are_suggested(world, client):
    from propdesk.tickets.models import Category

    create_case(
        world.quality,
        title="电梯困人草稿",
        category=Category.objects.get(code="FAC-ELEV"),
        scenarios=[ScenarioText(handling="草稿", words="草稿话术")],
    )
    client.force_login(world.agent)
    body = client.get("/api/v1/suggestions", {"project": "SZHY", "text": "电梯困人"}).json()
    assert body["cases"] == []
