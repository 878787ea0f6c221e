"""Compensation claims at /api/v1 (issue 21 item 2): open a claim on a request, read it and a
request's claims, each step as a POST, the evidence and the signed letter as uploads, the
commitment letter as a PDF, the claims that wait for the caller, and the month's totals by
project. The rules are ``claims`` and ``claims_payment``'."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from propdesk.core.errors import InvalidInput, NotFound
from propdesk.core.schemas import ErrorOut
from propdesk.tickets.services import get_ticket

from . import claims, claims_payment
from .models import Claim, ClaimFile

router = Router(tags=["compensation claims"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ClaimFileOut(Schema):
    id: int
    kind: str
    kind_display: str
    name: str
    note: str
    size: int
    url: str | None
    by: str
    at: datetime


class ClaimApprovalOut(Schema):
    round: int
    step: str
    step_display: str
    decision: str
    decision_display: str
    amount: Decimal
    note: str
    by: str
    at: datetime


class ClaimEventOut(Schema):
    kind: str
    kind_display: str
    by: str
    at: datetime
    note: str
    data: dict


class ChargeBackOut(Schema):
    party_kind: str
    party_kind_display: str
    party_name: str
    amount: Decimal
    reason: str
    status: str
    status_display: str
    recovered_amount: Decimal | None
    recovered_on: date | None


class ClaimOut(Schema):
    id: int
    ticket: str
    project: str
    status: str
    status_display: str
    description: str
    claimed_amount: Decimal | None
    assessed_amount: Decimal | None
    basis: str
    steps: list[str]
    waiting_for: str | None = Field(description="the approval step that waits now, if any")
    approved_amount: Decimal | None
    payee: str
    payment_amount: Decimal | None
    paid_on: date | None
    payment_reference: str
    opened_by: str
    opened_at: datetime
    files: list[ClaimFileOut]
    approvals: list[ClaimApprovalOut]
    charge_back: ChargeBackOut | None
    events: list[ClaimEventOut]


class ClaimIn(Schema):
    ticket: str = Field(description="the request's number")
    description: str = Field(max_length=4000, description="what the resident claims and why")
    claimed_amount: Decimal | str | None = Field(None, description="what the resident asks, yuan")


class AssessIn(Schema):
    amount: Decimal | str = Field(description="the amount assessed, yuan (two decimals)")
    basis: str = Field(max_length=4000, description="how it was assessed (报价、发票、勘查)")


class ClaimDecisionIn(Schema):
    decision: str = Field(description="approved, sent_back or rejected")
    note: str = Field("", max_length=4000, description="the reason (required unless approved)")


class ClaimNoteIn(Schema):
    note: str = Field("", max_length=4000)


class PaymentRequestIn(Schema):
    amount: Decimal | str = Field(description="yuan; at most the approved amount")
    payee: str = Field(max_length=100, description="who receives the money")
    note: str = Field("", max_length=4000)


class PaidIn(Schema):
    paid_on: str = Field(description="the day it was paid, YYYY-MM-DD")
    reference: str = Field(max_length=100, description="the payment's voucher or bank reference")
    note: str = Field("", max_length=4000)


class ChargeBackIn(Schema):
    party_kind: str = Field(description="contractor, maintenance, insurer or other")
    party_name: str = Field(max_length=100)
    amount: Decimal | str = Field(description="yuan; at most the approved amount")
    reason: str = Field(max_length=4000)


class ChargeBackMoveIn(Schema):
    note: str = Field("", max_length=4000, description="required to dispute")
    amount: Decimal | str | None = Field(None, description="recovered, yuan (to recover)")
    on: str | None = Field(None, description="the day it was recovered, YYYY-MM-DD")


class ProjectTotalsOut(Schema):
    """One project's claims in the month, each counted when it happened (``claims_totals``)."""

    project_code: str
    project_name: str
    opened: int = Field(description="claims opened in the month")
    approved: int = Field(description="claims whose approval was completed in the month")
    approved_amount: Decimal
    paid: int = Field(description="claims paid, by the day of payment")
    paid_amount: Decimal
    charged_back: int = Field(description="charge-backs to a third party opened in the month")
    charged_back_amount: Decimal
    recovered: int = Field(description="charge-backs recovered, by the day of recovery")
    recovered_amount: Decimal
    pending: int = Field(description="charge-backs not yet recovered at the month's end")
    pending_amount: Decimal


def _who(user) -> str:
    return user.username


def _file_out(claim: Claim, f: ClaimFile) -> dict:
    return {
        "id": f.pk, "kind": f.kind, "kind_display": f.get_kind_display(),
        "name": f.original_name, "note": f.note, "size": f.size,
        "url": f"/api/v1/claims/{claim.pk}/files/{f.pk}" if f.file else None,
        "by": _who(f.uploaded_by), "at": f.uploaded_at,
    }  # fmt: skip


def claim_out(claim: Claim) -> dict:
    cb = getattr(claim, "charge_back", None)
    return {
        "id": claim.pk, "ticket": claim.ticket.number, "project": claim.project.code,
        "status": claim.status, "status_display": claim.get_status_display(),
        "description": claim.description, "claimed_amount": claim.claimed_amount,
        "assessed_amount": claim.assessed_amount, "basis": claim.basis, "steps": claim.steps,
        "waiting_for": claim.next_step, "approved_amount": claim.approved_amount,
        "payee": claim.payee, "payment_amount": claim.payment_amount, "paid_on": claim.paid_on,
        "payment_reference": claim.payment_reference, "opened_by": _who(claim.opened_by),
        "opened_at": claim.opened_at,
        "files": [_file_out(claim, f) for f in claim.files.all()],
        "approvals": [
            {"round": a.round, "step": a.step, "step_display": a.get_step_display(),
             "decision": a.decision, "decision_display": a.get_decision_display(),
             "amount": a.amount, "note": a.note, "by": _who(a.decided_by), "at": a.decided_at}
            for a in claim.approvals.all()
        ],
        "charge_back": None if cb is None else {
            "party_kind": cb.party_kind, "party_kind_display": cb.get_party_kind_display(),
            "party_name": cb.party_name, "amount": cb.amount, "reason": cb.reason,
            "status": cb.status, "status_display": cb.get_status_display(),
            "recovered_amount": cb.recovered_amount, "recovered_on": cb.recovered_on,
        },
        "events": [
            {"kind": e.kind, "kind_display": e.get_kind_display(), "by": _who(e.actor),
             "at": e.at, "note": e.note, "data": e.data}
            for e in claim.events.all()
        ],
    }  # fmt: skip


def parse_day(value: str | None, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD"), field=field) from None


def parse_month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in value.split("-"))
    except ValueError:
        raise InvalidInput(_("月份格式应为 YYYY-MM"), field="month") from None
    return year, month


def _read(request: HttpRequest, pk: int) -> dict:
    return claim_out(claims.get_claim(request.user, pk))


def _claim(request: HttpRequest, pk: int) -> Claim:
    # Found by id whatever the scope: acting on another project's claim is refused as such
    # (403, by the service's scope check), as the issue asks.
    claim = Claim.objects.filter(pk=pk).first()
    if claim is None:
        raise NotFound(_("赔偿案件不存在"))
    return claim


@router.get("/claims/totals", response={200: list[ProjectTotalsOut], 400: ErrorOut},
            summary="A month's claims per project: opened, approved, paid, recovered")  # fmt: skip
def claim_totals(request: HttpRequest, month: str):
    year, number = parse_month(month)
    return [t.as_dict() for t in claims.totals(request.user, year, number)]


@router.get("/claims/waiting", response={200: list[ClaimOut]}, summary="Claims waiting for me")
def claims_waiting(request: HttpRequest):
    waiting = [c.pk for c in claims.waiting_for(request.user)]
    rows = claims.with_file(claims.claims_for(request.user).filter(pk__in=waiting))
    return [claim_out(c) for c in rows.order_by("opened_at", "pk")]


@router.post("/claims", response={201: ClaimOut, **ERRORS}, summary="Open a claim on a request")
def open_claim(request: HttpRequest, payload: ClaimIn):
    ticket = get_ticket(request.user, payload.ticket)
    claim = claims.open_claim(
        request.user, ticket, description=payload.description,
        claimed_amount=payload.claimed_amount,
    )  # fmt: skip
    return Status(201, _read(request, claim.pk))


@router.get("/tickets/{number}/claims", response={200: list[ClaimOut], 404: ErrorOut},
            summary="A request's claims, newest first")  # fmt: skip
def ticket_claims(request: HttpRequest, number: str):
    ticket = get_ticket(request.user, number)
    return [claim_out(c) for c in claims.with_file(claims.claims_of_ticket(request.user, ticket))]


@router.get("/claims/{pk}", response={200: ClaimOut, 404: ErrorOut}, summary="One claim's file")
def read_claim(request: HttpRequest, pk: int):
    return _read(request, pk)


@router.post("/claims/{pk}/evidence", response={201: ClaimFileOut, **ERRORS},
             summary="Add evidence: a photo, a document or the site survey")  # fmt: skip
def add_evidence(request: HttpRequest, pk: int, kind: Form[str],
                 note: Form[str] = "", file: File[UploadedFile | None] = None):  # fmt: skip
    claim = _claim(request, pk)
    row = claims_payment.add_evidence(request.user, claim, kind=kind, upload=file, note=note)
    return Status(201, _file_out(claim, row))


@router.post("/claims/{pk}/assess", response={200: ClaimOut, **ERRORS},
             summary="Assess the amount with its basis: approvals follow by amount")  # fmt: skip
def assess(request: HttpRequest, pk: int, payload: AssessIn):
    claims.assess(request.user, _claim(request, pk), amount=payload.amount, basis=payload.basis)
    return _read(request, pk)


@router.post("/claims/{pk}/decision", response={200: ClaimOut, **ERRORS},
             summary="Approve, send back or reject (the step must be yours)")  # fmt: skip
def decide(request: HttpRequest, pk: int, payload: ClaimDecisionIn):
    claims.decide(request.user, _claim(request, pk), payload.decision, note=payload.note)
    return _read(request, pk)


@router.post("/claims/{pk}/letter", response={200: ClaimOut, **ERRORS},
             summary="Issue the commitment letter (承诺函) as PDF: only once approved")  # fmt: skip
def issue_letter(request: HttpRequest, pk: int):
    claims_payment.issue_letter(request.user, _claim(request, pk))
    return _read(request, pk)


@router.get("/claims/{pk}/letter", response={404: ErrorOut, 409: ErrorOut},
            summary="Download the commitment letter PDF")  # fmt: skip
def download_letter(request: HttpRequest, pk: int):
    claim = claims.get_claim(request.user, pk)
    return file_response(claims_payment.letter_of(claim))


@router.get("/claims/{pk}/files/{file_id}", response={404: ErrorOut},
            summary="Download a file of the claim")  # fmt: skip
def download_file(request: HttpRequest, pk: int, file_id: int):
    claim = claims.get_claim(request.user, pk)
    row = claim.files.filter(pk=file_id).exclude(file="").first()
    if row is None:
        raise NotFound(_("文件不存在"))
    return file_response(row)


def file_response(row: ClaimFile) -> FileResponse:
    """A stored file as a download, never sniffed nor run (as a request's attachments)."""
    try:
        stored = default_storage.open(row.file.name, "rb")
    except FileNotFoundError:
        raise NotFound(_("文件“%(n)s”已丢失,请联系管理员") % {"n": row.original_name}) from None
    image = row.content_type.startswith("image/")
    response = FileResponse(stored, content_type=row.content_type, as_attachment=not image,
                            filename=row.original_name)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@router.post("/claims/{pk}/signed-letter", response={201: ClaimFileOut, **ERRORS},
             summary="Upload the scan of the letter as the resident signed it")  # fmt: skip
def signed_letter(request: HttpRequest, pk: int, file: File[UploadedFile], note: Form[str] = ""):
    claim = _claim(request, pk)
    row = claims_payment.add_signed_letter(request.user, claim, file, note=note)
    return Status(201, _file_out(claim, row))


@router.post("/claims/{pk}/payment-request", response={200: ClaimOut, **ERRORS},
             summary="Request the payment (at most the approved amount)")  # fmt: skip
def payment_request(request: HttpRequest, pk: int, payload: PaymentRequestIn):
    claims_payment.request_payment(request.user, _claim(request, pk), amount=payload.amount,
                                   payee=payload.payee, note=payload.note)  # fmt: skip
    return _read(request, pk)


@router.post("/claims/{pk}/paid", response={200: ClaimOut, **ERRORS},
             summary="Record the payment made, with its date and reference")  # fmt: skip
def paid(request: HttpRequest, pk: int, payload: PaidIn):
    claims_payment.record_paid(
        request.user, _claim(request, pk), paid_on=parse_day(payload.paid_on, "paid_on"),
        reference=payload.reference, note=payload.note,
    )  # fmt: skip
    return _read(request, pk)


@router.post("/claims/{pk}/withdraw", response={200: ClaimOut, **ERRORS},
             summary="End the claim without payment, with why")  # fmt: skip
def withdraw(request: HttpRequest, pk: int, payload: ClaimNoteIn):
    claims.withdraw(request.user, _claim(request, pk), note=payload.note)
    return _read(request, pk)


@router.post("/claims/{pk}/charge-back", response={200: ClaimOut, **ERRORS},
             summary="Charge the compensation back to the third party at fault")  # fmt: skip
def charge_back(request: HttpRequest, pk: int, payload: ChargeBackIn):
    claims_payment.open_charge_back(
        request.user, _claim(request, pk), party_kind=payload.party_kind,
        party_name=payload.party_name, amount=payload.amount, reason=payload.reason,
    )  # fmt: skip
    return _read(request, pk)


@router.post("/claims/{pk}/charge-back/{move}", response={200: ClaimOut, **ERRORS},
             summary="The charge-back agreed, recovered or disputed")  # fmt: skip
def charge_back_move(request: HttpRequest, pk: int, move: str, payload: ChargeBackMoveIn):
    claims_payment.move_charge_back(
        request.user, _claim(request, pk), move, note=payload.note, amount=payload.amount,
        on=parse_day(payload.on, "on"),
    )  # fmt: skip
    return _read(request, pk)
