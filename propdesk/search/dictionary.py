"""Each company's words (``DictionaryWord``) as its segmenter's dictionary, read once per
process and checked again at most every ``CHECK_SECONDS``.

A change made in this process (``services.add_word`` / ``remove_word``, the admin) is seen at
once (``forget``); one made in another process (another web worker, the admin on another
node) within ``CHECK_SECONDS``: the check reads the company's word count and last id, and a
different answer rebuilds the segmenter. A company without words of its own shares the
property dictionary's segmenter (key None), so most processes build one segmenter only.
"""

from __future__ import annotations

import threading
import time

from . import segment
from .models import DictionaryWord

CHECK_SECONDS = 60.0

_lock = threading.Lock()
#: company id → (checked at, fingerprint, words)
_known: dict[int, tuple[float, tuple[int, int], tuple[str, ...]]] = {}


def _fingerprint(company_id: int) -> tuple[int, int]:
    rows = DictionaryWord.objects.filter(company_id=company_id)
    count = rows.count()
    last = rows.order_by("-pk").values_list("pk", flat=True).first() or 0
    return count, last


def words_of(company_id: int | None) -> tuple[str, ...]:
    """The company's own words (none for no company)."""
    if company_id is None:
        return ()
    now = time.monotonic()
    known = _known.get(company_id)
    if known is not None and now - known[0] < CHECK_SECONDS:
        return known[2]
    fingerprint = _fingerprint(company_id)
    if known is not None and known[1] == fingerprint:
        _known[company_id] = (now, fingerprint, known[2])
        return known[2]
    words = tuple(
        DictionaryWord.objects.filter(company_id=company_id)
        .order_by("word")
        .values_list("word", flat=True)
    )
    with _lock:
        segment.forget(company_id)
        _known[company_id] = (now, fingerprint, words)
    return words


def cut(text: str, company_id: int | None) -> list[str]:
    """The words of ``text`` as the company's segmenter cuts them (search mode)."""
    extra = words_of(company_id)
    if not extra:
        return segment.words(text)
    return segment.words(text, key=company_id, extra=extra)


def forget(company_id: int | None = None) -> None:
    """Read the company's words again at the next cut (all companies' when None)."""
    with _lock:
        if company_id is None:
            for key in list(_known):
                segment.forget(key)
            _known.clear()
        else:
            _known.pop(company_id, None)
            segment.forget(company_id)
