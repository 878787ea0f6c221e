"""Handling plans (处理方案) and their approval (issue 21 item 1, SPEC §4–§5), one typed function
each: submit a version, decide on it, and the queue of what waits for an approver.

The ticket keeps the plan's text and one event per submission and decision
(``tickets.services.submit_plan`` / ``record_plan_decision``); the plan clock is met only by
the approval (sla). Approvers are told through the outbox.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from propdesk.notify.services import Outgoing, queue_many
from propdesk.org.access import check_project_scope, scoped
from propdesk.org.models import User
from propdesk.org.roles import role_of
from propdesk.org.services import staff_in_roles
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import EventKind
from propdesk.tickets.models import Ticket

from .choices import ApprovalStep, Decision, PlanStatus
from .models import HandlingPlan, PlanDecision
from .rules import approval_steps

#: The role that decides each step.
STEP_ROLE: dict[str, str] = {
    ApprovalStep.PROJECT_MANAGER: "project_manager",
    ApprovalStep.REGION: "region",
    ApprovalStep.HQ: "hq",
}
#: Largest amount a plan may offer (12 digits, 2 decimals).
MAX_AMOUNT = Decimal("9999999999.99")


def parse_amount(value: object) -> Decimal | None:
    """The compensation as Decimal yuan, or None; refused naming the field when it is not a
    number, negative, or has more than two decimals."""
    if value is None or value == "":
        return None
    if isinstance(value, float | bool):
        raise InvalidInput(_("补偿金额请填写数字,如 1200.00"), field="amount")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as bad:
        raise InvalidInput(_("补偿金额请填写数字,如 1200.00"), field="amount") from bad
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise InvalidInput(_("补偿金额不能为负数或过大"), field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_("补偿金额最多两位小数"), field="amount")
    return amount.quantize(Decimal("0.01")) if amount else None


@transaction.atomic
def submit_plan(
    actor: User,
    ticket: Ticket,
    *,
    text: str,
    amount: object = None,
    now: datetime | None = None,
) -> HandlingPlan:
    """A new version of the ticket's plan. A version still waiting is superseded by it. The
    rules say who must approve; with nobody to ask, it is approved at once."""
    money = parse_amount(amount)
    at = clock.resolve(now)
    ticket = ticket_services.submit_plan(actor, ticket, plan=text, now=at)  # checks and locks
    last = HandlingPlan.objects.filter(ticket=ticket).order_by("-version").first()
    if last is not None and last.status == PlanStatus.PENDING:
        last.status = PlanStatus.SUPERSEDED
        last.save(update_fields=["status"])
    steps, reasons = approval_steps(ticket, money)
    plan = HandlingPlan.objects.create(
        ticket=ticket,
        version=(last.version + 1) if last else 1,
        text=ticket.plan,
        amount=money,
        steps=steps,
        reasons=reasons,
        submitted_by=actor,
        submitted_at=at,
    )
    if not steps:
        _approve(plan, None, at, note=_("无需审批"))
    else:
        _ask(plan, at)
    return plan


def _ask(plan: HandlingPlan, at: datetime) -> None:
    """Tell the people of the step that waits now."""
    step = plan.next_step
    if step is None:
        return
    ticket = plan.ticket
    people = staff_in_roles(ticket, [STEP_ROLE[step]])
    queue_many(
        [
            Outgoing(
                "plan_approval",
                people,
                key=f"plan:{plan.pk}:{step}",
                ticket=ticket,
                context={
                    "version": plan.version,
                    "step": str(ApprovalStep(step).label),
                    "amount": plan.amount or "",
                    "reasons": "; ".join(plan.reasons),
                    "plan": plan.text[:300],
                },
            )
        ],
        now=at,
    )


def _approve(plan: HandlingPlan, actor: User | None, at: datetime, *, note: str = "") -> None:
    plan.status, plan.decided_at = PlanStatus.APPROVED, at
    plan.save(update_fields=["status", "decided_at"])
    ticket_services.record_plan_decision(
        actor, plan.ticket, EventKind.PLAN_APPROVED, at, note=note,
        data={"version": plan.version, "steps": plan.steps},
    )  # fmt: skip


def _lock(plan: HandlingPlan) -> HandlingPlan:
    return HandlingPlan.objects.select_for_update().select_related("ticket").get(pk=plan.pk)


@transaction.atomic
def decide(
    actor: User,
    plan: HandlingPlan,
    decision: str,
    *,
    note: str = "",
    now: datetime | None = None,
) -> HandlingPlan:
    """The approver of the step that waits approves, sends back (with what to change) or
    rejects (with why). Outside their projects or not their step's role: refused (403);
    a plan already decided, or a step they already decided: 409."""
    if decision not in Decision.values:
        raise InvalidInput(
            _("决定无效,可选:%(o)s") % {"o": ", ".join(Decision.values)}, field="decision"
        )
    plan = _lock(plan)
    check_project_scope(actor, plan.ticket.project_id)
    if plan.status != PlanStatus.PENDING:
        raise Conflict(_("该方案已是“%(s)s”,不能再审批") % {"s": PlanStatus(plan.status).label})
    if plan.decisions.filter(decided_by=actor).exists():
        raise Conflict(_("您已审批过这一版方案"))
    step = plan.next_step
    if step is None or role_of(actor) != STEP_ROLE[step]:
        raise PermissionDenied(
            _("这一版方案正等待“%(s)s”,不是您的审批环节") % {"s": plan.step_label()}
        )
    note = note.strip()
    if decision != Decision.APPROVED and not note:
        raise InvalidInput(_("请写明退回或不予批准的原因"), field="note")
    at = clock.resolve(now)
    PlanDecision.objects.create(
        plan=plan, step=step, decision=decision, note=note, decided_by=actor, decided_at=at
    )
    if decision == Decision.APPROVED:
        if plan.next_step is None:
            _approve(plan, actor, at, note=note)
        else:
            _ask(plan, at)
        return plan
    plan.status = PlanStatus.SENT_BACK if decision == Decision.SENT_BACK else PlanStatus.REJECTED
    plan.decided_at = at
    plan.save(update_fields=["status", "decided_at"])
    kind = EventKind.PLAN_SENT_BACK if decision == Decision.SENT_BACK else EventKind.PLAN_REJECTED
    ticket_services.record_plan_decision(
        actor, plan.ticket, kind, at, note=note, data={"version": plan.version, "step": step}
    )
    return plan


def waiting_for(user: User) -> list[HandlingPlan]:
    """The plans whose step that waits now is this user's to decide, in their projects,
    oldest first."""
    pending = scoped(
        HandlingPlan.objects.filter(status=PlanStatus.PENDING), user, "ticket__project"
    )
    role = role_of(user)
    steps = [step for step, r in STEP_ROLE.items() if r == role]
    if not steps:
        return []
    rows = pending.select_related("ticket", "ticket__project", "submitted_by")
    return [
        plan
        for plan in rows.prefetch_related("decisions").order_by("submitted_at", "pk")
        if plan.next_step in steps
        and not any(d.decided_by_id == user.pk for d in plan.decisions.all())
    ]


def plans_of(user: User, ticket: Ticket) -> QuerySet[HandlingPlan]:
    check_project_scope(user, ticket.project_id)
    return (
        HandlingPlan.objects.filter(ticket=ticket)
        .prefetch_related("decisions__decided_by")
        .order_by("-version")
    )


def get_plan(user: User, plan_id: int) -> HandlingPlan:
    plan = (
        scoped(HandlingPlan.objects.all(), user, "ticket__project")
        .select_related("ticket", "ticket__project")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise NotFound(_("处理方案不存在"))
    return plan
