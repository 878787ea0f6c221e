"""Load the whole demo in one transaction: organisation, people, then tickets through services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from propdesk.core import clock
from propdesk.knowledge.services import load_starter
from propdesk.org.models import Company
from propdesk.tickets import services

from . import routine
from .coverage import coverage
from .moves import Env
from .org import COMPANY_CODE, create_org
from .people import NameMaker, create_residents, create_staff, designate_officers
from .planner import Planner
from .plans import Plan, ticket_fields
from .walker import Walk

DEFAULT_SEED = 20260
DEFAULT_SIZE = 360


class DemoExists(Exception):
    """The demo company is already in the database."""


@dataclass
class Summary:
    projects: int
    rooms: int
    residents: int
    staff: int
    tickets: int


def load_demo(
    *, seed: int = DEFAULT_SEED, size: int = DEFAULT_SIZE, now: datetime | None = None
) -> Summary:
    """Write the demo company and its history as of ``now``; all or nothing.

    ``size`` is the number of tickets aimed at; a fixed set that covers every state, kind,
    channel and closure reason is always included, so a small size still shows everything.
    """
    now = clock.resolve(now)
    rng = random.Random(seed)
    with transaction.atomic():
        if Company.objects.filter(code=COMPANY_CODE).exists():
            raise DemoExists(COMPANY_CODE)
        org = create_org(rng)
        people = create_residents(org, rng, timezone.localtime(now).date())
        staff = create_staff(org)
        designate_officers(org, staff)
        planner = Planner(rng, org, people, now, NameMaker(random.Random(seed + 1)))
        coverage(planner)
        while len(planner.plans) < size:
            planner.add()
        plans = sorted(planner.plans, key=lambda p: p.registered_at)
        # The case library agents read from the first day (knowledge/starter.py).
        load_starter(org.company, now=plans[0].registered_at)
        # Registering in order of time makes the daily numbers run with the clock.
        for plan in plans:
            actor = staff[_registrar(plan)]
            plan.ticket, _created = services.register_ticket(
                actor, services.NewTicket(**ticket_fields(plan)), now=plan.registered_at
            )
        env = Env(rng, staff, org.company.pk, now)
        # Duplicates first: the ticket they merge into must still be open when they do.
        for plan in sorted(plans, key=lambda p: p.merge_into is None):
            Walk(env, plan).run()
        # The routine around the tickets: notices delivered and read, monthly reports.
        routine.deliver_notices(env.limit)
        routine.read_notifications(rng, env.limit)
        first = min(plan.received_at for plan in plans)
        routine.monthly_reports(rng, staff, org.company.pk, first, env.limit)
    return Summary(
        projects=len(org.projects),
        rooms=sum(len(p.rooms) for p in org.projects.values()),
        residents=people.residents,
        staff=len(staff),
        tickets=len(plans),
    )


def _registrar(plan: Plan) -> str:
    """首问责任制: whoever receives it records it; a patrol's finding is entered by the guard."""
    low = plan.project.code.lower()
    return f"sec_{low}" if plan.channel == "patrol" else f"agent_{low}"
