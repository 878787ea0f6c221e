"""Compensation claims (赔偿/补偿, issue 21 item 2, SPEC §8), one typed function per step.

The walk of seed 002 (6.5.2 5), 6.5.5, 6.5.6): the claim is opened on a request and its
evidence gathered; the amount is assessed with its basis; it is approved along the chain by
amount (``claims_rules``); only then is the resident's commitment letter (承诺函) issued, the
signed scan brought back, the payment requested and recorded as paid (``claims_payment``);
a third party at fault is charged back. Every step writes one ``ClaimEvent``; nothing is ever
deleted. Approvals follow handling plans' (``services``): the step's role, 403 outside scope
or role, 409 twice; the approvers of each step and then the claim's opener are told through
the outbox (``claims_notices``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from propdesk.org.access import check_project_scope, scoped
from propdesk.org.models import User
from propdesk.org.roles import FRONT_DESK, role_of
from propdesk.tickets.models import Ticket

from . import claims_notices
from .choices import ApprovalStep, Decision
from .claims_choices import ClaimEventKind, ClaimStatus
from .claims_rules import claim_steps
from .claims_totals import ClaimTotals, period_totals
from .models import Claim, ClaimApproval, ClaimEvent
from .services import STEP_ROLE, parse_amount

#: Where a claim's walk has ended: nothing moves it any more.
ENDED = (ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN)
MAX_TEXT = 4000


def money(value: object, field: str, *, ceiling: Decimal | None = None) -> Decimal:
    """A positive amount of yuan (two decimals), refused naming ``field`` when it is missing,
    not a number, negative, zero or — given a ceiling — above the approved amount."""
    try:
        amount = parse_amount(value)
    except InvalidInput as bad:
        raise InvalidInput(bad.message, field=field) from None
    if amount is None:
        raise InvalidInput(_("请填写大于零的金额(元)"), field=field)
    if ceiling is not None and amount > ceiling:
        raise InvalidInput(
            _("金额 %(a)s 元超过批准金额 %(c)s 元") % {"a": amount, "c": ceiling}, field=field
        )
    return amount


def text(value: str | None, field: str, *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInput(_("请填写此项"), field=field)
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput(_("最多 %(n)s 字") % {"n": MAX_TEXT}, field=field)
    return cleaned


def require(user: User, roles: frozenset[str]) -> None:
    if not user.is_active or role_of(user) not in roles:
        raise PermissionDenied(_("您的角色不能办理赔偿案件的这一步"))


def record(
    claim: Claim, kind: str, actor: User, at: datetime, note: str = "", **data: Any
) -> ClaimEvent:
    """The step's event: every move of a claim writes exactly one."""
    return ClaimEvent.objects.create(
        claim=claim, kind=kind, actor=actor, at=at, note=note, data=data
    )


def lock(user: User, claim: Claim | int) -> Claim:
    """The claim, locked for the step, once it is known to be in the user's scope (403 when
    not: a claim of another project is refused as such, not hidden)."""
    pk = claim if isinstance(claim, int) else claim.pk
    row = Claim.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound(_("赔偿案件不存在"))
    check_project_scope(user, row.project_id)
    return row


def guard(claim: Claim, *allowed: str) -> None:
    """409 unless the claim is in one of the ``allowed`` statuses."""
    if claim.status not in allowed:
        raise Conflict(
            _("赔偿案件当前为“%(s)s”,不能办理这一步") % {"s": ClaimStatus(claim.status).label}
        )


@transaction.atomic
def open_claim(
    actor: User,
    ticket: Ticket,
    *,
    description: str,
    claimed_amount: object = None,
    now: datetime | None = None,
) -> Claim:
    """A new claim on the request, in its own file: evidence is gathered next."""
    check_project_scope(actor, ticket.project_id)
    require(actor, FRONT_DESK)
    reason = text(description, "description")
    asked = money(claimed_amount, "claimed_amount") if claimed_amount not in (None, "") else None
    at = clock.resolve(now)
    claim = Claim.objects.create(
        ticket=ticket,
        project_id=ticket.project_id,
        description=reason,
        claimed_amount=asked,
        opened_by=actor,
        opened_at=at,
    )
    record(claim, ClaimEventKind.OPENED, actor, at, reason, claimed_amount=str(asked or ""))
    return claim


@transaction.atomic
def assess(
    actor: User, claim: Claim, *, amount: object, basis: str, now: datetime | None = None
) -> Claim:
    """The amount assessed with its basis: a new round of approvals, along the chain by the
    amount. Assessed again after being sent back."""
    claim = lock(actor, claim)
    require(actor, FRONT_DESK)
    guard(claim, ClaimStatus.GATHERING, ClaimStatus.SENT_BACK)
    assessed = money(amount, "amount")
    why = text(basis, "basis")
    steps, reason = claim_steps(assessed)
    at = clock.resolve(now)
    claim.assessed_amount, claim.basis, claim.steps = assessed, why, steps
    claim.round += 1
    claim.status = ClaimStatus.PENDING
    claim.save(update_fields=["assessed_amount", "basis", "steps", "round", "status"])
    record(claim, ClaimEventKind.ASSESSED, actor, at, why,
           amount=str(assessed), steps=steps, reason=reason, round=claim.round)  # fmt: skip
    claims_notices.ask_approvers(claim, at)
    return claim


@transaction.atomic
def decide(
    actor: User, claim: Claim, decision: str, *, note: str = "", now: datetime | None = None
) -> Claim:
    """The approver of the step that waits approves, sends back (to assess again) or rejects.
    Outside their projects or not their step's role: 403; already decided: 409."""
    if decision not in Decision.values:
        raise InvalidInput(
            _("决定无效,可选:%(o)s") % {"o": ", ".join(Decision.values)}, field="decision"
        )
    claim = lock(actor, claim)
    guard(claim, ClaimStatus.PENDING)
    if claim.approvals.filter(round=claim.round, decided_by=actor).exists():
        raise Conflict(_("您已审批过这一轮"))
    step = claim.next_step
    if step is None or role_of(actor) != STEP_ROLE[step]:
        raise PermissionDenied(
            _("该案件正等待“%(s)s”,不是您的审批环节") % {"s": claim.step_label()}
        )
    why = text(note, "note", required=decision != Decision.APPROVED)
    at = clock.resolve(now)
    assert claim.assessed_amount is not None  # pending means assessed
    ClaimApproval.objects.create(
        claim=claim, round=claim.round, step=step, decision=decision,
        amount=claim.assessed_amount, note=why, decided_by=actor, decided_at=at,
    )  # fmt: skip
    label = str(ApprovalStep(step).label)
    if decision == Decision.APPROVED and claim.next_step is not None:
        record(claim, ClaimEventKind.DECIDED, actor, at, why, step=step, step_label=label)
        claims_notices.ask_approvers(claim, at)
        return claim
    if decision == Decision.APPROVED:
        claim.status, claim.approved_amount = ClaimStatus.APPROVED, claim.assessed_amount
        claim.approved_at = at
        kind = ClaimEventKind.APPROVED
    elif decision == Decision.SENT_BACK:
        claim.status, kind = ClaimStatus.SENT_BACK, ClaimEventKind.SENT_BACK
    else:
        claim.status, kind = ClaimStatus.REJECTED, ClaimEventKind.REJECTED
    claim.save(update_fields=["status", "approved_amount", "approved_at"])
    record(claim, kind, actor, at, why, step=step, step_label=label,
           amount=str(claim.assessed_amount))  # fmt: skip
    claims_notices.tell_opener(claim, step, actor, why, at)
    return claim


@transaction.atomic
def withdraw(actor: User, claim: Claim, *, note: str, now: datetime | None = None) -> Claim:
    """The claim ends without payment (the resident withdrew, or no liability was found), with
    why; its file stays."""
    claim = lock(actor, claim)
    require(actor, FRONT_DESK)
    guard(claim, ClaimStatus.GATHERING, ClaimStatus.SENT_BACK, ClaimStatus.PENDING,
          ClaimStatus.APPROVED, ClaimStatus.LETTER_ISSUED)  # fmt: skip
    why = text(note, "note")
    claim.status = ClaimStatus.WITHDRAWN
    claim.save(update_fields=["status"])
    record(claim, ClaimEventKind.WITHDRAWN, actor, clock.resolve(now), why)
    return claim


# --- reads ------------------------------------------------------------------------------------


def claims_for(user: User) -> QuerySet[Claim]:
    """Every claim in the user's scope: the one door for lists and details."""
    return scoped(Claim.objects.all(), user, "project")


def with_file(rows: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims with everything their file shows, in a fixed number of queries."""
    return rows.select_related(
        "ticket", "ticket__resident", "ticket__room", "project", "opened_by", "charge_back"
    ).prefetch_related("approvals__decided_by", "files__uploaded_by", "events__actor")


def get_claim(user: User, pk: int) -> Claim:
    """One claim of the user's scope with its file, or 404."""
    claim = with_file(claims_for(user)).filter(pk=pk).first()
    if claim is None:
        raise NotFound(_("赔偿案件不存在"))
    return claim


def waiting_for(user: User) -> list[Claim]:
    """The claims whose step that waits now is this user's, oldest first."""
    # Through the door first, whatever the role: every read asks it (org/tests/test_one_door).
    pending = claims_for(user).filter(status=ClaimStatus.PENDING)
    steps = [step for step, role in STEP_ROLE.items() if role == role_of(user)]
    if not steps:
        return []
    rows = pending.select_related("ticket", "project").prefetch_related("approvals")
    return [
        c
        for c in rows.order_by("opened_at", "pk")
        if c.next_step in steps
        and not any(a.decided_by_id == user.pk and a.round == c.round for a in c.approvals.all())
    ]


def claims_of_ticket(user: User, ticket: Ticket) -> QuerySet[Claim]:
    check_project_scope(user, ticket.project_id)
    return Claim.objects.filter(ticket=ticket).order_by("-opened_at", "-pk")


def totals(user: User, year: int, month: int) -> list[ClaimTotals]:
    """The month's claims (Asia/Shanghai) per project of the user's scope: opened, approved,
    paid, charged back, recovered and pending, as ``claims_totals`` counts them — the same
    figures as the month's statistics and report."""
    from .claims_payment import month_bounds

    start, end = month_bounds(year, month)
    return period_totals(user.project_ids, start, end)
