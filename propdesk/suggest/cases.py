"""The published cases of the case library most relevant to what the caller says (SPEC §8:
"agents see the most relevant cases while recording a request").

A case is scored by the words it shares with the text — each weighted by how rare it is among
the company's cases, a word of the title counting double — plus the confidence of its category
among the suggested ones; the scenario that shares most words is the one shown, with its 话术.
The company's cases are segmented once and kept per process until one is published, edited or
withdrawn (one aggregate query tells)."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max

from propdesk.knowledge.choices import CaseStatus
from propdesk.knowledge.models import Case
from propdesk.knowledge.services import published_in
from propdesk.search.segment import words

from .classifier import STOP_WORDS

#: How much a suggested category's confidence adds to a case of that category (a word
#: match scores its idf, about 1–4): a case of the likely category comes first among equals.
CATEGORY_WEIGHT = 3.0
#: Cases that share no word with the text are not shown, whatever their category.
MIN_WORD_SCORE = 1.0


@dataclass(frozen=True)
class ScenarioDoc:
    name: str
    expectation: str
    words_said: str  # 话术
    risk: str
    vocabulary: frozenset[str]


@dataclass(frozen=True)
class CaseDoc:
    pk: int
    title: str
    category_code: str
    parent_code: str
    title_words: frozenset[str]
    scenarios: tuple[ScenarioDoc, ...]


@dataclass(frozen=True)
class Library:
    cases: tuple[CaseDoc, ...]
    idf: dict[str, float]


@dataclass(frozen=True)
class CaseHint:
    pk: int
    title: str
    category_code: str
    scenario: str
    expectation: str
    words: str
    risk: str
    score: float
    category_name: str = ""


_lock = threading.Lock()
_libraries: dict[int, tuple[tuple, Library]] = {}


def _fingerprint(company_id: int) -> tuple:
    seen = Case.objects.filter(company_id=company_id, status=CaseStatus.PUBLISHED).aggregate(
        n=Count("pk"), changed=Max("updated_at"), last=Max("pk")
    )
    return (seen["n"], seen["changed"], seen["last"])


def _build(company_id: int) -> Library:
    docs = []
    df: Counter[str] = Counter()
    for case in published_in(company_id):
        scenarios = tuple(
            ScenarioDoc(
                s.name,
                s.expectation,
                s.words,
                s.risk,
                frozenset(words(f"{s.name} {s.expectation} {s.handling}", key=company_id)),
            )
            for s in case.scenarios.all()
        )
        doc = CaseDoc(
            pk=case.pk,
            title=case.title,
            category_code=case.category.code,
            parent_code=case.category.parent.code if case.category.parent_id else "",
            title_words=frozenset(words(case.title, key=company_id)),
            scenarios=scenarios,
        )
        docs.append(doc)
        df.update(doc.title_words.union(*(s.vocabulary for s in scenarios)))
    n = len(docs)
    idf = {w: math.log((1 + n) / (1 + k)) + 1.0 for w, k in df.items()}
    return Library(tuple(docs), idf)


def library(company_id: int) -> Library:
    mark = _fingerprint(company_id)
    held = _libraries.get(company_id)
    if held is not None and held[0] == mark:
        return held[1]
    built = _build(company_id)
    with _lock:
        _libraries[company_id] = (mark, built)
    return built


def forget() -> None:
    with _lock:
        _libraries.clear()


def relevant_cases(
    company_id: int,
    text_words: Sequence[str],
    categories: Sequence[tuple[str, float]],
    *,
    top: int = 3,
) -> list[CaseHint]:
    """The ``top`` published cases closest to the words, each with its best scenario."""
    lib = library(company_id)
    said = set(text_words) - STOP_WORDS
    if not said or not lib.cases:
        return []
    confidence = dict(categories)
    ranked = []
    for case in lib.cases:
        title_hit = sum(2 * lib.idf.get(w, 1.0) for w in said & case.title_words)
        best, best_score = None, 0.0
        for scenario in case.scenarios:
            score = sum(lib.idf.get(w, 1.0) for w in said & scenario.vocabulary)
            if best is None or score > best_score:
                best, best_score = scenario, score
        word_score = title_hit + best_score
        if word_score < MIN_WORD_SCORE or best is None:
            continue
        boost = max(confidence.get(case.category_code, 0.0), confidence.get(case.parent_code, 0))
        ranked.append((word_score + CATEGORY_WEIGHT * boost, case, best))
    ranked.sort(key=lambda r: (-r[0], r[1].pk))
    return [
        CaseHint(
            pk=case.pk,
            title=case.title,
            category_code=case.category_code,
            scenario=scenario.name,
            expectation=scenario.expectation,
            words=scenario.words_said,
            risk=scenario.risk,
            score=round(score, 3),
        )
        for score, case, scenario in ranked[:top]
    ]
