"""A claim's files and money after its assessment (issue 21 item 2): the evidence uploaded,
the commitment letter (承诺函) issued as PDF only once approved, the signed scan brought back,
the payment requested and recorded as paid, and the charge-back to a third party at fault.

Seed 002 6.5.2 5): 审批完成后,应要求客户书面签写《承诺函》,之后申请款项划拨流程并通知客户按
要求领取补偿;涉及第三方责任单位的,由相关对口部门申请实施扣款手续. Each step is a function
here, guarded by status and role, writing one claim event (``claims.record``).
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import Conflict, InvalidInput
from propdesk.org.models import User
from propdesk.org.roles import FRONT_DESK, MANAGERS
from propdesk.tickets.services.filetypes import ACCEPTED_TYPES, matches

from .claims import ENDED, guard, lock, money, record, require, text
from .claims_choices import (
    EVIDENCE_KINDS,
    ChargeBackStatus,
    ClaimEventKind,
    ClaimFileKind,
    ClaimStatus,
    ThirdParty,
)
from .models import ChargeBack, Claim, ClaimFile

#: Where a charge-back may go from each status.
CHARGE_BACK_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "agree": ((ChargeBackStatus.REQUESTED, ChargeBackStatus.DISPUTED), ChargeBackStatus.AGREED),
    "dispute": ((ChargeBackStatus.REQUESTED, ChargeBackStatus.AGREED), ChargeBackStatus.DISPUTED),
    "recover": ((ChargeBackStatus.REQUESTED, ChargeBackStatus.AGREED), ChargeBackStatus.RECOVERED),
}


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in Asia/Shanghai (aware)."""
    if not (1 <= month <= 12 and clock.FIRST_DAY.year <= year <= clock.LAST_DAY.year):
        raise InvalidInput(_("月份格式应为 YYYY-MM"), field="month")
    start = datetime(year, month, 1)  # noqa: DTZ001 — made aware on the next line
    end = datetime(year + month // 12, month % 12 + 1, 1)  # noqa: DTZ001
    zone = timezone.get_default_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(end, zone)


def _store(upload: UploadedFile, at: datetime) -> tuple[str, str, str, int]:
    """The file stored, once its type is one we accept by name and by content (the same list
    as a request's attachments): stored name, original name, content type, size."""
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ACCEPTED_TYPES:
        raise InvalidInput(
            _("不支持的文件类型“%(ext)s”,可上传:%(ok)s")
            % {"ext": ext or name, "ok": " ".join(sorted(ACCEPTED_TYPES))},
            field="file",
        )
    size = upload.size or 0
    if size == 0 or size > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidInput(_("文件“%(name)s”是空的或太大") % {"name": name}, field="file")
    if not matches(ext, upload):
        raise InvalidInput(_("文件“%(name)s”的内容与扩展名不符") % {"name": name}, field="file")
    local = timezone.localtime(at)
    stored = default_storage.save(f"claims/{local:%Y/%m}/{uuid.uuid4().hex}{ext}", upload)
    return stored, name, ACCEPTED_TYPES[ext][0], size


def add_evidence(
    actor: User,
    claim: Claim,
    *,
    kind: str,
    upload: UploadedFile | None = None,
    note: str = "",
    now: datetime | None = None,
) -> ClaimFile:
    """A photo, a document or the site survey (a file, a note, or both) into the claim's file.
    The stored file is removed again if recording it fails."""
    if kind not in EVIDENCE_KINDS:
        raise InvalidInput(
            _("资料类别无效,可选:%(o)s") % {"o": ", ".join(EVIDENCE_KINDS)}, field="kind"
        )
    words = text(note, "note", required=upload is None)
    at = clock.resolve(now)
    stored = _store(upload, at) if upload is not None else ("", "", "", 0)
    try:
        with transaction.atomic():
            claim = lock(actor, claim)
            require(actor, FRONT_DESK)
            if claim.status in ENDED:
                guard(claim)  # an ended claim's file is closed: 409
            row = _file(claim, kind, stored, words, actor, at)
            record(claim, ClaimEventKind.EVIDENCE, actor, at, words,
                   file_id=row.pk, file_kind=kind, name=row.original_name)  # fmt: skip
    except BaseException:
        if stored[0]:
            default_storage.delete(stored[0])
        raise
    return row


def _file(claim: Claim, kind: str, stored: tuple[str, str, str, int], note: str,
          actor: User, at: datetime) -> ClaimFile:  # fmt: skip
    name, original, content_type, size = stored
    return ClaimFile.objects.create(
        claim=claim, kind=kind, file=name, original_name=original, content_type=content_type,
        size=size, note=note, uploaded_by=actor, uploaded_at=at,
    )  # fmt: skip


def letter_html(claim: Claim, at: datetime) -> str:
    """The commitment letter as HTML, from the claim as approved (the PDF is made from it)."""
    ticket = claim.ticket
    resident = ticket.resident.name if ticket.resident is not None else ticket.contact_name
    return render_to_string(
        "casework/claim_letter_pdf.html",
        {"claim": claim, "ticket": ticket, "resident": resident, "room": ticket.room,
         "company": claim.project.company.name, "issued_on": timezone.localdate(at)},
    )  # fmt: skip


@transaction.atomic
def issue_letter(actor: User, claim: Claim, *, now: datetime | None = None) -> ClaimFile:
    """The commitment letter for the resident to sign, as a PDF kept in the claim's file. Only
    an approved claim has one (409 before)."""
    # Loaded only when a letter is made (see stats.exports_pdf); WeasyPrint ships no types.
    from weasyprint import HTML  # type: ignore[import-untyped]

    claim = lock(actor, claim)
    require(actor, FRONT_DESK)
    guard(claim, ClaimStatus.APPROVED)
    at = clock.resolve(now)
    pdf = HTML(string=letter_html(claim, at)).write_pdf()
    name = default_storage.save(
        f"claims/{timezone.localtime(at):%Y/%m}/{uuid.uuid4().hex}.pdf", ContentFile(pdf)
    )
    row = _file(claim, ClaimFileKind.LETTER,
                (name, f"承诺函-{claim.ticket.number}-{claim.pk}.pdf", "application/pdf",
                 len(pdf)), "", actor, at)  # fmt: skip
    claim.status = ClaimStatus.LETTER_ISSUED
    claim.save(update_fields=["status"])
    record(claim, ClaimEventKind.LETTER, actor, at, file_id=row.pk)
    return row


def letter_of(claim: Claim) -> ClaimFile:
    """The letter issued last, or 409 when none was issued yet."""
    letter = claim.files.filter(kind=ClaimFileKind.LETTER).order_by("-pk").first()
    if letter is None:
        raise Conflict(_("承诺函须在赔偿批准后出具,目前还没有"))
    return letter


def add_signed_letter(
    actor: User, claim: Claim, upload: UploadedFile, *, note: str = "", now: datetime | None = None
) -> ClaimFile:
    """The letter as the resident signed it, scanned and brought back."""
    at = clock.resolve(now)
    stored = _store(upload, at)
    try:
        with transaction.atomic():
            claim = lock(actor, claim)
            require(actor, FRONT_DESK)
            guard(claim, ClaimStatus.LETTER_ISSUED)
            words = text(note, "note", required=False)
            row = _file(claim, ClaimFileKind.SIGNED_LETTER, stored, words, actor, at)
            claim.status = ClaimStatus.SIGNED
            claim.save(update_fields=["status"])
            record(claim, ClaimEventKind.SIGNED, actor, at, words, file_id=row.pk)
    except BaseException:
        default_storage.delete(stored[0])
        raise
    return row


@transaction.atomic
def request_payment(
    actor: User, claim: Claim, *, amount: object, payee: str, note: str = "",
    now: datetime | None = None,
) -> Claim:  # fmt: skip
    """The payment request (款项划拨), once the letter is signed: never above what was
    approved."""
    claim = lock(actor, claim)
    require(actor, FRONT_DESK)
    guard(claim, ClaimStatus.SIGNED)
    claim.payment_amount = money(amount, "amount", ceiling=claim.approved_amount)
    claim.payee = text(payee, "payee")
    claim.status = ClaimStatus.PAYMENT_REQUESTED
    claim.save(update_fields=["payment_amount", "payee", "status"])
    record(claim, ClaimEventKind.PAYMENT_REQUESTED, actor, clock.resolve(now),
           text(note, "note", required=False), amount=str(claim.payment_amount),
           payee=claim.payee)  # fmt: skip
    return claim


@transaction.atomic
def record_paid(
    actor: User, claim: Claim, *, paid_on: date | None, reference: str, note: str = "",
    now: datetime | None = None,
) -> Claim:  # fmt: skip
    """Paid, with the date and the payment's reference (凭证号); a manager records it."""
    claim = lock(actor, claim)
    require(actor, MANAGERS)
    guard(claim, ClaimStatus.PAYMENT_REQUESTED)
    at = clock.resolve(now)
    claim.paid_on = _day(paid_on, "paid_on", at)
    claim.payment_reference = text(reference, "reference")
    claim.status = ClaimStatus.PAID
    claim.save(update_fields=["paid_on", "payment_reference", "status"])
    record(claim, ClaimEventKind.PAID, actor, at, text(note, "note", required=False),
           paid_on=claim.paid_on.isoformat(), reference=claim.payment_reference,
           amount=str(claim.payment_amount))  # fmt: skip
    return claim


def _day(value: date | None, field: str, at: datetime) -> date:
    if value is None:
        raise InvalidInput(_("请填写日期"), field=field)
    today = timezone.localdate(at)
    if value > today or value < today - timedelta(days=3660):
        raise InvalidInput(_("日期不能晚于今天,也不能早于十年前"), field=field)
    return value


@transaction.atomic
def open_charge_back(
    actor: User, claim: Claim, *, party_kind: str, party_name: str, amount: object, reason: str,
    now: datetime | None = None,
) -> ChargeBack:  # fmt: skip
    """Charge the approved compensation (or part of it) back to the third party at fault."""
    claim = lock(actor, claim)
    require(actor, MANAGERS)
    guard(claim, ClaimStatus.APPROVED, ClaimStatus.LETTER_ISSUED, ClaimStatus.SIGNED,
          ClaimStatus.PAYMENT_REQUESTED, ClaimStatus.PAID)  # fmt: skip
    if ChargeBack.objects.filter(claim=claim).exists():
        raise Conflict(_("该案件已向责任方发起追偿"))
    if party_kind not in ThirdParty.values:
        raise InvalidInput(
            _("责任方类别无效,可选:%(o)s") % {"o": ", ".join(ThirdParty.values)},
            field="party_kind",
        )
    at = clock.resolve(now)
    row = ChargeBack.objects.create(
        claim=claim, party_kind=party_kind, party_name=text(party_name, "party_name")[:100],
        amount=money(amount, "amount", ceiling=claim.approved_amount),
        reason=text(reason, "reason"), opened_at=at,
    )  # fmt: skip
    record(claim, ClaimEventKind.CHARGE_BACK, actor, at, row.reason,
           party=row.party_name, amount=str(row.amount))  # fmt: skip
    return row


@transaction.atomic
def move_charge_back(
    actor: User, claim: Claim, move: str, *, note: str = "", amount: object = None,
    on: date | None = None, now: datetime | None = None,
) -> ChargeBack:  # fmt: skip
    """requested → agreed → recovered (with the amount and the day), or disputed (with why);
    a dispute settled is agreed."""
    claim = lock(actor, claim)
    require(actor, MANAGERS)
    if move not in CHARGE_BACK_MOVES:
        raise InvalidInput(
            _("追偿操作无效,可选:%(o)s") % {"o": ", ".join(CHARGE_BACK_MOVES)}, field="move"
        )
    row = ChargeBack.objects.select_for_update().filter(claim=claim).first()
    if row is None:
        raise Conflict(_("该案件还没有向责任方发起追偿"))
    allowed, target = CHARGE_BACK_MOVES[move]
    if row.status not in allowed:
        raise Conflict(
            _("追偿当前为“%(s)s”,不能办理这一步") % {"s": ChargeBackStatus(row.status).label}
        )
    at = clock.resolve(now)
    words = text(note, "note", required=move == "dispute")
    data: dict[str, str] = {"from": row.status, "to": target}
    if move == "recover":
        row.recovered_amount = money(amount, "amount", ceiling=row.amount)
        row.recovered_on = _day(on, "on", at)
        data |= {"amount": str(row.recovered_amount), "on": row.recovered_on.isoformat()}
    row.status = target
    row.save(update_fields=["status", "recovered_amount", "recovered_on"])
    record(claim, ClaimEventKind.CHARGE_BACK_MOVE, actor, at, words, **data)
    return row
