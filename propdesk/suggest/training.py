"""Training a company's category model on its own closed requests, and reading the current one.

A model is trained when the company has at least ``min_tickets()`` closed requests in at least
two categories; until then the keyword rules answer (``rules``). A stratified slice of
``HELD_OUT`` is kept out of the fit and the model's top-1 and top-3 accuracy on it recorded.
The stored model is the one that was measured (fitted on the rest), so the figures are its own.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from propdesk.core import clock
from propdesk.org.models import Company
from propdesk.search.segment import words
from propdesk.tickets.choices import Status
from propdesk.tickets.models import Ticket

from . import classifier
from .models import CategoryModel

logger = logging.getLogger(__name__)

#: Share of each category's requests held out to measure the model.
HELD_OUT = 0.2
#: The most recent closed requests a training reads: recent wording matters most, and time and
#: memory stay bounded however long the history is.
MAX_TICKETS = 30_000


def min_tickets() -> int:
    """Closed requests needed before a model is trained (SUGGEST_MIN_TICKETS, default 200)."""
    return int(getattr(settings, "SUGGEST_MIN_TICKETS", os.environ.get("SUGGEST_MIN_TICKETS", 200)))


@dataclass(frozen=True)
class History:
    documents: list[list[str]]
    categories: list[str]
    kinds: list[str]


def history(company: Company, limit: int = MAX_TICKETS) -> History:
    """The words, category and kind of the company's most recent closed requests."""
    rows = (
        Ticket.objects.filter(company=company, status=Status.CLOSED)
        .order_by("-closed_at", "-pk")
        .values_list("description", "expectation", "category__code", "kind")[:limit]
    )
    docs, cats, kinds = [], [], []
    for description, expectation, category, kind in rows.iterator(chunk_size=2000):
        docs.append(words(f"{description} {expectation}", key=company.pk))
        cats.append(category)
        kinds.append(kind)
    return History(docs, cats, kinds)


def split(categories: list[str], *, seed: int = 20) -> tuple[list[int], list[int]]:
    """Indexes of the fit and the held-out slice, stratified by category: ``HELD_OUT`` of each
    category with at least two requests (a category seen once is only fitted on)."""
    by_category: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(categories):
        by_category[code].append(i)
    chooser = random.Random(seed)  # noqa: S311 (a reproducible split, not a secret)
    fit_ids: list[int] = []
    held: list[int] = []
    for code in sorted(by_category):
        ids = by_category[code]
        chooser.shuffle(ids)
        n_held = round(len(ids) * HELD_OUT) if len(ids) >= 2 else 0
        n_held = min(n_held, len(ids) - 1)
        held += ids[:n_held]
        fit_ids += ids[n_held:]
    return sorted(fit_ids), sorted(held)


@dataclass(frozen=True)
class Trained:
    """The result of one training run: the new model, or why there is none."""

    model: CategoryModel | None
    reason: str = ""


def train(company: Company, *, now: datetime | None = None) -> Trained:
    """Train, measure and store a new version of the company's model; or say why not."""
    at = clock.resolve(now)
    data = history(company)
    n, n_categories = len(data.documents), len(set(data.categories))
    if n < min_tickets() or n_categories < 2:
        return Trained(None, f"{n} closed / {n_categories} categories < {min_tickets()} / 2")
    fit_ids, held = split(data.categories)

    def pick(seq: list, ids: list[int]) -> list:
        return [seq[i] for i in ids]

    fitted = classifier.fit(
        pick(data.documents, fit_ids), pick(data.categories, fit_ids), pick(data.kinds, fit_ids)
    )
    scores = classifier.evaluate(
        fitted, pick(data.documents, held), pick(data.categories, held), pick(data.kinds, held)
    )
    blob = classifier.dump(fitted)
    with transaction.atomic():
        # Locks the company's row so that two trainings at once number their versions apart.
        Company.objects.select_for_update().filter(pk=company.pk).first()
        last = CategoryModel.objects.filter(company=company).aggregate(v=Max("version"))["v"]
        model = CategoryModel.objects.create(
            company=company,
            version=(last or 0) + 1,
            trained_at=at,
            n_tickets=len(fit_ids),
            n_held_out=scores.n,
            accuracy_top1=scores.top1,
            accuracy_top3=scores.top3,
            kind_accuracy=scores.kind,
            categories=sorted(set(data.categories)),
            blob=blob,
        )
    logger.info(
        "suggest: %s v%s on %s requests, top-1 %.3f top-3 %.3f",
        company.code, model.version, n, scores.top1, scores.top3,
    )  # fmt: skip
    return Trained(model)


def train_all(*, now: datetime | None = None) -> list[tuple[Company, Trained]]:
    """Every company, one after another (the nightly run)."""
    return [(c, train(c, now=now)) for c in Company.objects.order_by("pk")]


# -- the current model, loaded once per process and version ----------------------------------

_lock = threading.Lock()
_loaded: dict[int, tuple[int, classifier.Fitted]] = {}


@dataclass(frozen=True)
class Current:
    version: int
    fitted: classifier.Fitted


def current(company_id: int) -> Current | None:
    """The company's latest model, or None before the first training. One small query asks for
    the latest version; its arrays are read and loaded only when that version is new here."""
    latest = (
        CategoryModel.objects.filter(company_id=company_id)
        .order_by("-version")
        .values_list("pk", "version")
        .first()
    )
    if latest is None:
        return None
    pk, version = latest
    held = _loaded.get(company_id)
    if held is not None and held[0] == pk:
        return Current(version, held[1])
    blob = CategoryModel.objects.filter(pk=pk).values_list("blob", flat=True).get()
    fitted = classifier.load(blob)
    with _lock:
        _loaded[company_id] = (pk, fitted)
    return Current(version, fitted)


def forget() -> None:
    """Drop the loaded models (tests: a database emptied under a living process)."""
    with _lock:
        _loaded.clear()
