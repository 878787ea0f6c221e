"""What a supervisor does with a hot issue (SPEC §5): confirm it, link a request to it or take
one out, merge duplicates into one request, or dismiss it. Each is an event on the issue."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from propdesk.org.access import check_project_scope
from propdesk.org.models import User
from propdesk.org.roles import MANAGERS, role_of
from propdesk.tickets.choices import TERMINAL_STATUSES
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import merge as merge_ticket
from propdesk.tickets.services.references import resolve_in_project

from .detection import Probe, add_members, candidates, refresh_counts, regrade_members
from .models import (
    LIVE_STATUSES,
    HotIssue,
    HotIssueEvent,
    HotIssueEventKind,
    HotIssueMember,
    HotIssueStatus,
    MemberSource,
)


def visible_hot_issues(user: User) -> QuerySet[HotIssue]:
    return HotIssue.objects.for_user(user)


def get_hot_issue(user: User, pk: int, *, lock: bool = False) -> HotIssue:
    rows = HotIssue.objects.select_related("project", "category", "building")
    if lock:
        rows = rows.select_for_update(of=("self",))
    issue = rows.filter(pk=pk).first()
    if issue is None:
        raise NotFound(_("热点问题 %(id)s 不存在") % {"id": pk})
    check_project_scope(user, issue.project_id)
    return issue


def _require_supervisor(user: User) -> None:
    if role_of(user) not in MANAGERS:
        raise PermissionDenied(_("只有客服主管及以上可以处理热点问题"))


def _require_live(issue: HotIssue) -> None:
    if issue.status not in LIVE_STATUSES:
        raise InvalidTransition(_("热点问题已排除,不能再处理"))


def _event(
    issue: HotIssue, kind: str, actor: User, at: datetime, note: str = "", **data: object
) -> None:
    HotIssueEvent.objects.create(
        hot_issue=issue, kind=kind, actor=actor, at=at, note=note, data=data
    )


def _decide(
    actor: User, pk: int, status: str, kind: str, note: str, now: datetime | None
) -> HotIssue:
    _require_supervisor(actor)
    issue = get_hot_issue(actor, pk, lock=True)
    _require_live(issue)
    if issue.status == status:
        raise InvalidTransition(_("热点问题已是“%(s)s”") % {"s": issue.get_status_display()})
    at = clock.resolve(now)
    issue.status, issue.decided_by, issue.decided_at = status, actor, at
    issue.decision_note = note
    issue.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _event(issue, kind, actor, at, note)
    return issue


@transaction.atomic
def confirm(actor: User, pk: int, *, note: str = "", now: datetime | None = None) -> HotIssue:
    """The supervisor agrees these requests are one problem of many residents."""
    return _decide(actor, pk, HotIssueStatus.CONFIRMED, HotIssueEventKind.CONFIRMED, note, now)


@transaction.atomic
def dismiss(actor: User, pk: int, *, reason: str, now: datetime | None = None) -> HotIssue:
    """Not one problem after all; its requests are not grouped again among themselves."""
    if not (reason or "").strip():
        raise InvalidInput(_("请填写排除原因"), field="reason")
    return _decide(
        actor, pk, HotIssueStatus.DISMISSED, HotIssueEventKind.DISMISSED, reason.strip(), now
    )


def _ticket_in_project(actor: User, issue: HotIssue, number: str, field: str) -> Ticket:
    """A request the actor may see, of the issue's project (references.resolve_in_project)."""
    return resolve_in_project(
        actor, Ticket, (number or "").strip(), issue.project, field=field, lookup="number"
    )


def link(
    actor: User, pk: int, *, ticket: str, note: str = "", now: datetime | None = None
) -> HotIssue:
    """Add a request the system did not group (different words, another category)."""
    with transaction.atomic():
        _require_supervisor(actor)
        issue = get_hot_issue(actor, pk, lock=True)
        _require_live(issue)
        member = _ticket_in_project(actor, issue, ticket, "ticket")
        if member.status in TERMINAL_STATUSES:
            raise InvalidTransition(_("诉求 %(n)s 已结束,不能关联") % {"n": member.number},
                                    field="ticket")  # fmt: skip
        elsewhere = (
            HotIssueMember.objects.filter(
                ticket=member, removed_at=None, hot_issue__status__in=list(LIVE_STATUSES)
            )
            .exclude(hot_issue=issue)
            .first()
        )
        if elsewhere is not None:
            raise InvalidInput(
                _("诉求 %(n)s 已属于热点问题 #%(id)s") % {"n": member.number,
                                                          "id": elsewhere.hot_issue_id},
                field="ticket",
            )  # fmt: skip
        at = clock.resolve(now)
        if not add_members(issue, [member.pk], at, source=MemberSource.LINKED, actor=actor):
            raise InvalidInput(_("诉求 %(n)s 已在本热点问题中") % {"n": member.number},
                               field="ticket")  # fmt: skip
        refresh_counts(issue)
        _event(issue, HotIssueEventKind.LINKED, actor, at, note, ticket=member.number)
    regrade_members(issue, at)
    return issue


@transaction.atomic
def unlink(
    actor: User, pk: int, *, ticket: str, reason: str, now: datetime | None = None
) -> HotIssue:
    """Take a request out (it was grouped by mistake); the membership row stays, marked."""
    _require_supervisor(actor)
    if not (reason or "").strip():
        raise InvalidInput(_("请填写移出原因"), field="reason")
    issue = get_hot_issue(actor, pk, lock=True)
    _require_live(issue)
    member = _ticket_in_project(actor, issue, ticket, "ticket")
    at = clock.resolve(now)
    removed = HotIssueMember.objects.filter(hot_issue=issue, ticket=member, removed_at=None)
    if not removed.update(removed_at=at, removed_by=actor, removed_reason=reason.strip()):
        raise InvalidInput(_("诉求 %(n)s 不在本热点问题中") % {"n": member.number},
                           field="ticket")  # fmt: skip
    refresh_counts(issue)
    _event(issue, HotIssueEventKind.UNLINKED, actor, at, reason.strip(), ticket=member.number)
    return issue


@transaction.atomic
def merge_duplicates(
    actor: User,
    pk: int,
    *,
    survivor: str,
    duplicates: list[str],
    note: str = "",
    now: datetime | None = None,
) -> HotIssue:
    """Merge members that are the same request into one; the merged keep their history and
    follow the survivor's outcome. All of them or none."""
    _require_supervisor(actor)
    issue = get_hot_issue(actor, pk, lock=True)
    _require_live(issue)
    if not duplicates:
        raise InvalidInput(_("请选择要合并的重复诉求"), field="duplicates")
    active = set(issue.members.filter(removed_at=None).values_list("ticket__number", flat=True))
    for field, numbers in (("survivor", [survivor]), ("duplicates", duplicates)):
        for number in numbers:
            if number not in active:
                raise InvalidInput(_("诉求 %(n)s 不在本热点问题中") % {"n": number}, field=field)
    if survivor in duplicates:
        raise InvalidInput(_("保留的诉求不能同时被合并"), field="duplicates")
    at = clock.resolve(now)
    for number in dict.fromkeys(duplicates):
        merge_ticket(actor, number, into=survivor, note=note, now=at)
    refresh_counts(issue)
    _event(issue, HotIssueEventKind.MERGED, actor, at, note, survivor=survivor,
           duplicates=list(dict.fromkeys(duplicates)))  # fmt: skip
    return issue


def similar_open_requests(
    user: User,
    *,
    project_id: int,
    category_id: int | None,
    building_id: int | None,
    place: str,
    description: str,
    at: datetime | None = None,
) -> tuple[list[Ticket], list[Ticket]]:
    """What intake shows before saving: open requests at the same place and of the same
    category, and those saying very nearly the same thing."""
    check_project_scope(user, project_id)
    probe = Probe(
        project_id=project_id, category_id=category_id, building_id=building_id,
        place=place or "", description=description or "", received_at=clock.resolve(at),
    )  # fmt: skip
    by_place, by_text = candidates(probe)
    rows = Ticket.objects.select_related("category").in_bulk(by_place + by_text)
    return [rows[pk] for pk in by_place], [rows[pk] for pk in by_text]
