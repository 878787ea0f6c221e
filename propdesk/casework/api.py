"""Handling plans at /api/v1: a ticket's plan versions with their decisions, the plans that wait
for the caller, and the approver's decision. A plan is submitted through the ticket's actions
(``POST /tickets/{number}/actions/submit_plan``). The rules are ``services``'."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from propdesk.core.errors import NotFound
from propdesk.core.schemas import ErrorOut
from propdesk.tickets.models import Ticket

from . import services
from .models import HandlingPlan

router = Router(tags=["handling plans"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class PlanDecisionOut(Schema):
    step: str
    step_display: str
    decision: str
    decision_display: str
    note: str
    by: str
    at: datetime


class HandlingPlanOut(Schema):
    id: int
    ticket: str
    version: int
    text: str
    amount: Decimal | None
    status: str
    status_display: str
    steps: list[str]
    reasons: list[str]
    waiting_for: str | None = Field(description="the step that waits now, if any")
    submitted_by: str
    submitted_at: datetime
    decided_at: datetime | None
    decisions: list[PlanDecisionOut]


class PlanDecisionIn(Schema):
    decision: str = Field(description="approved, sent_back or rejected")
    note: str = Field("", max_length=2000, description="the reason (required unless approved)")


def _out(plan: HandlingPlan) -> dict:
    return {
        "id": plan.pk,
        "ticket": plan.ticket.number,
        "version": plan.version,
        "text": plan.text,
        "amount": plan.amount,
        "status": plan.status,
        "status_display": plan.get_status_display(),
        "steps": plan.steps,
        "reasons": plan.reasons,
        "waiting_for": plan.next_step,
        "submitted_by": plan.submitted_by.username,
        "submitted_at": plan.submitted_at,
        "decided_at": plan.decided_at,
        "decisions": [
            {
                "step": d.step,
                "step_display": d.get_step_display(),
                "decision": d.decision,
                "decision_display": d.get_decision_display(),
                "note": d.note,
                "by": d.decided_by.username,
                "at": d.decided_at,
            }
            for d in plan.decisions.all()
        ],
    }


@router.get("/plans/waiting", response={200: list[HandlingPlanOut]}, summary="Plans waiting for me")
def plans_waiting(request: HttpRequest):
    return [_out(p) for p in services.waiting_for(request.user)]


@router.get(
    "/tickets/{number}/plans",
    response={200: list[HandlingPlanOut], 404: ErrorOut},
    summary="A request's handling plans, newest version first",
)
def ticket_plans(request: HttpRequest, number: str):
    ticket = Ticket.objects.for_user(request.user).filter(number=number).first()
    if ticket is None:
        raise NotFound(_("诉求不存在"))
    return [_out(p) for p in services.plans_of(request.user, ticket)]


@router.post(
    "/plans/{pk}/decision",
    response={200: HandlingPlanOut, **ERRORS},
    summary="Approve, send back or reject a plan (the step that waits must be yours)",
)
def decide_plan(request: HttpRequest, pk: int, payload: PlanDecisionIn):
    # Found by id whatever the scope, so that deciding outside one's projects is refused as
    # such (403), as the issue asks, rather than hidden.
    plan = HandlingPlan.objects.select_related("ticket").filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("处理方案不存在"))
    services.decide(request.user, plan, payload.decision, note=payload.note)
    return _out(services.get_plan(request.user, pk))
