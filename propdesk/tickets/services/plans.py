"""The ticket's side of a handling plan (处理方案, SPEC §4): its text on the ticket, and one event
for each submission and each decision. The plan itself, its versions and who must approve it
are the casework domain's (``casework.services``); it calls these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.org.models import User

from ..choices import EventKind
from ..models import Ticket
from .guards import check_move, lock_ticket, record_event, require_text

#: The events of a plan's decisions. Only an approval meets the plan clock (sla).
PLAN_DECISIONS = frozenset(
    {EventKind.PLAN_APPROVED, EventKind.PLAN_SENT_BACK, EventKind.PLAN_REJECTED}
)


@transaction.atomic
def submit_plan(actor: User, ticket: Ticket, *, plan: str, now: datetime | None = None) -> Ticket:
    """Record the handling plan of a complaint that needs coordination on the ticket. The plan
    clock is met when the plan is approved (``record_plan_decision``), not here."""
    ticket = lock_ticket(ticket)
    check_move(actor, ticket, "submit_plan")
    plan = require_text(plan, "plan", _("处理方案"))
    at = clock.resolve(now)
    ticket.plan, ticket.plan_submitted_at, ticket.plan_submitted_by = plan, at, actor
    ticket.needs_plan = True
    ticket.save(
        update_fields=["plan", "plan_submitted_at", "plan_submitted_by", "needs_plan", "updated_at"]
    )
    record_event(ticket, EventKind.PLAN_SUBMITTED, actor, at, note=plan)
    return ticket


def record_plan_decision(
    actor: User | None,
    ticket: Ticket,
    kind: EventKind,
    at: datetime,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """One decision on the ticket's plan, published like a move (an approval meets the plan
    clock). casework checks who may decide; the caller holds the transaction."""
    if kind not in PLAN_DECISIONS:
        raise ValueError(f"not a plan decision: {kind}")
    record_event(lock_ticket(ticket), kind, actor, at, note=note, data=data)
