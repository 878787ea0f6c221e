"""No data across projects (SPEC §1): every write operation of the API, walked with the ids of
another project of the same company.

For each operation of ``/api/v1/openapi.json`` that writes (POST, PUT, PATCH, DELETE), the table
below says how to fill it with ids of 丽苑 (GZLY) — in the address, in the body, each id field in
turn — while the caller works in 华苑 (SZHY) only. Each such request must be refused with 400,
403 or 404 (a 400 naming the field), its answer must not contain a word about 丽苑's people,
and no row of any table may change. The same request with 华苑's own ids must then go through,
so the refusal is the scope's doing and nothing else's. The table must cover every write
operation of the schema (and every action of the ticket endpoint): a new one fails here until
it is added.

Some ids cannot point into another project, so no case sends them: categories are one tree for
every company (a category has no company or project); work orders are numbered within the
request in the address (work_order=1 is that request's first), and attachments are read
within it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.tickets.actions import ACTIONS
from propdesk.tickets.tests.test_api_actions import MOVES

from .cross_project_claims import CLAIM_CASES
from .cross_project_claims import png as _png
from .cross_project_surveys import SURVEY_CASES
from .scene import SECRETS, Call, Case, Scene, database_state

API = "/api/v1"
WRITES = {"post", "put", "patch", "delete"}


def _complaint(s: Scene, **overrides) -> dict:
    body = {
        "kind": "complaint",
        "channel": "phone",
        "category": "FAC-ELEV",
        "description": "电梯停在12楼不动",
        "room_id": s.world.room.pk,
        "resident_id": s.world.resident.pk,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


# --- registration ----------------------------------------------------------------------------

TICKETS = "POST /api/v1/tickets"
CASES: list[Case] = [
    Case(TICKETS, "resident_id of 丽苑 with a room of 华苑 (the reported bug)",
         lambda s: ("/tickets", _complaint(s, resident_id=s.world.neighbour.pk, project="SZHY")),
         lambda s: ("/tickets", _complaint(s, project="SZHY"))),
    Case(TICKETS, "resident_id of 丽苑, nothing else said",
         lambda s: ("/tickets", _complaint(s, resident_id=s.world.neighbour.pk, room_id=None)),
         lambda s: ("/tickets", _complaint(s, room_id=None))),
    Case(TICKETS, "room_id of 丽苑",
         lambda s: ("/tickets", _complaint(s, room_id=s.world.other_room.pk, resident_id=None,
                                           reporter_type="contact", contact_name="王")),
         lambda s: ("/tickets", _complaint(s, resident_id=None, reporter_type="contact",
                                           contact_name="王"))),
    Case(TICKETS, "room_id of 丽苑 in project 华苑",
         lambda s: ("/tickets", _complaint(s, project="SZHY", room_id=s.world.other_room.pk)),
         lambda s: ("/tickets", _complaint(s, project="SZHY"))),
    Case(TICKETS, "building_id of 丽苑",
         lambda s: ("/tickets", _complaint(s, room_id=None, building_id=s.other_building.pk,
                                           resident_id=None, reporter_type="anonymous")),
         lambda s: ("/tickets", _complaint(s, room_id=None, building_id=s.world.room.building_id,
                                           resident_id=None, reporter_type="anonymous"))),
    Case(TICKETS, "project 丽苑",
         lambda s: ("/tickets", _complaint(s, project="GZLY", room_id=None, place="大门")),
         lambda s: ("/tickets", _complaint(s, project="SZHY", room_id=None, place="大门"))),
    Case(TICKETS, "grade_facts.repeat_of: a request of 丽苑",
         lambda s: ("/tickets", _complaint(s, grade_facts={
             "is_repeat": True, "repeat_of": s.ticket("closed", foreign=True).number})),
         lambda s: ("/tickets", _complaint(s, grade_facts={
             "is_repeat": True, "repeat_of": s.ticket("closed").number}))),
]  # fmt: skip

# --- every move of a request -----------------------------------------------------------------

ACT = "POST /api/v1/tickets/{number}/actions/{action}"


def _act(action: str, state: str, body: Callable[[Scene], dict], *, foreign: bool) -> Callable:
    def build(s: Scene) -> Call:
        ticket = s.ticket(state, foreign=foreign)
        return f"/tickets/{ticket.number}/actions/{action}", body(s)

    return build


def _body_of(action: str) -> Callable[[Scene], dict]:
    """The body test_api_actions sends for ``action`` (merge: into a fresh request of 华苑)."""
    make = next(m[3] for m in MOVES if m[0] == action)
    if action == "merge":
        return lambda s: {"into": s.ticket("registered").number, "note": "同一部电梯"}
    return lambda s: make(s.world)


STATE = {m[0]: m[1] for m in MOVES}
for _action in ACTIONS:
    CASES.append(
        Case(ACT, "a request of 丽苑 in the address",
             _act(_action, STATE[_action], _body_of(_action), foreign=True),
             _act(_action, STATE[_action], _body_of(_action), foreign=False), action=_action)
    )  # fmt: skip


def _ours(action: str, state: str, body: Callable[[Scene], dict]) -> Callable:
    return _act(action, state, body, foreign=False)


CASES += [
    Case(ACT, "department of 丽苑",
         _ours("dispatch", "accepted", lambda s: {"department": "GZLY-ENG",
                                                  "deadline": s.later(hours=4)}),
         _ours("dispatch", "accepted", lambda s: {"department": "SZHY-ENG",
                                                  "deadline": s.later(hours=4)}),
         action="dispatch"),
    Case(ACT, "assignee of 丽苑",
         _ours("dispatch", "accepted", lambda s: {"department": "SZHY-ENG",
                                                  "assignee": "gz_handler",
                                                  "deadline": s.later(hours=4)}),
         _ours("dispatch", "accepted", lambda s: {"department": "SZHY-ENG", "assignee": "handler",
                                                  "deadline": s.later(hours=4)}),
         action="dispatch"),
    Case(ACT, "department of 丽苑",
         _ours("transfer", "dispatched", lambda s: {"work_order": 1, "department": "GZLY-ENG",
                                                    "reason": "归丽苑管"}),
         _ours("transfer", "dispatched", lambda s: {"work_order": 1, "department": "SZHY-SEC",
                                                    "reason": "归保安部管"}),
         action="transfer"),
    Case(ACT, "assignee of 丽苑",
         _ours("transfer", "dispatched", lambda s: {"work_order": 1, "department": "SZHY-SEC",
                                                    "assignee": "gz_handler", "reason": "x"}),
         _ours("transfer", "dispatched", lambda s: {"work_order": 1, "department": "SZHY-SEC",
                                                    "assignee": "guard", "reason": "x"}),
         action="transfer"),
    Case(ACT, "into: a request of 丽苑",
         _ours("merge", "registered",
               lambda s: {"into": s.ticket("registered", foreign=True).number}),
         _ours("merge", "registered", lambda s: {"into": s.ticket("registered").number}),
         action="merge"),
    Case(ACT, "room_id of 丽苑",
         _ours("update", "registered", lambda s: {"room_id": s.world.other_room.pk}),
         _ours("update", "registered", lambda s: {"room_id": s.extra_room.pk}),
         action="update"),
    Case(ACT, "repeat_of: a request of 丽苑",
         _ours("update", "registered",
               lambda s: {"repeat_of": s.ticket("closed", foreign=True).number}),
         _ours("update", "registered", lambda s: {"repeat_of": s.ticket("closed").number}),
         action="update"),
]  # fmt: skip

# --- phones, attachments, notifications -----------------------------------------------------

CASES += [
    Case("POST /api/v1/tickets/{number}/reveal-phone", "a request of 丽苑",
         lambda s: (f"/tickets/{s.ticket('registered', foreign=True).number}/reveal-phone", {}),
         lambda s: (f"/tickets/{s.ticket('registered').number}/reveal-phone", {})),
    Case("POST /api/v1/tickets/{number}/attachments", "a request of 丽苑",
         lambda s: (f"/tickets/{s.ticket('registered', foreign=True).number}/attachments",
                    {"file": _png()}),
         lambda s: (f"/tickets/{s.ticket('registered').number}/attachments", {"file": _png()})),
    Case("POST /api/v1/residents/{resident_id}/reveal-phone", "a resident of 丽苑",
         lambda s: (f"/residents/{s.world.neighbour.pk}/reveal-phone", {}),
         lambda s: (f"/residents/{s.world.resident.pk}/reveal-phone", {})),
    Case("POST /api/v1/notifications/read", "someone else's notification",
         lambda s: ("/notifications/read", {"ids": [s.notification(s.gz_handler).pk]}),
         lambda s: ("/notifications/read", {"ids": [s.notification(s.boss).pk]})),
]  # fmt: skip

# Signing in takes no id of a project's object, only credentials: a user of 丽苑 named without
# their password is 401 and reads nothing back; the failure is counted (the lockout) by design.
CASES += [
    Case("POST /api/v1/auth/token", "a user of 丽苑 (credentials, not an id)",
         lambda s: ("/auth/token", {"username": "gz_handler", "password": "pw-boss"}),
         lambda s: ("/auth/token", {"username": "boss", "password": "pw-boss"}),
         refusals=(401,), writes=True),
]  # fmt: skip

# A company file reaches every project: an administrator of 华苑 alone may not send one (a file
# of 丽苑's rooms and people would otherwise be read and written). Refused before it is read.
CASES += [
    Case("POST /api/v1/imports/company/check", "a company file naming 丽苑's rooms",
         lambda s: ("/imports/company/check", {"file": _company_file(s)}), None),
    Case("POST /api/v1/imports/company/apply", "a company file naming 丽苑's rooms",
         lambda s: ("/imports/company/apply", {"file": _company_file(s)}), None),
]  # fmt: skip


def _company_file(s: Scene) -> SimpleUploadedFile:
    room = s.world.other_room
    rows = "项目编码,楼栋,单元,房号\n" + f"GZLY,{room.building.code},,{room.number}\n"
    return SimpleUploadedFile("房屋.csv", rows.encode("utf-8-sig"), content_type="text/csv")


# --- the case library ------------------------------------------------------------------------
# Cases are the company's; what points into a project is a source request.


def _case_body(*sources: str) -> dict:
    return {"title": "电梯困人", "category": "FAC-ELEV", "sources": list(sources),
            "scenarios": [{"handling": "先安抚,再通知维保"}]}  # fmt: skip


def _case(s: Scene, *, foreign: bool = False) -> int:
    """A case written by quality (so that the caller may review it); ``foreign``: of another
    company, which no project scope reaches."""
    from propdesk.knowledge.models import Case
    from propdesk.org.models import Company
    from propdesk.tickets.models import Category

    company = Company.objects.get_or_create(code="OT", name="别家物业")[0] if foreign else None
    at = s.tick()
    case = Case.objects.create(
        company=company or s.world.company, title="丽苑的秘密案例" if foreign else "电梯困人",
        category=Category.objects.get(code="FAC-ELEV"), created_by=s.world.quality,
        created_at=at, updated_at=at,
    )  # fmt: skip
    case.scenarios.create(handling="先安抚")
    case.versions.create(
        version=1, change="created", status="draft", content={}, by=s.world.quality, at=at
    )
    return case.pk


CASES += [
    Case("POST /api/v1/cases", "a source request of 丽苑",
         lambda s: ("/cases", _case_body(s.ticket("registered", foreign=True).number)),
         lambda s: ("/cases", _case_body(s.ticket("registered").number))),
    Case("PUT /api/v1/cases/{pk}", "a case of another company",
         lambda s: (f"/cases/{_case(s, foreign=True)}", _case_body()),
         lambda s: (f"/cases/{_case(s)}", _case_body())),
    Case("POST /api/v1/cases/{pk}/{move}", "a case of another company",
         lambda s: (f"/cases/{_case(s, foreign=True)}/review", {}),
         lambda s: (f"/cases/{_case(s)}/review", {})),
]  # fmt: skip

# --- handling plans (casework) -----------------------------------------------------------------

# Only a project manager, the region or HQ decides, each their own step: the caller (an
# administrator of 华苑) is refused in both projects, so there is no own-project request.
CASES += [
    Case("POST /api/v1/plans/{pk}/decision", "a plan of 丽苑",
         lambda s: (f"/plans/{s.handling_plan(foreign=True).pk}/decision",
                    {"decision": "approved"}),
         None, refusals=(403,)),
]  # fmt: skip

# --- hot issues ------------------------------------------------------------------------------

HOT = "/hot-issues/{pk}/"


def _hot(action: str, body: Callable[[Scene, Any], dict], *, foreign: bool = False,
         ticket: str = "") -> Callable:  # fmt: skip
    """``ticket``: "member" (this issue's), "open" (a request of the same project outside it),
    "foreign" (an open request of 丽苑)."""

    def build(s: Scene) -> Call:
        issue = s.hot_issue(foreign=foreign)
        numbers = list(issue.members.order_by("pk").values_list("ticket__number", flat=True))
        picked = {
            "member": lambda: numbers[0],
            "open": lambda: s.ticket("registered", category="ENV-CLEAN").number,
            "foreign": lambda: s.ticket("registered", foreign=True).number,
        }.get(ticket, lambda: "")()
        return f"/hot-issues/{issue.pk}/{action}", body(s, (picked, numbers))

    return build


def _hot_cases(action: str, body, ticket: str = "") -> list[Case]:
    op = f"POST /api/v1/hot-issues/{{pk}}/{action}"
    return [
        Case(op, "a hot issue of 丽苑", _hot(action, body, foreign=True, ticket=ticket),
             _hot(action, body, ticket=ticket)),
    ]  # fmt: skip


CASES += _hot_cases("confirm", lambda s, t: {"note": "同一线路"})
CASES += _hot_cases("dismiss", lambda s, t: {"reason": "不是同一问题"})
CASES += _hot_cases("link", lambda s, t: {"ticket": t[0]}, ticket="open")
CASES += _hot_cases("unlink", lambda s, t: {"ticket": t[0], "reason": "误归"}, ticket="member")
CASES += _hot_cases("merge", lambda s, t: {"survivor": t[1][0], "duplicates": t[1][1:]})
CASES += [
    Case("POST /api/v1/hot-issues/{pk}/link", "ticket: a request of 丽苑",
         _hot("link", lambda s, t: {"ticket": t[0]}, ticket="foreign"),
         _hot("link", lambda s, t: {"ticket": t[0]}, ticket="open")),
    Case("POST /api/v1/hot-issues/{pk}/unlink", "ticket: a request of 丽苑",
         _hot("unlink", lambda s, t: {"ticket": t[0], "reason": "误归"}, ticket="foreign"),
         _hot("unlink", lambda s, t: {"ticket": t[0], "reason": "误归"}, ticket="member")),
    Case("POST /api/v1/hot-issues/{pk}/merge", "survivor: a request of 丽苑",
         _hot("merge", lambda s, t: {"survivor": t[0], "duplicates": t[1]}, ticket="foreign"),
         _hot("merge", lambda s, t: {"survivor": t[1][0], "duplicates": t[1][1:]})),
    Case("POST /api/v1/hot-issues/{pk}/merge", "duplicates: a request of 丽苑",
         _hot("merge", lambda s, t: {"survivor": t[1][0], "duplicates": [t[0]]},
              ticket="foreign"),
         _hot("merge", lambda s, t: {"survivor": t[1][0], "duplicates": t[1][1:]})),
]  # fmt: skip

# --- callbacks and routine visits ------------------------------------------------------------


def _month() -> str:
    from django.utils import timezone

    return f"{timezone.localdate():%Y-%m}"


def _visit(path: str, body: Callable[[Scene], dict], *, plan: str = "ours",
           household: str = "ours") -> Callable:  # fmt: skip
    """A plan and a household of it: "ours", "foreign" (丽苑's), or "next_year" (another plan
    of 华苑: the household is not the plan's in the address)."""

    def build(s: Scene) -> Call:
        plans = {"ours": lambda: s.plan(), "foreign": lambda: s.plan(foreign=True)}
        the_plan = plans[plan]()
        if household == "next_year":
            other = s.plan(year=the_plan.year + 1)
            planned = s.household(other)
        else:
            planned = s.household(plans[household]() if household != plan else the_plan)
        return f"/visit-plans/{the_plan.pk}/households/{planned.pk}/{path}", body(s)

    return build


VISIT = "POST /api/v1/visit-plans/{pk}/households/{planned}/visit"
MOVE = "POST /api/v1/visit-plans/{pk}/households/{planned}/move"


def _visited(resident: str) -> Callable[[Scene], dict]:
    def body(s: Scene) -> dict:
        who = s.world.neighbour if resident == "foreign" else s.world.resident
        return {"service_quality": "satisfied", "staff_attitude": "satisfied",
                "resident_id": who.pk}  # fmt: skip

    return body


CASES += [
    Case("POST /api/v1/callback-tasks/sample", "project 丽苑",
         lambda s: ("/callback-tasks/sample", {"project": "GZLY", "month": _month()}),
         lambda s: ("/callback-tasks/sample", {"project": "SZHY", "month": _month()})),
    Case("POST /api/v1/visit-plans", "project 丽苑",
         lambda s: ("/visit-plans", {"project": "GZLY", "year": 2027}),
         lambda s: ("/visit-plans", {"project": "SZHY", "year": 2027})),
    Case(VISIT, "a plan of 丽苑",
         _visit("visit", _visited("foreign"), plan="foreign", household="foreign"),
         _visit("visit", _visited("ours"))),
    Case(VISIT, "a household of 丽苑's plan",
         _visit("visit", _visited("ours"), household="foreign"), _visit("visit", _visited("ours"))),
    Case(VISIT, "a household of another plan", _visit("visit", _visited("ours"),
                                                       household="next_year"),
         _visit("visit", _visited("ours"))),
    Case(VISIT, "resident_id of 丽苑", _visit("visit", _visited("foreign")),
         _visit("visit", _visited("ours"))),
    Case(MOVE, "a plan of 丽苑",
         _visit("move", lambda s: {"month": 12}, plan="foreign", household="foreign"),
         _visit("move", lambda s: {"month": 12})),
    Case(MOVE, "a household of 丽苑's plan",
         _visit("move", lambda s: {"month": 12}, household="foreign"),
         _visit("move", lambda s: {"month": 12})),
    Case(MOVE, "a household of another plan",
         _visit("move", lambda s: {"month": 12}, household="next_year"),
         _visit("move", lambda s: {"month": 12})),
]  # fmt: skip

CASES += SURVEY_CASES
CASES += CLAIM_CASES

# --- monthly reports ---------------------------------------------------------------------------


def _report(code: str) -> Callable[[Scene], Call]:
    """A report of last month for project ``code`` (every report of the month made once)."""

    def report_id(s: Scene) -> int:
        from django.utils import timezone

        from propdesk.stats.models import MonthlyReport
        from propdesk.stats.reports import generate_month, month_before

        year, month = month_before(timezone.localdate())
        found = MonthlyReport.objects.filter(scope_kind="project", scope_code=code, year=year,
                                             month=month).first()  # fmt: skip
        if found is None:
            generate_month(year, month)
            found = MonthlyReport.objects.get(scope_kind="project", scope_code=code, year=year,
                                              month=month)  # fmt: skip
        return found.pk

    return report_id


def _report_call(code: str, tail: str, body: dict) -> Callable[[Scene], Call]:
    return lambda s: (f"/reports/{_report(code)(s)}{tail}", body)


CASES += [
    Case("PATCH /api/v1/reports/{pk}", "a report of 丽苑",
         _report_call("GZLY", "", {"commentary": "本月电梯故障集中"}),
         _report_call("SZHY", "", {"commentary": "本月电梯故障集中"})),
    Case("POST /api/v1/reports/{pk}/publish", "a report of 丽苑",
         _report_call("GZLY", "/publish", {}), _report_call("SZHY", "/publish", {})),
]  # fmt: skip


# --- the walk --------------------------------------------------------------------------------


def _write_operations(client) -> set[str]:
    schema = client.get(f"{API}/openapi.json").json()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITES
    }


def test_the_walk_covers_every_write_operation_of_the_api_and_every_action(client, db):
    missing = _write_operations(client) - {c.op for c in CASES}
    assert not missing, f"add these write operations to the cross-project walk: {missing}"
    stale = {c.op for c in CASES} - _write_operations(client)
    assert not stale, f"no longer in the schema: {stale}"
    assert set(ACTIONS) <= {c.action for c in CASES if c.op == ACT}


@pytest.fixture
def scene(world) -> Scene:
    return Scene(world)


def _method(case: Case) -> str:
    return case.op.split(" ", 1)[0]


def _case_id(case: Case) -> str:
    path = case.op.split(" ", 1)[1].removeprefix(API)
    return f"{_method(case)} {path}{':' + case.action if case.action else ''} [{case.what}]"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_ids_of_another_project_are_refused_and_read_nothing_back(scene, case):
    path, body = case.foreign(scene)
    before = database_state()

    refused = scene.send(_method(case), API + path, body)

    text = refused.content.decode()
    assert refused.status_code in case.refusals, (refused.status_code, text)
    if refused.status_code == 400:
        assert refused.json().get("field"), text  # the field is named
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} read back: {text}"
    if not case.writes:
        assert database_state() == before, "a refused request changed the database"

    if case.own is not None:
        path, body = case.own(scene)
        accepted = scene.send(_method(case), API + path, body)
        assert accepted.status_code < 300, (accepted.status_code, accepted.content.decode())
