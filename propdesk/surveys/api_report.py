"""A campaign's analysis report at /api/v1/surveys/campaigns/{pk}/report (SPEC §7, seed 001
篇4): its review by the management representative, its distribution to the recipients, each
recipient's acknowledgement and the list of receipts. Mounted by :mod:`.api`."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from propdesk.org.models import User

from . import services
from .choices import RecipientReason
from .models import Campaign
from .schemas import ERRORS

router = Router(tags=["surveys"])


class ReceiptOut(Schema):
    recipient: str = Field(description="user name")
    name: str
    department: str | None
    reasons: list[str] = Field(description="general_manager, deputy_general_manager, …")
    reasons_display: list[str]
    sent_at: datetime
    received_at: datetime | None = Field(description="null: not yet confirmed")


class ReportOut(Schema):
    campaign: int
    status: str = Field(description="waiting (not reviewed), reviewed, distributed")
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str
    distributed_by: str | None
    distributed_at: datetime | None
    departments: list[str] = Field(description="codes of the departments concerned")
    receipts: list[ReceiptOut]
    received: int
    moves: list[str] = Field(description="what the caller may do with the report now")


def _reasons(values: list[str]) -> list[str]:
    return [str(RecipientReason(v).label) for v in values if v in RecipientReason.values]


def report_out(user: User, campaign: Campaign) -> dict:
    report = services.report_of(campaign)
    receipts = services.receipts_of(campaign)
    moves = services.available_moves(user, campaign)
    distributed = report is not None and report.distributed_at is not None
    return {
        "campaign": campaign.pk,
        "status": "distributed" if distributed else "reviewed" if report else "waiting",
        "reviewed_by": report.reviewed_by.username if report else None,
        "reviewed_at": report.reviewed_at if report else None,
        "review_note": report.review_note if report else "",
        "distributed_by": (
            report.distributed_by.username if report and report.distributed_by else None
        ),
        "distributed_at": report.distributed_at if report else None,
        "departments": (
            sorted(report.departments.values_list("code", flat=True)) if report else []
        ),
        "receipts": [
            {
                "recipient": r.recipient.username,
                "name": str(r.recipient),
                "department": r.recipient.department.code if r.recipient.department else None,
                "reasons": r.reasons,
                "reasons_display": _reasons(r.reasons),
                "sent_at": r.sent_at,
                "received_at": r.received_at,
            }
            for r in receipts
        ],
        "received": sum(1 for r in receipts if r.received_at),
        "moves": [m for m in moves if m in ("report_review", "distribute", "acknowledge")],
    }


def _out(request: HttpRequest, pk: int) -> dict:
    return report_out(request.user, services.get_campaign(request.user, pk))


class ReportNoteIn(Schema):
    note: str = ""


class DistributeIn(Schema):
    departments: list[str] = Field(
        default_factory=list, description="codes of the departments concerned"
    )


@router.get(
    "/surveys/campaigns/{pk}/report",
    response={200: ReportOut, **ERRORS},
    summary="The analysis report's review, distribution and receipts",
)
def read_report(request: HttpRequest, pk: int):
    return _out(request, pk)


@router.post(
    "/surveys/campaigns/{pk}/report/review",
    response={200: ReportOut, **ERRORS},
    summary="Review the analysis report (the management representative)",
)
def review_report(request: HttpRequest, pk: int, payload: ReportNoteIn):
    services.review_report(request.user, pk, note=payload.note)
    return _out(request, pk)


@router.post(
    "/surveys/campaigns/{pk}/report/distribute",
    response={200: ReportOut, **ERRORS},
    summary="Distribute the reviewed report; each recipient is told",
)
def distribute(request: HttpRequest, pk: int, payload: DistributeIn):
    services.distribute(request.user, pk, department_codes=payload.departments)
    return _out(request, pk)


@router.post(
    "/surveys/campaigns/{pk}/report/acknowledge",
    response={200: ReportOut, **ERRORS},
    summary="Confirm receiving the report (a recipient)",
)
def acknowledge(request: HttpRequest, pk: int):
    services.acknowledge(request.user, pk)
    return _out(request, pk)
