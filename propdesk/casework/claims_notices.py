"""Who is told of a compensation claim's approval through the outbox (issue 21 item 2), as
handling plans tell theirs (``services._ask``): when a claim waits at a step, the people of
that step's role over its project (``STEP_ROLE``: the project's managers, the region company's,
HQ customer service) are asked, with a link to the claim; when the chain ends — approved, sent
back to be assessed again, or rejected — the agent who opened the claim is told. Queued in the
step's own transaction: a step refused or rolled back tells nobody."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from propdesk.notify.choices import Event
from propdesk.notify.services import Outgoing, queue_many
from propdesk.org.models import User
from propdesk.org.services import staff_in_roles

from .choices import ApprovalStep
from .claims_choices import ClaimStatus
from .claims_rules import claim_steps
from .models import Claim
from .services import STEP_ROLE


def _context(claim: Claim, step: str, **more: Any) -> dict[str, Any]:
    return {
        "claim": claim.pk,
        "claim_step": step,
        "claim_amount": claim.assessed_amount,
        "basis": claim.basis[:300],
        "claim_description": claim.description[:300],
        **more,
    }


def ask_approvers(claim: Claim, at: datetime) -> int:
    """Ask the people of the step the claim waits at now; returns how many messages."""
    step = claim.next_step
    if step is None:
        return 0
    people = staff_in_roles(claim.ticket, [STEP_ROLE[step]])
    item = Outgoing(
        Event.CLAIM_APPROVAL,
        people,
        # A new round (assessed again after being sent back) asks again.
        key=f"claim:{claim.pk}:{claim.round}:{step}",
        ticket=claim.ticket,
        context=_context(claim, step),
        url=f"/claims/{claim.pk}/",
    )
    return queue_many([item], now=at)


def tell_opener(claim: Claim, step: str, actor: User, note: str, at: datetime) -> int:
    """Tell the agent who opened the claim how its approval ended (not when they decided it
    themselves); returns how many messages."""
    if claim.opened_by_id == actor.pk:
        return 0
    item = Outgoing(
        Event.CLAIM_DECIDED,
        [claim.opened_by],
        key=f"claim:{claim.pk}:{claim.round}:{claim.status}",
        ticket=claim.ticket,
        context=_context(
            claim, step, claim_status=claim.status, approver=str(actor), note=note[:300]
        ),
        url=f"/claims/{claim.pk}/",
    )
    return queue_many([item], now=at)


def labels(context: Mapping[str, Any]) -> dict[str, str]:
    """The step, the outcome and why these steps, in the message's language
    (``notify.rendering.add_labels``)."""
    found: dict[str, str] = {}
    step, status = context.get("claim_step"), context.get("claim_status")
    if step in ApprovalStep.values:
        found["claim_step_label"] = str(ApprovalStep(step).label)
    if status in ClaimStatus.values:
        found["claim_status_label"] = str(ClaimStatus(status).label)
    amount = context.get("claim_amount")
    if step and amount not in (None, ""):
        found["claim_reason"] = claim_steps(Decimal(str(amount)))[1]
    return found
