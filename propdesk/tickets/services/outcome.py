"""Merged duplicates follow their survivor (SPEC §5 hot issues): when the survivor gets its
result, each request merged into it — and those merged into them — records the same result,
and its resident is told, as if their own request had been resolved."""

from __future__ import annotations

from datetime import datetime

from ..choices import EventKind, Status
from ..models import Ticket

#: Chains of merges are short; this bounds a corrupt cycle.
MAX_DEPTH = 10


def merged_into_chain(survivor: Ticket) -> list[Ticket]:
    """Every request merged into the survivor, directly or through another merged one."""
    found: list[Ticket] = []
    level = [survivor.pk]
    for _ in range(MAX_DEPTH):
        rows = list(
            Ticket.objects.filter(merged_into_id__in=level, status=Status.MERGED)
            .select_related("project", "resident", "company")
            .order_by("pk")
        )
        if not rows:
            break
        found += rows
        level = [t.pk for t in rows]
    return found


def share_outcome(survivor: Ticket, at: datetime, only: Ticket | None = None) -> int:
    """Copy the survivor's result to its merged requests (or to ``only``) and write an
    ``outcome_shared`` event on each; returns how many got it."""
    from .guards import record_event

    if not survivor.resolution:
        return 0
    shared = 0
    for merged in [only] if only is not None else merged_into_chain(survivor):
        if merged.resolution == survivor.resolution:
            continue  # already told this outcome
        merged.resolution = survivor.resolution
        merged.resolved_at = at
        merged.save(update_fields=["resolution", "resolved_at", "updated_at"])
        record_event(
            merged, EventKind.OUTCOME_SHARED, None, at, note=survivor.resolution,
            data={"from": survivor.number},
        )  # fmt: skip
        shared += 1
    return shared
