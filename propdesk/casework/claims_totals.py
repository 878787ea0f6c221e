"""The money of compensation claims over a period, per project (issue 21 item 2: "totals by
project and month in the figures"): what the claims list shows for a month and what the
monthly figures and report (``stats``) count, from one definition.

Each figure counts what happened in the period (Asia/Shanghai days), whenever the claim was
opened:

- **opened**: claims opened in the period;
- **approved**: claims whose approval was completed in the period, and their approved amounts;
- **paid**: claims recorded paid with a payment day in the period, and the amounts paid;
- **charged back**: charge-backs to a third party opened in the period, and their amounts;
- **recovered**: charge-backs recovered with a recovery day in the period, and the amounts
  recovered;
- **pending**: charge-backs opened before the period ended and not recovered by its end (still
  requested, agreed or disputed then), and their amounts, but for those of claims withdrawn by
  then.

Counted by the database, two grouped queries whatever the number of claims; amounts are
``Decimal`` yuan to the fen.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from propdesk.org.models import Project

from .claims_choices import ChargeBackStatus, ClaimEventKind, ClaimStatus
from .models import ChargeBack, Claim, ClaimEvent

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ClaimTotals:
    """One project's claims over a period (``project_code`` "" for the sum of several)."""

    project_code: str
    project_name: str
    opened: int = 0
    approved: int = 0
    approved_amount: Decimal = ZERO
    paid: int = 0
    paid_amount: Decimal = ZERO
    charged_back: int = 0
    charged_back_amount: Decimal = ZERO
    recovered: int = 0
    recovered_amount: Decimal = ZERO
    pending: int = 0
    pending_amount: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: The counted fields, in the order a table shows them.
COUNTED = tuple(f.name for f in fields(ClaimTotals))[2:]


def _yuan(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(FEN)


def period_totals(
    project_ids: Collection[int], start: datetime, end: datetime
) -> list[ClaimTotals]:
    """The claims of these projects from ``start`` to just before ``end`` (aware local
    midnights), one row per project where anything happened, by project code."""
    first, after = timezone.localdate(start), timezone.localdate(end)
    opened = Q(opened_at__gte=start, opened_at__lt=end)
    approved = Q(approved_at__gte=start, approved_at__lt=end)
    paid = Q(status=ClaimStatus.PAID, paid_on__gte=first, paid_on__lt=after)
    claims = (
        Claim.objects.filter(project_id__in=list(project_ids))
        .filter(opened | approved | paid)
        .order_by()
        .values("project_id")
        .annotate(
            opened=Count("pk", filter=opened),
            approved=Count("pk", filter=approved),
            approved_amount=Sum("approved_amount", filter=approved),
            paid=Count("pk", filter=paid),
            paid_amount=Sum("payment_amount", filter=paid),
        )
    )
    charged = Q(opened_at__gte=start)  # and before the end, as every row counted here
    recovered_by_end = Q(status=ChargeBackStatus.RECOVERED, recovered_on__lt=after)
    recovered = recovered_by_end & Q(recovered_on__gte=first)
    withdrawn = ClaimEvent.objects.filter(
        claim=OuterRef("claim"), kind=ClaimEventKind.WITHDRAWN, at__lt=end
    )
    pending = ~recovered_by_end & Q(~Exists(withdrawn))
    backs = (
        ChargeBack.objects.filter(claim__project_id__in=list(project_ids), opened_at__lt=end)
        .filter(charged | recovered | pending)
        .order_by()
        .values("claim__project_id")
        .annotate(
            charged_back=Count("pk", filter=charged),
            charged_back_amount=Sum("amount", filter=charged),
            recovered=Count("pk", filter=recovered),
            recovered_amount=Sum("recovered_amount", filter=recovered),
            pending=Count("pk", filter=pending),
            pending_amount=Sum("amount", filter=pending),
        )
    )
    found: dict[int, dict[str, Any]] = {}
    for row in claims:
        found.setdefault(row.pop("project_id"), {}).update(row)
    for row in backs:
        found.setdefault(row.pop("claim__project_id"), {}).update(row)
    projects = Project.objects.filter(pk__in=found).order_by("code")
    return [_totals(p.code, p.name, found[p.pk]) for p in projects]


def _totals(code: str, name: str, row: dict[str, Any]) -> ClaimTotals:
    values: dict[str, Any] = {
        key: (_yuan(row.get(key)) if key.endswith("_amount") else int(row.get(key) or 0))
        for key in COUNTED
    }
    return ClaimTotals(code, name, **values)


def summed(rows: Iterable[ClaimTotals], name: str = "") -> ClaimTotals:
    """The rows added up (a region's or the company's line)."""
    rows = list(rows)
    values: dict[str, Any] = {}
    for key in COUNTED:
        zero: int | Decimal = ZERO if key.endswith("_amount") else 0
        values[key] = sum((getattr(r, key) for r in rows), zero)
    return ClaimTotals("", name, **values)
