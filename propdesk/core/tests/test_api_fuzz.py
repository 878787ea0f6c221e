"""Schemathesis walks every operation of /api/v1/openapi.json: no answer is a server error and
every answer matches the schema it documents (issue 16, item 7).

It runs in the normal suite, on SQLite and on PostgreSQL, against the WSGI application in this
process (the test's database transaction is the one the views see). The caller is a real
member of staff, the company's administrator, with a bearer token and data in the database:
requests in every state, a hot issue, a visit plan, surveys, an attachment (``RealIds``). Each
generated request keeps schemathesis's own path parameters or takes the id of a real object, so
both "not found" and the real work are tried, and text fields that take a code (kind, category,
department …) are often given a real one (``REAL_VALUES``).
The move endpoint ``/tickets/{number}/actions/{action}`` takes a different body per action:
each action is also walked as an operation of its own with that action's body schema.

Bounded for CI: a fixed seed, deterministic generation and a few examples per operation
(``FUZZ_EXAMPLES``, 8 by default) keep the run to about two minutes per database. Locally,
``FUZZ_EXAMPLES=40 FUZZ_LOG=/tmp/fuzz.tsv pytest propdesk/core/tests/test_api_fuzz.py`` digs
deeper and logs every request and answer.

schemathesis's lazy ``from_fixture`` loader does not run under pytest 9.2 (it sets
``Node._nodeid``), so the schema is loaded at import from the API object itself and the
database objects come from a fixture.
"""

from __future__ import annotations

import copy
import os
from datetime import timedelta
from functools import cached_property
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic.json_schema import models_json_schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from propdesk.api import api
from propdesk.callbacks import choices as callbacks
from propdesk.callbacks import visits
from propdesk.hotissues.detection import detect
from propdesk.improvement import services as improvement_services
from propdesk.org.services import create_api_token
from propdesk.residents.models import Residency, Resident
from propdesk.surveys import choices as surveys
from propdesk.surveys import services as surveys_services
from propdesk.surveys.models import Invitation, Item
from propdesk.tickets import choices as tickets
from propdesk.tickets.actions import ACTIONS
from propdesk.tickets.services import add_attachment
from propdesk.tickets.tests.helpers import register, walk
from propdesk.tickets.tests.test_api_helpers import quick_password_hashing  # noqa: F401

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
MOVE = "/api/v1/tickets/{number}/actions/{action}"


def openapi_with_each_action() -> dict[str, Any]:
    """The API's own OpenAPI document, plus one operation per move with its real body."""
    document = copy.deepcopy(api.get_openapi_schema())
    schemas = document["components"]["schemas"]
    keys = [(schema, "validation") for schema, _call in ACTIONS.values()]
    # Named apart ("Move_…"): the moves' NoteIn and ReasonIn are not the hot issues' or surveys'.
    refs, defs = models_json_schema(keys, ref_template="#/components/schemas/Move_{model}")
    for name, definition in defs.get("$defs", {}).items():
        schemas[f"Move_{name}"] = definition
    move = document["paths"][MOVE]["post"]
    for name, (schema, _call) in ACTIONS.items():
        operation = copy.deepcopy(move)
        operation["operationId"] = f"{move['operationId']}_{name}"
        operation["parameters"] = [p for p in operation["parameters"] if p["name"] != "action"]
        body = {"content": {"application/json": {"schema": refs[(schema, "validation")]}}}
        operation["requestBody"] = body
        document["paths"][MOVE.replace("{action}", name)] = {"post": operation}
    return _inline_enums(document, schemas)


def _inline_enums(node: Any, schemas: dict[str, Any]) -> Any:
    """Choices (Channel, ResponseSource …) written out where they are used: schemathesis's
    check of the real values above fails on a property that is only a reference."""
    if isinstance(node, dict):
        target = node.get("$ref", "").rsplit("/", 1)[-1]
        if len(node) == 1 and "enum" in schemas.get(target, {}):
            return copy.deepcopy(schemas[target])
        return {key: _inline_enums(value, schemas) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_enums(item, schemas) for item in node]
    return node


#: Real values for fields the schemas type as plain text (a kind, a category, a department),
#: mixed into generated ones so that requests get past the first check to the real work.
REAL_VALUES: dict[str, list[str]] = {
    "kind": tickets.Kind.values,
    "channel": tickets.Channel.values + tickets.ReplyChannel.values + surveys.Channel.values,
    "category": ["FAC-ELEV", "FAC-LIGHT", "HOUSE-LEAK", "SVC-ETHICS", "DISP-NOISE", "FEE-MGMT"],
    "nature": tickets.Nature.values,
    "help_type": tickets.HelpType.values,
    "repair_scope": tickets.RepairScope.values,
    "reporter_type": tickets.ReporterType.values,
    "level": tickets.GradeLevel.values,
    "grade_class": tickets.GradeClass.values,
    "media_exposure": tickets.MediaExposure.values,
    "litigation": tickets.Litigation.values,
    "reason": [*tickets.ClosureReason.values, "住户不在家,改约明天"],
    "satisfaction": callbacks.Satisfaction.values,
    "method": callbacks.CallbackMethod.values,
    "area": surveys.ServiceArea.values,
    "department": ["SZHY-ENG", "SZHY-SEC", "GZLY-ENG"],
    "assignee": ["handler", "guard", "agent"],
    "project": ["SZHY", "GZLY"],
    "owner": ["handler", "guard"],
    "status": tickets.Status.values,
}
#: Text schemathesis seldom makes and that broke the API: longer than a column (PostgreSQL's
#: DataError), and dates at the ends of the calendar (an overflow once a time zone is added).
EDGES = [
    "长" * 201,
    "x" * 1001,
    "0001-01-01T00:00:00+08:00",
    "9999-12-31T23:59:59-08:00",
    "0001-01-01",
    "9999-12-31",
    "0001-01",
]
config = schemathesis.Config.from_dict(
    {
        "seed": 20260909,
        "generation": {
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
            "dictionaries": {"string": {"dictionary": "edges", "probability": 0.1}},
        },
        "dictionaries": {
            **{name: {"values": values} for name, values in REAL_VALUES.items()},
            "edges": {"values": EDGES},
        },
        "parameters": {
            f"{where}.{name}": {"dictionary": name, "probability": 0.6}
            for name in REAL_VALUES
            for where in ("body", "query")
        },
    }
)
schema = schemathesis.openapi.from_dict(openapi_with_each_action(), config=config)
schema.app = WSGIHandler()


class RealIds:
    """Ids of real objects of 华苑 for each path parameter, made when first asked for. Made in
    the past through the services (the API reads the real clock)."""

    def __init__(self, world) -> None:
        self.world = world
        self.at = timezone.now() - timedelta(days=1)

    @cached_property
    def tickets(self) -> list[str]:
        states = ["registered", "accepted", "dispatched", "in_progress", "resolved", "closed"]
        return [walk(self.world, self.at, state).number for state in states]

    @cached_property
    def attachment(self) -> int:
        ticket = walk(self.world, self.at, "accepted")
        upload = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64, "image/jpeg")
        return add_attachment(self.world.agent, ticket, upload).pk

    @cached_property
    def hot_issue(self) -> int:
        """Two households of one building reporting the same broken light: a hot issue."""
        world = self.world
        upstairs = Resident.objects.create(company=world.company, name="王芳", phone="13700000002")
        Residency.objects.create(resident=upstairs, room=world.room, relation="family")
        light = {"category": "FAC-LIGHT", "description": "楼道灯不亮,晚上看不见路"}
        register(world, self.at, **light)
        second = register(world, self.at, resident_id=upstairs.pk, **light)
        issue = detect(second.pk, self.at)
        assert issue is not None
        return issue.pk

    @cached_property
    def plan(self):
        return visits.generate_plan(self.world.hq, self.world.project, self.at.year, now=self.at)

    def campaign(self, until: str) -> int:
        hq, today = self.world.hq, timezone.localdate()
        campaign = surveys_services.create_campaign(
            hq, name="华苑满意度调查", period_start=today - timedelta(days=1),
            period_end=today + timedelta(days=30), project_ids=[self.world.project.pk],
            now=self.at,
        )  # fmt: skip
        surveys_services.add_item(hq, campaign.pk, area="customer_service", text="前台接待态度")
        if until == "issued":
            # HQ's plan is a department's: approved by the management representative, for
            # whom the administrator stands in while nobody holds the title.
            surveys_services.submit(hq, campaign.pk, now=self.at)
            surveys_services.approve(self.world.admin, campaign.pk, now=self.at)
            surveys_services.issue(hq, campaign.pk, now=self.at)
        return campaign.pk

    @cached_property
    def campaigns(self) -> dict[str, int]:
        return {stage: self.campaign(stage) for stage in ("draft", "issued")}

    @cached_property
    def action(self) -> int:
        return improvement_services.open_action(
            self.world.hq,
            improvement_services.Source("survey_item", campaign_id=self.campaigns["issued"]),
            project_id=self.world.project.pk,
            owner_id=self.world.handler.pk, cause="前台人手不足", measure="增派一名前台",
            due_on=timezone.localdate() + timedelta(days=30), now=self.at,
        ).pk  # fmt: skip

    # The same ids for the whole test even when a request deletes or moves what they name:
    # hypothesis replays examples and needs the same choices each time.
    @cached_property
    def item(self) -> int:
        return Item.objects.filter(campaign=self.campaigns["draft"]).first().pk

    @cached_property
    def token(self) -> str:
        return Invitation.objects.filter(campaign=self.campaigns["issued"]).first().token

    @cached_property
    def household(self) -> int:
        return self.plan.households.order_by("pk").first().pk

    def choices(self, path: str, name: str) -> list[Any]:
        """The real values ``name`` may take in ``path``."""
        world = self.world
        named = {
            "number": lambda: self.tickets,
            "attachment_id": lambda: [self.attachment],
            "action": lambda: list(ACTIONS),
            "resident_id": lambda: [world.resident.pk, world.neighbour.pk],
            "room_id": lambda: [world.room.pk, world.other_room.pk],
            "code": lambda: [world.project.code, world.other_project.code],
            "item_id": lambda: [self.item],
            "token": lambda: [self.token],
            "planned": lambda: [self.household],
        }
        by_path = {
            "/api/v1/hot-issues/": lambda: [self.hot_issue],
            "/api/v1/visit-plans/": lambda: [self.plan.pk],
            "/api/v1/surveys/campaigns/": lambda: list(self.campaigns.values()),
            "/api/v1/surveys/actions/": lambda: [self.action],
            "/api/v1/actions/": lambda: [self.action],
        }
        if name in named:
            return named[name]()
        return next((make() for prefix, make in by_path.items() if path.startswith(prefix)), [])


@pytest.fixture
def _connection_kept():
    """The WSGI handler closes the database connection after each request (Django's test client
    stops it the same way): the test's transaction must outlive the requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz(world, settings, tmp_path, _connection_kept):
    settings.MEDIA_ROOT = tmp_path
    token = create_api_token(world.admin, name="fuzz")
    return RealIds(world), {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@schema.given(data=st.data())
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_without_server_errors_and_as_documented(case, data, fuzz):
    ids, headers = fuzz
    for name in sorted(case.path_parameters or {}):
        choices = ids.choices(case.operation.path, name)
        if choices and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(choices), label=name)
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    if os.environ.get("FUZZ_LOG"):  # a file: one line per request, to see what was tried
        with open(os.environ["FUZZ_LOG"], "a", encoding="utf-8") as log:
            sent = f"{case.path_parameters}\t{case.query}\t{case.body!r:.200}"
            answer = f"{response.status_code}\t{response.text[:150]!r}"
            log.write(f"{case.operation.label}\t{sent}\t{answer}\n")
