"""What was suggested for each request registered at intake, what the agent chose, and the
figures that follow: how often the suggestion was taken and how accurate it was, by month.

Registration on the intake page calls ``after_intake`` (through tickets.extensions'
``intake_registered``, inside the registration's transaction): the suggestion is worked out
again on the request's final description — what the page showed last, the debounced request
having run after the last keystroke — and stored with the agent's choice. A request said at
intake to be the same problem as an open one is merged into it or linked to its hot issue
there too, by the hot-issue and ticket services themselves (their own permission checks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput
from propdesk.hotissues import services as hot_issues
from propdesk.hotissues.models import LIVE_STATUSES, HotIssueMember
from propdesk.org.choices import Role
from propdesk.org.models import User
from propdesk.org.roles import MANAGERS
from propdesk.search.segment import words
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import merge

from .models import Suggestion
from .services import category_tree, classify

#: Who reads the figures: the supervisors and above, and quality (who owns the case library).
REPORT_READERS = MANAGERS | {Role.QUALITY}
#: The intake form's hidden fields this app reads (its part of the page writes them).
SHOWN_FIELD = "suggest_shown"
APPLIED_FIELD = "suggest_applied"
SAME_AS_FIELD = "suggest_same_as"


def record(ticket: Ticket, *, applied: str = "", now: datetime | None = None) -> Suggestion | None:
    """Store the suggestion for a just-registered request and the agent's choice."""
    at = clock.resolve(now)
    nodes, _by_code = category_tree()
    text = ticket.description[:1000]
    source, version, ranked, (kind, _p) = classify(
        ticket.company_id, text, words(text, key=ticket.company_id), nodes
    )
    codes = [code for code, _p in ranked]
    chosen = ticket.category.code
    return Suggestion.objects.create(
        company_id=ticket.company_id,
        project_id=ticket.project_id,
        ticket=ticket,
        at=at,
        source=source,
        model_version=version,
        suggested=[[code, round(p, 3)] for code, p in ranked],
        suggested_kind=kind,
        chosen_category=ticket.category,
        chosen_kind=ticket.kind,
        taken=codes[:1] == [chosen],
        in_top3=chosen in codes,
        kind_taken=kind == ticket.kind,
        applied=bool(applied) and applied == chosen,
    )


def same_problem(user: User, ticket: Ticket, said: str, *, now: datetime | None = None) -> None:
    """``merge:NUMBER`` merges the new request into that open one; ``link:NUMBER`` adds it to
    that one's live hot issue. Refusals (no right to merge, a request closed meanwhile) are the
    services' own and undo the registration, so the agent sees them on the form."""
    action, _sep, number = (said or "").partition(":")
    if action == "merge":
        merge(user, ticket, into=number, note=_("登记时确认为重复诉求"), now=now)
    elif action == "link":
        member = (
            HotIssueMember.objects.filter(
                ticket__number=number, removed_at=None, hot_issue__status__in=list(LIVE_STATUSES)
            )
            .values_list("hot_issue_id", flat=True)
            .first()
        )
        if member is None:
            raise InvalidInput(_("诉求 %(n)s 不在任何热点问题中") % {"n": number}, field="")
        hot_issues.link(user, member, ticket=ticket.number, note=_("登记时关联"), now=now)
    elif said:
        raise InvalidInput(_("无法识别的关联操作"), field="")


def after_intake(user: User, ticket: Ticket, posted: Mapping[str, str]) -> None:
    """The intake page's registration of ``ticket``: record the suggestion if the page showed
    suggestions, then do what the agent chose for a same problem."""
    if posted.get(SHOWN_FIELD) == "1":
        record(ticket, applied=(posted.get(APPLIED_FIELD) or "").strip()[:30])
    same_problem(user, ticket, (posted.get(SAME_AS_FIELD) or "").strip()[:80])


# -- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    recorded: int
    taken: int
    in_top3: int
    applied: int
    kind_taken: int
    by_model: int

    @property
    def acceptance(self) -> float:
        """Requests whose chosen category was the first suggested, of all recorded."""
        return self.taken / self.recorded if self.recorded else 0.0

    @property
    def top3(self) -> float:
        return self.in_top3 / self.recorded if self.recorded else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_taken / self.recorded if self.recorded else 0.0


def by_month(user: User, *, months: int = 12, now: datetime | None = None) -> list[Month]:
    """Acceptance and accuracy of the suggestions by month (newest first), over the projects of
    the user's scope."""
    at = timezone.localtime(clock.resolve(now))
    first = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _i in range(max(months, 1) - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    rows = (
        Suggestion.objects.filter(project_id__in=user.project_ids, at__gte=first)
        .annotate(m=TruncMonth("at"))
        .values("m")
        .annotate(
            recorded=Count("pk"),
            taken=Count("pk", filter=Q(taken=True)),
            in_top3=Count("pk", filter=Q(in_top3=True)),
            applied=Count("pk", filter=Q(applied=True)),
            kind_taken=Count("pk", filter=Q(kind_taken=True)),
            by_model=Count("pk", filter=Q(source="model")),
        )
        .order_by("-m")
    )
    return [
        Month(
            month=r["m"].strftime("%Y-%m"),
            recorded=r["recorded"],
            taken=r["taken"],
            in_top3=r["in_top3"],
            applied=r["applied"],
            kind_taken=r["kind_taken"],
            by_model=r["by_model"],
        )
        for r in rows
    ]
