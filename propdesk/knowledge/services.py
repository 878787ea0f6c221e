"""The case library's actions (SPEC §8): write a case, review it, publish it, send it back,
withdraw it; the draft a closed request worth a case becomes; and who reads what.

Every change writes a CaseVersion with the case's content after it, who and when, so a case's
history reads as the list of its versions. A published case that is edited becomes a draft
again: what agents read is always a reviewed text.

Who may (SPEC §8 gives the case library to the quality department):
- write and edit: quality, supervisors, HQ customer service, administrators (CASE_WRITERS);
- review, send back, publish, withdraw: quality, HQ, administrators (CASE_REVIEWERS); nobody
  reviews a text they wrote last (an administrator of the whole system excepted);
- read: every member of staff of the company reads what is published; writers and reviewers
  read the drafts too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from propdesk.org.choices import Role
from propdesk.org.models import User
from propdesk.org.roles import has_role, require_role
from propdesk.tickets.models import Category, Ticket

from .choices import CaseChange, CaseStatus
from .models import Case, CaseVersion, Scenario

CASE_WRITERS = frozenset({Role.QUALITY, Role.SUPERVISOR, Role.HQ, Role.ADMIN})
CASE_REVIEWERS = frozenset({Role.QUALITY, Role.HQ, Role.ADMIN})
#: Limits of the texts, in characters: a handbook entry, not an essay.
TITLE_MAX = 200
TEXT_MAX = 4000
MAX_SCENARIOS = 10


@dataclass(frozen=True)
class ScenarioText:
    """What one scenario says. ``handling`` is required; the rest may be empty."""

    name: str = ""
    expectation: str = ""
    handling: str = ""
    words: str = ""
    improvement: str = ""
    risk: str = ""


SCENARIO_FIELDS = ("name", "expectation", "handling", "words", "improvement", "risk")


# -- reading ----------------------------------------------------------------------------------


def may_write(user: User) -> bool:
    return has_role(user, CASE_WRITERS)


def may_review(user: User) -> bool:
    return has_role(user, CASE_REVIEWERS)


def cases_for(user: User) -> QuerySet[Case]:
    """The cases ``user`` reads: their company's published ones, and the drafts too for those
    who write or review. Scenarios come with them, in order."""
    cases = Case.objects.filter(company=user.company).select_related("category__parent")
    if not (may_write(user) or may_review(user)):
        cases = cases.filter(status=CaseStatus.PUBLISHED)
    return cases.prefetch_related(
        Prefetch("scenarios", Scenario.objects.order_by("position", "pk"))
    )


def get_case(user: User, pk: int) -> Case:
    case = cases_for(user).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("没有这个案例"))
    return case


#: The words filter of ``find_cases``: (words typed, company id) → the cases saying them. The
#: search app registers its word index here (``use_word_search``, from its ready()); until it
#: does, every word typed is matched as a substring.
_word_search: Callable[[str, int | None], Q] | None = None


def use_word_search(condition: Callable[[str, int | None], Q]) -> None:
    global _word_search
    _word_search = condition


def find_cases(
    user: User, *, category: Category | None = None, status: str = "", words: str = ""
) -> QuerySet[Case]:
    """The cases ``user`` reads, of a category (and those under it), in a status, and saying
    every one of ``words`` in the title or a scenario (by the word index when registered)."""
    cases = cases_for(user)
    if category is not None:
        cases = cases.filter(Q(category=category) | Q(category__parent=category))
    if status:
        if status not in CaseStatus.values:
            raise InvalidInput(_("状态“%(s)s”无效") % {"s": status}, field="status")
        cases = cases.filter(status=status)
    if words.strip() and _word_search is not None:
        return cases.filter(_word_search(words, user.company_id))
    for word in words.split():
        cases = cases.filter(
            Q(title__icontains=word)
            | Q(scenarios__name__icontains=word)
            | Q(scenarios__expectation__icontains=word)
            | Q(scenarios__handling__icontains=word)
            | Q(scenarios__words__icontains=word)
        ).distinct()
    return cases


def published_in(company_id: int, category: Category | None = None) -> QuerySet[Case]:
    """The published cases of a company (of one category and the categories under it)."""
    cases = Case.objects.filter(company_id=company_id, status=CaseStatus.PUBLISHED)
    if category is not None:
        ids = [category.pk, *category.children.values_list("pk", flat=True)]
        cases = cases.filter(category_id__in=ids)
    return cases.select_related("category__parent").prefetch_related(
        Prefetch("scenarios", Scenario.objects.order_by("position", "pk"))
    )


# -- writing ----------------------------------------------------------------------------------


def _clean(title: str, scenarios: Sequence[ScenarioText]) -> tuple[str, list[ScenarioText]]:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("请填写案例的问题"), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("最多 %(n)s 个字") % {"n": TITLE_MAX}, field="title")
    kept = [
        ScenarioText(**{f: (getattr(s, f) or "").strip() for f in SCENARIO_FIELDS})
        for s in scenarios
    ]
    kept = [s for s in kept if any(getattr(s, f) for f in SCENARIO_FIELDS)]
    if not kept:
        raise InvalidInput(_("至少写一个情景的处理方式"), field="scenarios")
    if len(kept) > MAX_SCENARIOS:
        raise InvalidInput(_("最多 %(n)s 个情景") % {"n": MAX_SCENARIOS}, field="scenarios")
    for i, s in enumerate(kept):
        if not s.handling:
            raise InvalidInput(
                _("情景 %(n)s:请填写处理方式") % {"n": i + 1}, field=f"scenarios[{i}].handling"
            )
        for f in SCENARIO_FIELDS:
            limit = TITLE_MAX if f == "name" else TEXT_MAX
            if len(getattr(s, f)) > limit:
                raise InvalidInput(_("最多 %(n)s 个字") % {"n": limit}, field=f"scenarios[{i}].{f}")
    return title, kept


def _content(case: Case, scenarios: Iterable[ScenarioText]) -> dict[str, Any]:
    return {
        "title": case.title,
        "category": case.category.code,
        "scenarios": [asdict(s) for s in scenarios],
    }


def _texts(case: Case) -> list[ScenarioText]:
    return [
        ScenarioText(**{f: getattr(s, f) for f in SCENARIO_FIELDS})
        for s in case.scenarios.order_by("position", "pk")
    ]


def _record(
    case: Case, change: CaseChange, by: User | None, at: datetime, note: str = ""
) -> CaseVersion:
    return CaseVersion.objects.create(
        case=case,
        version=case.version,
        change=change,
        status=case.status,
        content=_content(case, _texts(case)),
        note=note,
        by=by,
        at=at,
    )


def _write_scenarios(case: Case, scenarios: Sequence[ScenarioText]) -> None:
    case.scenarios.all().delete()
    Scenario.objects.bulk_create(
        Scenario(case=case, position=i + 1, **asdict(s)) for i, s in enumerate(scenarios)
    )


@transaction.atomic
def create_case(
    user: User,
    *,
    title: str,
    category: Category,
    scenarios: Sequence[ScenarioText],
    sources: Iterable[Ticket] = (),
    now: datetime | None = None,
) -> Case:
    """A new draft of the user's company."""
    require_role(user, CASE_WRITERS, _("只有品质、主管、总部客服和管理员可以编写案例"))
    if not user.company_id:
        raise PermissionDenied(_("没有所属公司的账号不能编写案例"))
    title, kept = _clean(title, scenarios)
    at = clock.resolve(now)
    case = Case.objects.create(
        company_id=user.company_id,
        title=title,
        category=category,
        created_by=user,
        created_at=at,
        updated_at=at,
    )
    _write_scenarios(case, kept)
    sources = [t for t in sources if t.company_id == user.company_id]
    case.sources.add(*sources)
    _record(case, CaseChange.CREATED, user, at)
    return case


@transaction.atomic
def edit_case(
    user: User,
    case: Case,
    *,
    title: str,
    category: Category,
    scenarios: Sequence[ScenarioText],
    note: str = "",
    now: datetime | None = None,
) -> Case:
    """New content for a case: a new version, and a draft again until reviewed and published.
    Content that did not change is not a new version."""
    require_role(user, CASE_WRITERS, _("只有品质、主管、总部客服和管理员可以编写案例"))
    case = _locked(user, case)
    if case.status == CaseStatus.WITHDRAWN:
        raise InvalidTransition(_("已停用的案例不能修改"))
    title, kept = _clean(title, scenarios)
    if title == case.title and category.pk == case.category_id and kept == _texts(case):
        return case
    at = clock.resolve(now)
    case.title, case.category = title, category
    case.version += 1
    case.status = CaseStatus.DRAFT
    case.updated_at = at
    case.save(update_fields=["title", "category", "version", "status", "updated_at"])
    _write_scenarios(case, kept)
    _record(case, CaseChange.EDITED, user, at, note.strip())
    return case


def _locked(user: User, case: Case) -> Case:
    locked = Case.objects.select_for_update().filter(pk=case.pk, company=user.company)
    found = locked.select_related("category").first()
    if found is None:
        raise NotFound(_("没有这个案例"))
    return found


def _last_writer(case: Case) -> int | None:
    last = (
        case.versions.filter(change__in=[CaseChange.CREATED, CaseChange.EDITED])
        .order_by("-at", "-pk")
        .values_list("by_id", flat=True)
        .first()
    )
    return last


def _move(
    user: User,
    case: Case,
    *,
    to: CaseStatus,
    allowed_from: Iterable[CaseStatus],
    change: CaseChange,
    note: str = "",
    now: datetime | None = None,
) -> Case:
    require_role(user, CASE_REVIEWERS, _("只有品质、总部客服和管理员可以审核、发布案例"))
    case = _locked(user, case)
    if case.status not in set(allowed_from):
        raise InvalidTransition(
            _("案例现在是“%(status)s”,不能%(move)s")
            % {"status": case.get_status_display(), "move": CaseChange(change).label}
        )
    at = clock.resolve(now)
    case.status = to
    case.updated_at = at
    fields = ["status", "updated_at"]
    if to == CaseStatus.PUBLISHED:
        case.published_at = at
        fields.append("published_at")
    case.save(update_fields=fields)
    _record(case, change, user, at, note)
    return case


@transaction.atomic
def review_case(user: User, case: Case, *, note: str = "", now: datetime | None = None) -> Case:
    """The text is right: reviewed, ready to publish. Not by the person who wrote it last."""
    if not user.is_superuser and _last_writer(case) == user.pk:
        raise PermissionDenied(_("不能审核自己编写的案例,请其他审核人审核"))
    return _move(
        user,
        case,
        to=CaseStatus.REVIEWED,
        allowed_from=[CaseStatus.DRAFT],
        change=CaseChange.REVIEWED,
        note=note.strip(),
        now=now,
    )


@transaction.atomic
def send_back(user: User, case: Case, *, reason: str, now: datetime | None = None) -> Case:
    """Back to its writer with what to change."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请写明退回的原因"), field="reason")
    return _move(
        user,
        case,
        to=CaseStatus.DRAFT,
        allowed_from=[CaseStatus.DRAFT, CaseStatus.REVIEWED],
        change=CaseChange.SENT_BACK,
        note=reason,
        now=now,
    )


@transaction.atomic
def publish_case(user: User, case: Case, *, now: datetime | None = None) -> Case:
    """Agents see it from now on: in the library and while recording."""
    return _move(
        user,
        case,
        to=CaseStatus.PUBLISHED,
        allowed_from=[CaseStatus.REVIEWED],
        change=CaseChange.PUBLISHED,
        now=now,
    )


@transaction.atomic
def withdraw_case(user: User, case: Case, *, reason: str, now: datetime | None = None) -> Case:
    """No longer right (a rule changed, a better case exists): agents stop seeing it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请写明停用的原因"), field="reason")
    return _move(
        user,
        case,
        to=CaseStatus.WITHDRAWN,
        allowed_from=[CaseStatus.PUBLISHED, CaseStatus.REVIEWED, CaseStatus.DRAFT],
        change=CaseChange.WITHDRAWN,
        note=reason,
        now=now,
    )


#: The moves of a case by name, as the page and the API name them; ``text`` is the note or the
#: reason where the move takes one.
MOVES = {
    "review": lambda user, case, text: review_case(user, case, note=text),
    "send_back": lambda user, case, text: send_back(user, case, reason=text),
    "publish": lambda user, case, text: publish_case(user, case),
    "withdraw": lambda user, case, text: withdraw_case(user, case, reason=text),
}


def move_case(user: User, case: Case, move: str, text: str = "") -> Case:
    """One of MOVES by its name; an unknown name is not found."""
    step = MOVES.get(move)
    if step is None:
        raise NotFound(_("没有这个操作"))
    return step(user, case, text)


# -- from a closed request --------------------------------------------------------------------


def draft_from_ticket(ticket: Ticket, *, by: User | None, now: datetime) -> Case | None:
    """A closed request marked worth a case (有案例价值) as a draft for the quality department,
    prefilled from what the request says: the problem, what the resident expected, how it was
    handled. Once per request."""
    if Case.objects.filter(sources=ticket).exists():
        return None
    handled = [
        wo.result.strip()
        for wo in ticket.work_orders.order_by("sequence")
        if (wo.result or "").strip()
    ]
    handling = "\n".join(filter(None, [*handled, (ticket.resolution or "").strip()]))
    scenario = ScenarioText(
        name=(ticket.place or "").strip()[:TITLE_MAX],
        expectation=(ticket.expectation or "").strip()[:TEXT_MAX],
        handling=(handling or _("(请根据诉求的处理过程填写)"))[:TEXT_MAX],
        improvement=(ticket.closure_note or "").strip()[:TEXT_MAX],
    )
    title = " ".join((ticket.description or "").split())
    title = title if len(title) <= 60 else title[:59] + "…"
    case = Case.objects.create(
        company_id=ticket.company_id,
        title=title or ticket.number,
        category=ticket.category,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    _write_scenarios(case, [scenario])
    case.sources.add(ticket)
    _record(case, CaseChange.FROM_TICKET, by, now, ticket.number)
    return case


# -- the starter library ----------------------------------------------------------------------


@transaction.atomic
def load_starter(company: Any, *, now: datetime | None = None) -> int:
    """The starter library (``starter.STARTER``) into ``company``, published: the cases it does
    not have yet (by title and category), so loading twice adds nothing. Returns how many."""
    from .starter import STARTER

    at = clock.resolve(now)
    categories = {c.code: c for c in Category.objects.filter(code__in={e[0] for e in STARTER})}
    have = set(Case.objects.filter(company=company).values_list("title", "category__code"))
    added = 0
    for code, title, scenarios in STARTER:
        category = categories.get(code)
        if category is None or (title, code) in have:
            continue  # a category the company's tree no longer has
        case = Case.objects.create(
            company=company,
            title=title,
            category=category,
            status=CaseStatus.PUBLISHED,
            created_at=at,
            updated_at=at,
            published_at=at,
        )
        _write_scenarios(case, [ScenarioText(*s) for s in scenarios])
        _record(case, CaseChange.PUBLISHED, None, at, _("入门案例库"))
        added += 1
    return added
