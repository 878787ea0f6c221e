"""Suggestions while an agent records a request (issue 20 §3): the likely category and kind, the
grade facts worth asking about, open requests that look like the same problem, and the most
relevant published cases with their 话术. The agent's choice is always theirs: nothing here
changes a request.

The intake page, the API and the benchmark all call ``suggest``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput, NotFound
from propdesk.org.models import Project, User
from propdesk.residents.models import Room
from propdesk.search.segment import words
from propdesk.tickets.choices import Kind
from propdesk.tickets.models import Category

from . import rules, training
from .cases import CaseHint, relevant_cases
from .facts import FactHint, worth_asking
from .models import Source
from .similar import Alike, alike_open_requests

#: Texts longer than this are cut before suggesting (the description's limit is 2000; the first
#: part says what the problem is, and a keystroke's work stays bounded).
TEXT_LIMIT = 1000
#: Fewer characters than this say too little to suggest anything.
MIN_TEXT = 2
TOP = 3
#: Below this confidence in its first category the model gives way to a matching keyword rule.
MODEL_MIN_CONFIDENCE = 0.3


@dataclass(frozen=True)
class CategoryHint:
    code: str
    name: str
    confidence: float


@dataclass(frozen=True)
class Suggestions:
    project: Project | None
    source: str  # Source: "model" or "rules"
    model_version: int | None
    categories: list[CategoryHint] = field(default_factory=list)
    kind: str = ""
    kind_label: str = ""
    kind_confidence: float = 0.0
    facts: list[FactHint] = field(default_factory=list)
    similar: list[Alike] = field(default_factory=list)
    cases: list[CaseHint] = field(default_factory=list)
    #: category code → its full name, for the cases and similar requests shown.
    names: dict[str, str] = field(default_factory=dict)


def category_tree() -> tuple[tuple[rules.Node, ...], dict[str, Category]]:
    """The active categories an agent can choose (the second level) and all by code."""
    rows = list(Category.objects.filter(is_active=True).select_related("parent"))
    by_code = {c.code: c for c in rows}
    nodes = tuple(
        rules.Node(c.code, c.name, c.parent.name)
        for c in sorted(rows, key=lambda c: c.code)
        if c.parent is not None and c.parent.is_active
    )
    return nodes, by_code


def classify(
    company_id: int, text: str, text_words: list[str], nodes: tuple[rules.Node, ...]
) -> tuple[str, int | None, list[tuple[str, float]], tuple[str, float]]:
    """(source, model version, top categories with confidence, (kind, confidence)): the
    company's model when it has one and knows some of the words, else the keyword rules."""
    choosable = {n.code for n in nodes}
    by_rules = rules.rank_categories(text_words, nodes, top=TOP)
    model = training.current(company_id)
    if model is not None:
        x = model.fitted.features(text_words)
        ranked = [
            (code, p)
            for code, p in (model.fitted.category.probabilities(x) if x else [])
            if code in choosable
        ][:TOP]
        # A model unsure of every category it knows (the words are new to it, or only small
        # words like 了 matched) gives way to a rule that names the problem.
        if ranked and (ranked[0][1] >= MODEL_MIN_CONFIDENCE or not by_rules):
            kind = model.fitted.kind.probabilities(x)[0]
            return Source.MODEL, model.version, ranked, kind
    return Source.RULES, None, by_rules, rules.rank_kind(text)


def project_for(user: User, code: str) -> Project:
    """A project of the user's scope by its code (the door: ``for_user``)."""
    if not (code or "").strip():
        raise InvalidInput(_("请选择项目"), field="project")
    project = Project.objects.for_user(user).filter(code=code.strip()).first()
    if project is None:
        raise NotFound(_("项目 %(code)s 不存在或不在您的数据范围内") % {"code": code})
    return project


def suggest(
    user: User,
    *,
    project: Project | None,
    text: str,
    category: str = "",
    room_id: int | None = None,
    place: str = "",
    now: datetime | None = None,
) -> Suggestions:
    """Everything the intake shows for ``text`` in ``project`` (already checked against the
    user's scope by ``project_for``, or None before the agent has chosen one: then there are no
    open requests to compare with, and the company is the user's). ``category`` is the agent's
    own choice, when made: the similar requests are then looked for in it rather than in the
    suggested one."""
    at = clock.resolve(now)
    text = (text or "").strip()[:TEXT_LIMIT]
    nodes, by_code = category_tree()
    names = {code: c.full_name for code, c in by_code.items()}
    company_id = project.company_id if project is not None else user.company_id
    if len(text) < MIN_TEXT or company_id is None:
        return Suggestions(project, Source.RULES, None, names=names)
    text_words = words(text, key=company_id)
    source, version, ranked, (kind, kind_p) = classify(company_id, text, text_words, nodes)
    categories = [CategoryHint(code, names[code], round(p, 3)) for code, p in ranked]
    chosen = by_code.get(category) or (by_code.get(ranked[0][0]) if ranked else None)
    similar = []
    if project is not None:
        room = Room.objects.for_user(user).filter(pk=room_id).first() if room_id else None
        similar = alike_open_requests(
            user, project_id=project.pk, company_id=company_id,
            category_id=chosen.pk if chosen else None,
            building_id=room.building_id if room else None,
            place=place, text=text, text_words=text_words, at=at,
        )  # fmt: skip
    return Suggestions(
        project=project,
        source=source,
        model_version=version,
        categories=categories,
        kind=kind,
        kind_label=str(Kind(kind).label) if kind in Kind.values else "",
        kind_confidence=round(kind_p, 3),
        facts=worth_asking(text),
        similar=similar,
        cases=[
            replace(c, category_name=names.get(c.category_code, ""))
            for c in relevant_cases(company_id, text_words, ranked)
        ],
        names=names,
    )
