"""Finding hot issues (SPEC §5): requests of one project received within a rolling 30 days that
share a category and a place (the building, else the place as written), or whose text is very
similar. Detection runs in the worker after a registration or a correction, so intake never
waits on other tickets; the same query answers the intake screen's "already reported here?"
before a ticket exists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

from propdesk.org.models import Project
from propdesk.sla import grades
from propdesk.tickets.choices import TERMINAL_STATUSES, Kind
from propdesk.tickets.models import Ticket

from .models import (
    LIVE_STATUSES,
    Basis,
    HotIssue,
    HotIssueEvent,
    HotIssueEventKind,
    HotIssueMember,
    HotIssueStatus,
    MemberSource,
)

#: Members are received within this many days of each other ("rolling 30 days").
WINDOW = timedelta(days=30)
#: Dice coefficient of character pairs from which two descriptions are "very similar".
TEXT_SIMILARITY = 0.6
#: Texts shorter than this (after normalising) say too little to compare.
MIN_TEXT = 6
#: The most recent open requests a new text is compared with: bounds the work per request.
TEXT_CANDIDATES = 400

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    return _NOISE.sub("", (text or "").lower())


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """How alike two descriptions are, 0..1: the Dice coefficient of their character pairs,
    which suits Chinese text (no word splitting needed) and ignores punctuation and spaces."""
    a, b = normalise(a), normalise(b)
    if len(a) < MIN_TEXT or len(b) < MIN_TEXT:
        return 1.0 if a and a == b else 0.0
    pa, pb = _pairs(a), _pairs(b)
    return 2 * len(pa & pb) / (len(pa) + len(pb))


@dataclass(frozen=True)
class Probe:
    """What is known of a request, registered or about to be."""

    project_id: int
    category_id: int | None
    building_id: int | None
    place: str
    description: str
    received_at: datetime
    ticket_id: int | None = None


def probe_of(ticket: Ticket) -> Probe:
    return Probe(
        project_id=ticket.project_id,
        category_id=ticket.category_id,
        building_id=ticket.building_id,
        place=ticket.place,
        description=ticket.description,
        received_at=ticket.received_at,
        ticket_id=ticket.pk,
    )


def _open_in_window(probe: Probe) -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(
        project_id=probe.project_id,
        received_at__gte=probe.received_at - WINDOW,
        received_at__lte=probe.received_at + WINDOW,
    ).exclude(status__in=list(TERMINAL_STATUSES))
    if probe.ticket_id:
        tickets = tickets.exclude(pk=probe.ticket_id)
    return tickets


def same_place(probe: Probe) -> list[int]:
    """Open requests of the same category at the same building (or the same place as
    written, when no building is known)."""
    if probe.category_id is None:
        return []
    place = normalise(probe.place)
    if probe.building_id:
        where = Q(building_id=probe.building_id)
    elif place:
        where = Q(building__isnull=True, place__iexact=probe.place.strip())
    else:
        return []
    return list(
        _open_in_window(probe)
        .filter(where, category_id=probe.category_id)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:500]
    )


def similar_text(probe: Probe, exclude: set[int] = frozenset()) -> list[int]:
    """Open requests whose description is very similar, whatever their category."""
    if not normalise(probe.description):
        return []
    recent = (
        _open_in_window(probe)
        .exclude(pk__in=exclude)
        .order_by("-received_at", "-pk")
        .values_list("pk", "description")[:TEXT_CANDIDATES]
    )
    return sorted(
        pk for pk, text in recent if similarity(probe.description, text) >= TEXT_SIMILARITY
    )


def candidates(probe: Probe) -> tuple[list[int], list[int]]:
    """(same category and place, very similar text) — disjoint, oldest first."""
    by_place = same_place(probe)
    return by_place, similar_text(probe, exclude=set(by_place))


def _active_issue_of(ticket_ids: list[int], statuses) -> HotIssue | None:
    member = (
        HotIssueMember.objects.filter(
            ticket_id__in=ticket_ids, removed_at=None, hot_issue__status__in=list(statuses)
        )
        .select_related("hot_issue")
        .order_by("hot_issue__detected_at", "hot_issue_id")
        .first()
    )
    return member.hot_issue if member else None


def _dismissed_members(ticket_ids: list[int]) -> set[int]:
    return set(
        HotIssueMember.objects.filter(
            ticket_id__in=ticket_ids,
            removed_at=None,
            hot_issue__status=HotIssueStatus.DISMISSED,
        ).values_list("ticket_id", flat=True)
    )


def refresh_counts(issue: HotIssue) -> None:
    """Member and complainant counts, and the span of receipt, from the active members."""
    members = list(
        Ticket.objects.filter(hot_issue_memberships__hot_issue=issue,
                              hot_issue_memberships__removed_at=None)
        .values_list("pk", "resident_id", "contact_phone", "received_at", "kind", "status")
    )  # fmt: skip
    people = {
        ("r", r) if r else ("p", p) if p else ("t", pk)
        for pk, r, p, _at, kind, status in members
        # Complainants are people who complained (SPEC §5: the same-kind rule counts
        # complaints only, never repairs, consultations, suggestions or praise).
        if kind == Kind.COMPLAINT and status != "cancelled"
    }
    issue.member_count = len(members)
    issue.complainant_count = len(people)
    if members:
        issue.first_received_at = min(m[3] for m in members)
        issue.last_received_at = max(m[3] for m in members)
    issue.save(
        update_fields=["member_count", "complainant_count", "first_received_at",
                       "last_received_at"]
    )  # fmt: skip


def add_members(
    issue: HotIssue, ticket_ids: list[int], at: datetime, *, source: str, actor=None
) -> list[int]:
    """Add requests not yet active in the issue; returns the ids added."""
    present = set(
        HotIssueMember.objects.filter(hot_issue=issue, ticket_id__in=ticket_ids).values_list(
            "ticket_id", flat=True
        )
    )
    fresh = [pk for pk in dict.fromkeys(ticket_ids) if pk not in present]
    HotIssueMember.objects.bulk_create(
        HotIssueMember(hot_issue=issue, ticket_id=pk, source=source, added_at=at, added_by=actor)
        for pk in fresh
    )
    # A member removed earlier and now found again comes back.
    back = HotIssueMember.objects.filter(
        hot_issue=issue, ticket_id__in=ticket_ids, removed_at__isnull=False
    )
    returned = list(back.values_list("ticket_id", flat=True))
    back.update(removed_at=None, removed_by=None, removed_reason="")
    return fresh + returned


def regrade_members(issue: HotIssue, at: datetime) -> int:
    """The same-kind-from-≥3-residents rule (SPEC §5) raises every open member's grade: each
    is locked and graded in its own short transaction."""
    ids = list(
        issue.members.filter(removed_at=None)
        .exclude(ticket__status__in=list(TERMINAL_STATUSES))
        .filter(ticket__kind=Kind.COMPLAINT)
        .values_list("ticket_id", flat=True)
    )
    changed = 0
    for pk in ids:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)
            changed += bool(grades.evaluate(ticket, at, group_size=issue.complainant_count))
    return changed


def detect(ticket_id: int, at: datetime) -> HotIssue | None:
    """Put a request into the hot issue its neighbours form, creating one when it is the
    second of its kind. Idempotent: running it twice adds nothing the second time."""
    with transaction.atomic():
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is None or ticket.status in TERMINAL_STATUSES:
            return None
        # One detection per project at a time, so two arrivals never open two issues for the
        # same group. NO KEY UPDATE: registrations' foreign-key checks on the project go on.
        Project.objects.select_for_update(no_key=True).filter(pk=ticket.project_id).first()
        by_place, by_text = candidates(probe_of(ticket))
        basis = Basis.PLACE if by_place else Basis.TEXT
        found = by_place or by_text
        if not found:
            return None
        issue = _active_issue_of([ticket.pk, *found], LIVE_STATUSES)
        if issue is None:
            # What a supervisor already dismissed stays dismissed: only requests not in a
            # dismissed issue form a new one.
            found = [pk for pk in found if pk not in _dismissed_members(found)]
            if not found or ticket.pk in _dismissed_members([ticket.pk]):
                return None
            first = Ticket.objects.filter(pk__in=found).order_by("received_at", "pk").first()
            issue = HotIssue.objects.create(
                company_id=ticket.company_id,
                project_id=ticket.project_id,
                basis=basis,
                category_id=ticket.category_id if basis == Basis.PLACE else None,
                building_id=ticket.building_id if basis == Basis.PLACE else None,
                place=ticket.place if basis == Basis.PLACE and not ticket.building_id else "",
                title=(first.description if first else ticket.description)[:200],
                first_received_at=ticket.received_at,
                last_received_at=ticket.received_at,
                detected_at=at,
            )
            kind = HotIssueEventKind.DETECTED
        else:
            issue = HotIssue.objects.select_for_update().get(pk=issue.pk)
            kind = HotIssueEventKind.GREW
        added = add_members(issue, [ticket.pk, *found], at, source=MemberSource.DETECTED)
        if not added:
            return issue
        refresh_counts(issue)
        HotIssueEvent.objects.create(
            hot_issue=issue, kind=kind, at=at,
            data={"tickets": list(Ticket.objects.filter(pk__in=added)
                                  .order_by("pk").values_list("number", flat=True)),
                  "basis": basis},
        )  # fmt: skip
    regrade_members(issue, at)
    return issue
