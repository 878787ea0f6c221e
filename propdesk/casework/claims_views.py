"""The console's compensation claims: the list with what waits for me and the month's totals
(``/claims/``), one claim's file with a form for the step it is at, each step as a POST, the
letter and the files as downloads, and a new claim opened from a request's page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core import clock
from propdesk.core.errors import DomainError, InvalidInput, NotFound
from propdesk.core.web import console_view, page_of
from propdesk.org.models import User
from propdesk.org.roles import FRONT_DESK, MANAGERS, has_role
from propdesk.tickets.services import get_ticket

from . import claims, claims_payment
from .choices import Decision
from .claims_api import file_response, parse_day, parse_month
from .claims_choices import EVIDENCE_KINDS, ChargeBackStatus, ClaimFileKind, ClaimStatus, ThirdParty
from .models import Claim
from .services import STEP_ROLE


def _month(request: HttpRequest) -> tuple[str, int, int]:
    value = request.GET.get("month") or f"{timezone.localdate(clock.now()):%Y-%m}"
    try:
        year, month = parse_month(value)
        claims_payment.month_bounds(year, month)
    except InvalidInput:
        today = timezone.localdate(clock.now())
        value, year, month = f"{today:%Y-%m}", today.year, today.month
    return value, year, month


@console_view
def claim_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    waiting = claims.waiting_for(user)
    status = request.GET.get("status", "")
    rows = claims.claims_for(user).select_related("ticket", "project")
    if status in ClaimStatus.values:
        rows = rows.filter(status=status)
    value, year, month = _month(request)
    return render(request, "casework/claims.html", {
        "waiting": waiting, "mine": request.GET.get("waiting") == "me",
        "page": page_of(request, rows.order_by("-opened_at", "-pk")),
        "statuses": ClaimStatus.choices, "status": status,
        "month": value, "totals": claims.totals(user, year, month),
    })  # fmt: skip


def _context(user: User, claim: Claim, **more) -> dict:
    step = claim.next_step
    return {
        "claim": claim,
        "charge_back": getattr(claim, "charge_back", None),
        "front_desk": has_role(user, FRONT_DESK),
        "manager": has_role(user, MANAGERS),
        "my_step": step is not None and has_role(user, [STEP_ROLE[step]]),
        "decisions": Decision.choices,
        "evidence_kinds": [(k.value, k.label) for k in EVIDENCE_KINDS],
        "parties": ThirdParty.choices,
        "letter": claim.files.filter(kind=ClaimFileKind.LETTER).order_by("-pk").first(),
        "cb": ChargeBackStatus,
        "today": timezone.localdate(clock.now()),
        **more,
    }


@console_view
def claim_page(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claims.get_claim(request.user, pk)
    return render(request, "casework/claim.html", _context(request.user, claim))


def _post(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "")


#: Each step of the claim page: what the form sends → the service.
MOVES: dict[str, Callable[[HttpRequest, Claim], object]] = {
    "evidence": lambda r, c: claims_payment.add_evidence(
        r.user, c, kind=_post(r, "kind"), upload=r.FILES.get("file"), note=_post(r, "note")
    ),
    "assess": lambda r, c: claims.assess(
        r.user, c, amount=_post(r, "amount"), basis=_post(r, "basis")
    ),
    "decision": lambda r, c: claims.decide(r.user, c, _post(r, "decision"), note=_post(r, "note")),
    "letter": lambda r, c: claims_payment.issue_letter(r.user, c),
    "signed": lambda r, c: claims_payment.add_signed_letter(
        r.user, c, _upload(r), note=_post(r, "note")
    ),
    "payment": lambda r, c: claims_payment.request_payment(
        r.user, c, amount=_post(r, "amount"), payee=_post(r, "payee"), note=_post(r, "note")
    ),
    "paid": lambda r, c: claims_payment.record_paid(
        r.user,
        c,
        paid_on=parse_day(_post(r, "paid_on"), "paid_on"),
        reference=_post(r, "reference"),
        note=_post(r, "note"),
    ),
    "withdraw": lambda r, c: claims.withdraw(r.user, c, note=_post(r, "note")),
    "charge_back": lambda r, c: claims_payment.open_charge_back(
        r.user,
        c,
        party_kind=_post(r, "party_kind"),
        party_name=_post(r, "party_name"),
        amount=_post(r, "amount"),
        reason=_post(r, "reason"),
    ),
    "charge_back_move": lambda r, c: claims_payment.move_charge_back(
        r.user,
        c,
        _post(r, "move"),
        note=_post(r, "note"),
        amount=_post(r, "amount") or None,
        on=parse_day(_post(r, "on"), "on"),
    ),
}


def _upload(request: HttpRequest):
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("请选择签字承诺函的扫描件"), field="file")
    return upload


@require_POST
@console_view
def claim_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    claim = claims.get_claim(request.user, pk)  # out of scope: 404, as any page of the console
    if move not in MOVES:
        raise NotFound("")
    try:
        MOVES[move](request, claim)
    except DomainError as refused:
        claim = claims.get_claim(request.user, pk)
        context = _context(request.user, claim, error=refused, failed=move)
        return render(request, "casework/claim.html", context, status=refused.status_code)
    return redirect("casework:claim", pk=pk)


@console_view
def claim_letter(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claims.get_claim(request.user, pk)
    try:
        letter = claims_payment.letter_of(claim)
    except DomainError as refused:
        context = _context(request.user, claim, error=refused)
        return render(request, "casework/claim.html", context, status=refused.status_code)
    return file_response(letter)


@console_view
def claim_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    claim = claims.get_claim(request.user, pk)
    row = claim.files.filter(pk=file_id).exclude(file="").first()
    if row is None:
        raise NotFound("")
    return file_response(row)


@console_view
def new_claim(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_ticket(request.user, number)
    if request.method == "POST":
        try:
            claim = claims.open_claim(
                request.user, ticket, description=_post(request, "description"),
                claimed_amount=_post(request, "claimed_amount") or None,
            )  # fmt: skip
        except DomainError as refused:
            context = {"ticket": ticket, "error": refused, "form": request.POST}
            return render(request, "casework/claim_new.html", context, status=refused.status_code)
        return redirect("casework:claim", pk=claim.pk)
    return render(request, "casework/claim_new.html", {"ticket": ticket, "form": {}})
