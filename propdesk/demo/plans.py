"""What happens to each demo ticket, decided before anything is written: scenario, project,
reporter, channel, when it came in, the state it ends in and the path it takes there.

Deciding first lets the loader register every ticket in the order it was received (so numbers
run with the clock) and guarantees that every state, kind, channel and closure reason appears.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from propdesk.callbacks.choices import Satisfaction
from propdesk.residents.models import Resident, Room
from propdesk.tickets.choices import Channel, Kind, ReporterType, Status
from propdesk.tickets.models import Ticket

from .org import ProjectData
from .scenarios import (
    ANONYMOUS,
    BUILDING,
    CONTACT,
    HOME,
    Context,
    Scenario,
)

S = Status
KIND_WEIGHTS = {
    Kind.COMPLAINT: 40,
    Kind.REPAIR: 32,
    Kind.HELP: 7,
    Kind.CONSULTATION: 11,
    Kind.SUGGESTION: 5,
    Kind.PRAISE: 5,
}
#: Where tickets of each kind stand at "now": most are closed, the recent ones still open.
TARGET_WEIGHTS = {
    Kind.COMPLAINT: {
        S.CLOSED: 52,
        S.CALLBACK_DONE: 5,
        S.RESOLVED: 5,
        S.IN_PROGRESS: 8,
        S.DISPATCHED: 5,
        S.ACCEPTED: 4,
        S.REGISTERED: 3,
        S.SUSPENDED: 5,
        S.REOPENED: 3,
        S.CANCELLED: 3,
    },
    Kind.REPAIR: {
        S.CLOSED: 64,
        S.CALLBACK_DONE: 4,
        S.RESOLVED: 6,
        S.IN_PROGRESS: 6,
        S.DISPATCHED: 6,
        S.ACCEPTED: 2,
        S.REGISTERED: 3,
        S.SUSPENDED: 3,
        S.REOPENED: 1,
        S.CANCELLED: 4,
    },
    Kind.HELP: {S.CLOSED: 85, S.RESOLVED: 6, S.IN_PROGRESS: 3, S.CALLBACK_DONE: 3, S.CANCELLED: 3},
    Kind.CONSULTATION: {S.CLOSED: 78, S.RESOLVED: 12, S.REGISTERED: 5, S.ACCEPTED: 5},
    Kind.SUGGESTION: {
        S.CLOSED: 55,
        S.RESOLVED: 10,
        S.IN_PROGRESS: 10,
        S.DISPATCHED: 8,
        S.ACCEPTED: 10,
        S.CALLBACK_DONE: 7,
    },
    Kind.PRAISE: {S.CLOSED: 88, S.RESOLVED: 7, S.REGISTERED: 5},
}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 40,
    Channel.WECHAT: 22,
    Channel.VISIT: 15,
    Channel.LETTER: 3,
    Channel.EMAIL: 3,
    Channel.WEB: 3,
    Channel.GOVERNMENT: 4,
    Channel.MEDIA: 1,
    Channel.PATROL: 8,
    Channel.CALLBACK: 4,
}
FINAL_SATISFACTION = {
    Satisfaction.VERY_SATISFIED: 35,
    Satisfaction.SATISFIED: 45,
    Satisfaction.BASICALLY_SATISFIED: 20,
}
#: Channels each kind really arrives through: nobody reports a dripping tap to the 12345 hotline.
KIND_CHANNELS = {
    Kind.COMPLAINT: frozenset(Channel.values),
    Kind.REPAIR: frozenset({Channel.PHONE, Channel.WECHAT, Channel.VISIT, Channel.PATROL}),
    Kind.HELP: frozenset({Channel.PHONE, Channel.VISIT, Channel.WECHAT}),
    Kind.CONSULTATION: frozenset({Channel.PHONE, Channel.VISIT, Channel.WECHAT, Channel.EMAIL}),
    Kind.SUGGESTION: frozenset(
        {
            Channel.PHONE,
            Channel.VISIT,
            Channel.WECHAT,
            Channel.LETTER,
            Channel.EMAIL,
            Channel.WEB,
            Channel.CALLBACK,
        }
    ),
    Kind.PRAISE: frozenset(
        {Channel.PHONE, Channel.VISIT, Channel.WECHAT, Channel.LETTER, Channel.EMAIL}
    ),
}
#: The groups' catch-all categories in the default tree (0002_default_categories).
CATCH_ALL = frozenset({"HOUSE-OTHER", "FAC-OTHER", "SEC-OTHER", "DISP-OTHER", "OTHER-OTHER"})
FEMALE_LABELS = ("女儿", "阿姨", "保姆")
HOME_CONTACTS = ("业主亲属", "业主的朋友", "家政阿姨")
SITE_CONTACTS = ("访客", "外卖骑手", "快递员", "装修工人", "商铺租户")

#: Paths to the end state; flags add detours on the way (see walker.py).
ANSWER, SATISFIED, ON_SPOT, NO_CONTACT, DISAGREEMENT, BEYOND, SENSITIVE = (
    "answer",
    "satisfied",
    "on_spot",
    "no_contact",
    "disagreement",
    "beyond",
    "sensitive",  # a complaint closed without a callback, which would do harm
)


@dataclass
class Plan:
    scenario: Scenario
    project: ProjectData
    room: Room
    channel: str
    reporter_type: str
    target: str
    path: str
    received_at: datetime
    registered_at: datetime
    ctx: Context
    description: str = ""
    expectation: str = ""
    resident: Resident | None = None
    contact_name: str = ""
    contact_phone: str = ""
    flags: set[str] = field(default_factory=set)
    satisfaction: str = Satisfaction.SATISFIED
    #: Which description was used; results and places with one entry per description follow it.
    variant: int = 0
    variants: int = 1
    merge_into: Plan | None = None
    ticket: Ticket | None = None

    @property
    def kind(self) -> str:
        return self.scenario.kind

    @property
    def reachable(self) -> bool:
        """Can someone be called back (a resident or contact with a phone)?"""
        return self.reporter_type != ReporterType.ANONYMOUS and bool(
            self.resident or self.contact_phone
        )


def ticket_fields(plan: Plan) -> dict:
    """The NewTicket fields for this plan."""
    scenario = plan.scenario
    category = scenario.category
    if "reclassify" in plan.flags:
        # Recorded under the group's catch-all first; the supervisor corrects it later.
        group_other = category.split("-")[0] + "-OTHER"
        category = group_other if group_other in CATCH_ALL else "OTHER-OTHER"
    data = {
        "kind": scenario.kind,
        "channel": plan.channel,
        "category": category,
        "description": plan.description,
        "expectation": plan.expectation,
        "project": plan.project.code,
        "reporter_type": plan.reporter_type,
        "received_at": plan.received_at,
        "repair_scope": scenario.repair_scope,
        "is_paid_repair": bool(scenario.fees),
        "help_type": scenario.help_type,
        "is_emergency": scenario.emergency,
    }
    if plan.resident is not None:
        data["resident_id"] = plan.resident.pk
    if plan.reporter_type == CONTACT:
        data["contact_name"] = plan.contact_name
        data["contact_phone"] = plan.contact_phone
    if plan.resident is not None or (scenario.where == HOME and plan.reporter_type == CONTACT):
        # Always name the resident's own room: the service cannot always infer it (see the
        # report on register._resolve_place) and a household file needs it.
        data["room_id"] = plan.room.pk
    elif scenario.where in (HOME, BUILDING):
        data["building_id"] = plan.room.building_id
    if scenario.where != HOME:
        data["place"] = plan.ctx["place"]
    elif plan.reporter_type == ANONYMOUS:
        data["place"] = plan.room.label
    return data


def weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def fit_target(scenario: Scenario, path: str, target: str) -> str:
    """Keep the end state reachable along the path (e.g. an answer is never dispatched)."""
    if path == ANSWER and target not in (S.REGISTERED, S.ACCEPTED, S.RESOLVED, S.CLOSED):
        return S.CLOSED
    if path == BEYOND and target in (S.RESOLVED, S.CALLBACK_DONE, S.REOPENED):
        return S.CLOSED
    if path in (NO_CONTACT, ON_SPOT, SENSITIVE) and target in (S.CALLBACK_DONE, S.REOPENED):
        return S.CLOSED
    if path == DISAGREEMENT and target == S.CALLBACK_DONE:
        return S.CLOSED
    if target == S.SUSPENDED and not scenario.suspend:
        # Only matters that really wait for something (parts, the developer) are put on hold.
        return S.IN_PROGRESS
    return target
