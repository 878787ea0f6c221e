"""No data across projects on the console's pages (SPEC §1): the forms that post ids — intake,
dispatch, transfer, merge, hot issues, callbacks, routine visits, notifications — and the
statistics, sent the ids of 丽苑 by a user of 华苑. Each is refused (400 with the message by
its field, or the 403/404 page), shows nothing of 丽苑's people and writes nothing; the same
form with 华苑's own ids goes through. (The API's walk over every write operation is in
core/tests/test_no_data_across_projects.py; both call the same services.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from propdesk.core.tests.scene import SECRETS, Scene, database_state

Page = tuple[str, dict]


@dataclass(frozen=True)
class Form:
    what: str
    foreign: Callable[[Scene], Page]
    own: Callable[[Scene], Page]
    status: int  # what the foreign one answers
    method: str = "post"


def _intake(s: Scene, **overrides) -> dict:
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "3栋电梯停在12楼",
        "reporter_type": "resident",
        "project": "SZHY",
        "resident_id": s.world.resident.pk,
        "room_id": s.world.room.pk,
        "client_ref": f"console-{len(overrides)}-{sorted(overrides)}",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def _move(move: str, state: str, data: Callable[[Scene], dict]) -> Callable[[Scene], Page]:
    def build(s: Scene) -> Page:
        return f"/tickets/{s.ticket(state).number}/move/{move}/", data(s)

    return build


def _deadline() -> str:
    return (timezone.localtime() + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")


def _hot(action: str, data: Callable[[Scene, list[str]], dict], *, foreign: bool = False):
    def build(s: Scene) -> Page:
        issue = s.hot_issue(foreign=foreign)
        members = list(issue.members.order_by("pk").values_list("ticket__number", flat=True))
        return f"/hot-issues/{issue.pk}/{action}/", data(s, members)

    return build


def _visit(action: str, data: dict, *, household: str = "ours"):
    def build(s: Scene) -> Page:
        plan = s.plan()
        planned = s.household(s.plan(foreign=True) if household == "foreign" else plan)
        return f"/visits/{plan.pk}/{planned.pk}/{action}/", data

    return build


VISITED = {"method": "phone", "service_quality": "satisfied", "staff_attitude": "satisfied"}

FORMS = [
    Form("intake read-back: a resident of 丽苑",
         lambda s: ("/intake/", _intake(s, resident_id=s.world.neighbour.pk)),
         lambda s: ("/intake/", _intake(s)), 400),
    Form("intake: a resident of 丽苑 (the reported bug)",
         lambda s: ("/intake/", _intake(s, resident_id=s.world.neighbour.pk, confirmed="1")),
         lambda s: ("/intake/", _intake(s, confirmed="1")), 400),
    Form("intake: a room of 丽苑",
         lambda s: ("/intake/", _intake(s, room_id=s.world.other_room.pk, confirmed="1")),
         lambda s: ("/intake/", _intake(s, confirmed="1")), 400),
    Form("household file: a resident of 丽苑",
         lambda s: (f"/intake/household/?resident={s.world.neighbour.pk}", {}),
         lambda s: (f"/intake/household/?resident={s.world.resident.pk}", {}), 403, "get"),
    Form("dispatch: a department of 丽苑",
         _move("dispatch", "accepted", lambda s: {"department": "GZLY-ENG",
                                                  "deadline": _deadline()}),
         _move("dispatch", "accepted", lambda s: {"department": "SZHY-ENG",
                                                  "deadline": _deadline()}), 400),
    Form("dispatch: a handler of 丽苑",
         _move("dispatch", "accepted", lambda s: {"department": "SZHY-ENG",
                                                  "assignee": "gz_handler",
                                                  "deadline": _deadline()}),
         _move("dispatch", "accepted", lambda s: {"department": "SZHY-ENG", "assignee": "handler",
                                                  "deadline": _deadline()}), 400),
    Form("transfer: a department of 丽苑",
         _move("transfer", "dispatched", lambda s: {"work_order": "1", "department": "GZLY-ENG",
                                                    "reason": "x"}),
         _move("transfer", "dispatched", lambda s: {"work_order": "1", "department": "SZHY-SEC",
                                                    "reason": "x"}), 400),
    Form("merge: into a request of 丽苑",
         _move("merge", "registered",
               lambda s: {"into": s.ticket("registered", foreign=True).number}),
         _move("merge", "registered", lambda s: {"into": s.ticket("registered").number}), 400),
    Form("a request of 丽苑's page",
         lambda s: (f"/tickets/{s.ticket('registered', foreign=True).number}/", {}),
         lambda s: (f"/tickets/{s.ticket('registered').number}/", {}), 403, "get"),
    Form("hot issue: link a request of 丽苑",
         _hot("link", lambda s, m: {"ticket": s.ticket("registered", foreign=True).number}),
         _hot("link", lambda s, m: {"ticket": s.ticket("registered",
                                                       category="ENV-CLEAN").number}), 400),
    Form("hot issue: one of 丽苑",
         _hot("confirm", lambda s, m: {"note": ""}, foreign=True),
         _hot("confirm", lambda s, m: {"note": ""}), 403),
    Form("hot issue: merge into a request of 丽苑",
         _hot("merge", lambda s, m: {"survivor": s.ticket("registered", foreign=True).number,
                                     "duplicates": m}),
         _hot("merge", lambda s, m: {"survivor": m[0], "duplicates": m[1:]}), 400),
    Form("callbacks: sample 丽苑's repairs",
         lambda s: ("/callbacks/sample/", {"project": "GZLY"}),
         lambda s: ("/callbacks/sample/", {"project": "SZHY"}), 403),
    Form("routine visit: a household of 丽苑's plan",
         _visit("record", VISITED, household="foreign"), _visit("record", VISITED), 404),
    Form("routine visit: move a household of 丽苑's plan",
         _visit("move", {"to": "12"}, household="foreign"), _visit("move", {"to": "12"}), 404),
    Form("notifications: mark someone else's read",
         lambda s: ("/notifications/", {"read": str(s.notification(s.gz_handler).pk)}),
         lambda s: ("/notifications/", {"read": str(s.notification(s.boss).pk)}), 404),
    Form("statistics of 丽苑",
         lambda s: ("/stats/?scope=project:GZLY", {}), lambda s: ("/stats/?scope=project:SZHY", {}),
         403, "get"),
    Form("statistics of 丽苑's region",
         lambda s: ("/stats/?scope=region:GZ", {}), lambda s: ("/stats/?scope=region:SZ", {}),
         403, "get"),
    Form("callback rates of 丽苑's year",
         lambda s: ("/callbacks/yearly/?project=GZLY", {}),
         lambda s: ("/callbacks/yearly/?project=SZHY", {}), 403, "get"),
    Form("defect feedback of 丽苑",
         lambda s: ("/reports/defects/?scope=project:GZLY", {}),
         lambda s: ("/reports/defects/?scope=project:SZHY", {}), 403, "get"),
    Form("业户回访率统计年报表 of 丽苑, as Excel",
         lambda s: ("/reports/callback-rates/?scope=project:GZLY&format=xlsx", {}),
         lambda s: ("/reports/callback-rates/?scope=project:SZHY&format=xlsx", {}), 403, "get"),
    Form("业户回访率统计年报表 of 丽苑's region",
         lambda s: ("/reports/callback-rates/?scope=region:GZ", {}),
         lambda s: ("/reports/callback-rates/?scope=region:SZ", {}), 403, "get"),
    Form("投诉意见处理表 of 丽苑's complaint, as PDF",
         lambda s: (f"/tickets/{s.ticket('resolved', foreign=True).number}/print/opinion/",
                    {"format": "pdf"}),
         lambda s: (f"/tickets/{s.ticket('resolved').number}/print/opinion/", {"format": "pdf"}),
         403, "get"),
]  # fmt: skip


@pytest.fixture
def scene(world) -> Scene:
    return Scene(world)


@pytest.mark.parametrize("form", FORMS, ids=[f.what for f in FORMS])
def test_a_page_sent_ids_of_another_project_refuses_and_shows_nothing_of_it(scene, form):
    path, data = form.foreign(scene)
    before = database_state()

    refused = getattr(scene.client, form.method)(path, data)

    html = refused.content.decode()
    assert refused.status_code == form.status, html[:2000]
    for secret in SECRETS:
        assert secret not in html, f"{secret!r} shown"
    assert database_state() == before, "a refused form changed the database"

    path, data = form.own(scene)
    accepted = getattr(scene.client, form.method)(path, data)
    assert accepted.status_code in (200, 302), accepted.content.decode()[:2000]
    if accepted.status_code == 302:
        follow = scene.client.get(accepted.headers["Location"])
        assert "alert-error" not in follow.content.decode(), "the own form was refused"


@pytest.mark.parametrize(
    ("endpoint", "by"), [("figures", None), ("breakdown", "kind"), ("pareto", "category")]
)
@pytest.mark.parametrize("scope", ["project:GZLY", "region:GZ"])
def test_statistics_of_a_scope_outside_the_users_are_403_in_the_api(scene, endpoint, by, scope):
    params = {"period": f"{timezone.localdate():%Y-%m}", "scope": scope}
    if by:
        params["by"] = by

    refused = scene.client.get(f"/api/v1/stats/{endpoint}", params)

    assert refused.status_code == 403, refused.content.decode()
    assert refused.json()["field"] == "scope"
    own = scene.client.get(f"/api/v1/stats/{endpoint}", {**params, "scope": "project:SZHY"})
    assert own.status_code == 200, own.content.decode()
