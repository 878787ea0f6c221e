"""Open requests of the same project that look like the same problem: a possible duplicate, or
one more voice of a hot issue.

Two sources, one list: the hot-issue rules' own answer (hotissues' ``similar_open_requests``:
the same category at the same place, or nearly the same text character by character), and the
words the texts share (the segmenter's words, compared as sets: 电梯 停 12楼 says the same as
12楼的电梯停了 though their characters are ordered differently). Each row says why it is listed
and which live hot issue it belongs to, for the one-click link."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from propdesk.hotissues.models import LIVE_STATUSES, HotIssueMember
from propdesk.hotissues.services import similar_open_requests
from propdesk.org.models import User
from propdesk.search.segment import words
from propdesk.tickets.choices import TERMINAL_STATUSES
from propdesk.tickets.models import Ticket

from .classifier import STOP_WORDS

#: Received within this long of now (as the hot-issue rules' rolling window).
WINDOW = timedelta(days=30)
#: The most recent open requests compared word by word: bounds a keystroke's work.
CANDIDATES = 300
#: Share of words (set cosine) from which two texts are listed as alike, and the least number
#: of shared words (two short texts sharing 电梯 alone are not the same problem).
WORD_SIMILARITY = 0.35
MIN_SHARED = 2
SHOWN = 5


@dataclass(frozen=True)
class Alike:
    ticket: Ticket
    why: str  # "place" | "text" | "words"
    score: float
    hot_issue_id: int | None


def _by_words(project_id: int, said: set[str], key: int, at: datetime) -> list[tuple[float, int]]:
    rows = (
        Ticket.objects.filter(project_id=project_id, received_at__gte=at - WINDOW)
        .exclude(status__in=list(TERMINAL_STATUSES))
        .order_by("-received_at", "-pk")
        .values_list("pk", "description")[:CANDIDATES]
    )
    found = []
    for pk, description in rows:
        theirs = set(words(description, key=key)) - STOP_WORDS
        shared = len(said & theirs)
        if shared < MIN_SHARED:
            continue
        score = shared / math.sqrt(len(said) * len(theirs))
        if score >= WORD_SIMILARITY:
            found.append((score, pk))
    found.sort(reverse=True)
    return found


def alike_open_requests(
    user: User,
    *,
    project_id: int,
    company_id: int,
    category_id: int | None,
    building_id: int | None,
    place: str,
    text: str,
    text_words: list[str],
    at: datetime,
) -> list[Alike]:
    """Up to ``SHOWN`` open requests of the project like this one, the most alike first; the
    project is checked against the user's scope by hotissues' query."""
    by_place, by_text = similar_open_requests(
        user, project_id=project_id, category_id=category_id, building_id=building_id,
        place=place, description=text, at=at,
    )  # fmt: skip
    listed: dict[int, Alike] = {}
    for ticket in by_text:
        listed[ticket.pk] = Alike(ticket, "text", 1.0, None)
    said = set(text_words) - STOP_WORDS
    if len(said) >= MIN_SHARED:
        scored = dict((pk, s) for s, pk in _by_words(project_id, said, company_id, at))
        new = [pk for pk in scored if pk not in listed]
        rows = Ticket.objects.select_related("category__parent").in_bulk(new[:SHOWN])
        for pk in new[:SHOWN]:
            listed[pk] = Alike(rows[pk], "words", scored[pk], None)
    for ticket in by_place:
        listed.setdefault(ticket.pk, Alike(ticket, "place", 0.5, None))
    ranked = sorted(listed.values(), key=lambda a: (-a.score, -a.ticket.pk))[:SHOWN]
    hot = dict(
        HotIssueMember.objects.filter(
            ticket_id__in=[a.ticket.pk for a in ranked],
            removed_at=None,
            hot_issue__status__in=list(LIVE_STATUSES),
        ).values_list("ticket_id", "hot_issue_id")
    )
    return [Alike(a.ticket, a.why, a.score, hot.get(a.ticket.pk)) for a in ranked]
