"""One permission door (SPEC §1; org/access.py): every page of the console and every operation
of the API asks ``org.access.visible_projects`` which projects the caller reaches, as each role
— and a member of staff whose scope holds no project sees nothing of anyone, anywhere.

The pages are found in the URL configuration and the operations in the OpenAPI document, so a
new page or operation is walked without being added here; ``ARGUMENTS`` says how to fill its
address, and a page that reads nothing of a project is listed in ``NO_PROJECT_DATA`` with why.
Writes are walked once more with the bodies of the cross-project table (every write operation
of the API has a case there)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from unittest import mock

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from conftest import make_user
from propdesk.api import api
from propdesk.core.tests.scene import Scene
from propdesk.core.tests.test_no_data_across_projects import CASES
from propdesk.knowledge.services import ScenarioText, create_case, publish_case, review_case
from propdesk.org import access
from propdesk.org.choices import Role
from propdesk.stats.reports import generate_month, month_before
from propdesk.tickets import services

#: Pages that read nothing of any project, and why.
NO_PROJECT_DATA = {
    "login/": "the sign-in page",
    "first-login/<str:uid>/<str:token>/": "a member of staff sets their own first password",
    "logout/": "signs out",
    "notifications/": "the caller's own notifications, addressed to them by name",
    "queues-saved/": "saves the caller's own filter",
    "queues-saved/<int:pk>/delete/": "deletes the caller's own saved filter",
    "s/<str:token>/": "the resident's questionnaire: its token is the key",
    "s/<str:token>/thanks/": "the resident's thank-you page",
    # Onboarding (residents.onboarding.jobs): a company's own files, its administrators only;
    # an import is the company's whole data, above any project scope.
    "imports/": "the company's imports: administrators of the company only",
    "imports/template/": "the empty template",
    "imports/export/": "the whole company's file: administrators of the company only",
    "imports/<int:pk>/": "an import of the company: administrators of the company only",
    "imports/<int:pk>/progress/": "an import of the company: administrators of the company only",
    "imports/<int:pk>/apply/": "an import of the company: administrators of the company only",
    "imports/<int:pk>/rejected/": "an import of the company: administrators of the company only",
    # The case library (knowledge) is the company's, not a project's; a case's source requests
    # are read through the door (cases/<int:pk>/ is walked as any page).
    "cases/": "the company's case library",
    "cases/new/": "writes a case of the company",
    "cases/<int:pk>/edit/": "edits a case of the company",
    "cases/<int:pk>/<str:action>/": "reviews, publishes or withdraws a case of the company",
    "cases/handbook/<str:code>/": "the company's published cases of a category",
    # The resident portal (portal/): a resident's session, holding a phone proven by SMS code,
    # is the key, not a staff scope; a member of staff there is a visitor like anyone else.
    # portal/tests/test_portal.py walks each of these as another household and another project.
    "h5/<str:code>/": "the resident portal's home: the project's name, or the household's own",
    "h5/<str:code>/login/": "the resident portal's sign-in by SMS code",
    "h5/<str:code>/logout/": "signs a resident out",
    "h5/<str:code>/new/": "the resident portal's form: a resident's own session",
    "h5/<str:code>/messages/": "a resident turns their own notices on or off",
    "h5/<str:code>/r/<str:number>/": "a request of the resident's own household only",
    "h5/<str:code>/r/<str:number>/<str:action>/": "a request of the resident's own household",
    "h5/<str:code>/t/<str:token>/": "an anonymous request: its private link's token is the key",
    "h5/<str:code>/r/<str:number>/photo/<int:photo_id>": "a photo of the household's own request",
    "h5/<str:code>/t/<str:token>/photo/<int:photo_id>": "a photo of an anonymous request: by token",
    "h5/<str:code>/wechat/": "WeChat sign-in (off unless configured)",
    "h5/<str:code>/wechat/back/": "WeChat sign-in (off unless configured)",
    "h5/<str:code>/qr.svg": "the QR code of the portal's address",
}
#: API operations that read nothing of any project, and why.
NO_PROJECT_DATA_API = {
    "POST /api/v1/auth/token": "signs in",
    "GET /api/v1/taxonomy": "the lists of kinds, states and categories: the same for everyone",
    "GET /api/v1/notifications": "the caller's own notifications",
    "GET /api/v1/notifications/unread-count": "the caller's own notifications",
    "POST /api/v1/notifications/read": "the caller's own notifications",
    "GET /api/v1/surveys/answer/{token}": "the resident's questionnaire: its token is the key",
    "POST /api/v1/surveys/answer/{token}": "the resident's questionnaire: its token is the key",
    "POST /api/v1/imports/company/check": "the company's whole file: its administrators only",
    "POST /api/v1/imports/company/apply": "the company's whole file: its administrators only",
}
#: Answers that read nothing because they refuse (a form sent empty) or move on first.
NOTHING_READ = {302, 400, 403, 405}
#: Pages that read only once asked something: what a person would ask.
PAGE_QUERY = {
    "intake/household/": {"phone": "13812345678"},
    "residents/": {"name": "张"},
    "search/": {"q": "电梯"},
    "search/results/": {"q": "电梯"},
}
ROLES = [r for r in Role.values]
TODAY = timezone.localdate()
MONTH = TODAY.strftime("%Y-%m")


class Door:
    """Counts the calls of the door while a request is made."""

    def __init__(self) -> None:
        self.patch = mock.patch.object(access, "visible_projects", wraps=access.visible_projects)

    def calls(self, request: Callable[[], object]) -> tuple[object, int]:
        with self.patch as door:
            answer = request()
        return answer, door.call_count


class Places:
    """What fills each address: the objects of 华苑, made once."""

    def __init__(self, scene: Scene) -> None:
        s, w = scene, scene.world
        self.ticket = s.ticket("dispatched")
        services.add_attachment(w.hq, self.ticket, _png(), now=s.tick())
        self.attachment = self.ticket.attachments.get()
        self.issue = s.hot_issue()
        self.plan = s.plan()
        self.household = s.household(self.plan)
        self.campaign = s.campaign("issued")
        self.item = s.item(self.campaign)
        self.token = s.token(self.campaign)
        self.action = s.action()
        self.report = _a_report()
        self.handling_plan = s.handling_plan()
        self.claim = s.claim(until="charge_back")  # every part of its file filled
        self.claim_file = self.claim.files.order_by("pk").first()
        self.resident, self.room = w.resident, w.room
        self.case = create_case(
            w.quality, title="电梯困人", category=self.ticket.category,
            scenarios=[ScenarioText(handling="先安抚,再派维保")], sources=[self.ticket],
        )  # fmt: skip
        review_case(w.hq, self.case)
        publish_case(w.hq, self.case)  # every role reads it

    def page(self, route: str) -> str:
        """The address of a page, its parameters filled for the route they sit in."""

        def value(match: re.Match) -> str:
            name, before = match.group(1), route[: match.start()]
            return str(self._page_value(name, before))

        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)

    def _page_value(self, name: str, before: str) -> object:
        by_place = {
            "hot-issues/": self.issue.pk,
            "visits/": self.plan.pk,
            "residents/": self.resident.pk,
            "rooms/": self.room.pk,
            "reports/": self.report.pk,
            "surveys/actions/": self.action.pk,
            "surveys/": self.campaign.pk,
            "actions/": self.action.pk,
            "queues-saved/": 0,
            "imports/": 0,
            "cases/": self.case.pk,
            "plans/": self.handling_plan.pk,
            "claims/": self.claim.pk,
        }
        if name == "pk":
            return next(v for place, v in by_place.items() if before.endswith(place))
        moves = {"tickets/": "note", "my-orders/": "start", "surveys/": "submit"}
        return {
            "number": self.ticket.number,
            "sequence": 1,
            "form": "ticket",
            "name": "all",
            "action": "dismiss",
            "planned": self.household.pk,
            "item_id": self.item.pk,
            "photo_id": 1,
            "register": "phone",
            "file_id": self.claim_file.pk,
            "token": self.token,
            "uid": "MQ",
            # A project's code, but a category's in the case handbook's address.
            "code": "FAC" if before.startswith("cases/") else "SZHY",
            "move": next((m for p, m in moves.items() if before.startswith(p)), "done"),
        }[name]

    def operation(self, path: str) -> str:
        values = {
            "number": self.ticket.number,
            "resident_id": self.resident.pk,
            "room_id": self.room.pk,
            "code": "SZHY",
            "attachment_id": self.attachment.pk,
            "token": self.token,
            "item_id": self.item.pk,
            "photo_id": 1,
            "planned": self.household.pk,
            "action": "note",
            "file_id": self.claim_file.pk,
            "move": "agree",
        }
        by_place = {
            "/hot-issues/": self.issue.pk,
            "/visit-plans/": self.plan.pk,
            "/surveys/actions/": self.action.pk,
            "/surveys/campaigns/": self.campaign.pk,
            "/actions/": self.action.pk,
            "/cases/": self.case.pk,
            "/plans/": self.handling_plan.pk,
            "/reports/": self.report.pk,
            "/claims/": self.claim.pk,
        }

        def value(match: re.Match) -> str:
            name = match.group(1)
            if name == "pk":
                before = path[: match.start()]
                return str(next(v for p, v in by_place.items() if before.endswith(p)))
            return str(values[name])

        return re.sub(r"\{(\w+)\}", value, path)


def _png():
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def _a_report():
    from propdesk.stats.models import MonthlyReport

    year, month = month_before(TODAY)
    generate_month(year, month)
    return MonthlyReport.objects.order_by("pk").first()


def pages() -> Iterator[str]:
    """Every route of the site but the admin's, the API's and the language switch's."""

    def walk(patterns, prefix: str = "") -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    for route in walk(get_resolver().url_patterns):
        if not route.startswith(("admin/", "api/", "i18n/", "static/", "media/")):
            yield route


def reads() -> Iterator[tuple[str, str, list[str]]]:
    """Every GET operation of the API: (label, path, required query parameters)."""
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if method == "get":
                needed = [
                    p["name"]
                    for p in operation.get("parameters", [])
                    if p.get("required") and p["in"] == "query"
                ]
                yield f"GET {path}", path, needed


QUERY = {
    "project": "SZHY", "month": MONTH, "period": MONTH, "by": "kind", "q": "电梯",
    "text": "3栋2单元电梯停在12楼不动,按钮没反应",  # the suggestions: what the agent typed
}  # fmt: skip
#: Operations that need more, or other, than QUERY to read anything.
QUERY_FOR = {
    "GET /api/v1/residents": {"name": "张"},
    "GET /api/v1/visit-plans/{pk}/households": {"month": TODAY.month},
}


def query_of(label: str, needed: list[str]) -> dict:
    return {**{name: QUERY[name] for name in needed}, **QUERY_FOR.get(label, {})}


@pytest.fixture
def scene(world):
    return Scene(world)


@pytest.fixture
def places(scene):
    return Places(scene)


def _visit(client, address: str, query: dict | None = None):
    answer = client.get(address, query or {})
    if answer.status_code == 405:
        answer = client.post(address, {})
    return answer


@pytest.mark.parametrize("role", ROLES)
def test_every_page_asks_the_door_as_each_role(scene, places, client, role):
    door = Door()
    client.force_login(scene.world.user(role))
    missed = []
    for route in pages():
        answer, calls = door.calls(
            lambda route=route: _visit(client, places.page(route), PAGE_QUERY.get(route))
        )
        assert answer.status_code < 500, route
        unscoped = route in NO_PROJECT_DATA
        if calls == 0 and answer.status_code not in NOTHING_READ and not unscoped:
            missed.append(f"{route} ({answer.status_code})")
    assert missed == [], "\n".join(missed)


@pytest.mark.parametrize("role", ROLES)
def test_every_read_of_the_api_asks_the_door_as_each_role(scene, places, client, role):
    door = Door()
    client.force_login(scene.world.user(role))
    missed = []
    for label, path, needed in reads():
        address = places.operation(path)
        query = query_of(label, needed)
        answer, calls = door.calls(lambda a=address, q=query: client.get(a, q))
        assert answer.status_code < 500, label
        if (
            calls == 0
            and answer.status_code not in NOTHING_READ
            and label not in NO_PROJECT_DATA_API
        ):
            missed.append(f"{label} ({answer.status_code})")
    assert missed == [], "\n".join(missed)


def test_every_write_of_the_api_asks_the_door(scene, places):
    """The cross-project table's own-project request of each write operation, once more,
    counting the door's calls."""
    door = Door()
    missed = []
    for case in CASES:
        if case.own is None or case.op in NO_PROJECT_DATA_API:
            continue
        method = case.op.split()[0]
        path, body = case.own(scene)
        _answer, calls = door.calls(
            lambda m=method, p=path, b=body: scene.send(m, "/api/v1" + p, b)
        )
        if calls == 0:
            missed.append(f"{case.op}: {case.what}")
    assert missed == [], "\n".join(missed)


@pytest.mark.parametrize("role", ROLES)
def test_a_member_of_staff_with_no_project_sees_nothing_anywhere(scene, places, client, role):
    """Everything of 华苑 and 丽苑 — people, phones, request numbers, project names — stays out
    of every page and every answer to someone whose scope holds no project."""
    nobody = make_user(f"nobody_{role}", role, scene.world.company, projects=[])
    if role == Role.HANDLER:
        nobody.department = scene.world.engineering
        nobody.save()
    client.force_login(nobody)
    words = ("张伟", "13812345678", "138****5678", "李娜", "华苑", "丽苑", places.ticket.number)
    seen = []
    addresses = [
        (places.page(r), PAGE_QUERY.get(r, {})) for r in pages() if r not in NO_PROJECT_DATA
    ]
    addresses += [
        (places.operation(path), query_of(label, needed))
        for label, path, needed in reads()
        if label not in NO_PROJECT_DATA_API
    ]
    for address, query in addresses:
        answer = client.get(address, query)
        if answer.status_code == 405:
            continue  # a form's target: walked with the forms of the cross-project tests
        assert answer.status_code < 500, address
        # The address typed is echoed (the language switch's next=): it tells them nothing.
        body = answer.content.decode("utf-8", "replace").replace(address, "")
        seen += [f"{address}: {w}" for w in words if w in body]
    assert seen == [], "\n".join(seen)


def test_every_scope_question_goes_through_the_door_which_reads_the_scope_once(
    world, django_assert_num_queries
):
    user = world.agent
    access.forget(user)
    with mock.patch.object(access, "visible_projects", wraps=access.visible_projects) as door:
        with django_assert_num_queries(1):  # the first question reads the scope …
            assert user.project_ids == frozenset({world.project.pk})
        with django_assert_num_queries(0):  # … the next ones answer from it
            assert user.in_scope(world.project.pk) and not user.in_scope(world.other_project.pk)
    assert door.call_count == 3


def test_changing_a_scope_is_seen_after_forget(world):
    user = world.agent
    assert not user.in_scope(world.other_project.pk)
    user.scope_projects.add(world.other_project)
    assert not user.in_scope(world.other_project.pk)  # the request's answer stands
    access.forget(user)
    assert user.in_scope(world.other_project.pk)


def test_an_inactive_member_of_staff_reaches_no_project(world):
    world.agent.is_active = False
    access.forget(world.agent)
    assert access.visible_projects(world.agent) == frozenset()
