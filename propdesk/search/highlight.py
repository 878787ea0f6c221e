"""The matched words of a result shown in a short piece of its text, each in ``<mark>``.

The text is the user's (a resident's words, an agent's note): every piece of it is escaped
before the marks are put around the matches, and only the result of that is marked safe."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import segment

#: Characters of text shown around the first match.
WIDTH = 60


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    # Longest first, so that 电梯困人 is marked whole rather than as 电梯 then 困人.
    kept = sorted({w for w in words if w}, key=len, reverse=True)
    if not kept:
        return None
    return re.compile("|".join(re.escape(w) for w in kept), re.IGNORECASE)


def first_match(texts: Iterable[str], words: Sequence[str]) -> str | None:
    """The first of ``texts`` that holds one of ``words`` (None if none does)."""
    pattern = _pattern(words)
    if pattern is None:
        return None
    for text in texts:
        if text and pattern.search(segment.normalise(text)):
            return text
    return None


def snippet(text: str, words: Sequence[str], *, width: int = WIDTH) -> SafeString:
    """Up to ``width`` characters of ``text`` around its first match, escaped, with every
    match of ``words`` in ``<mark>``; "…" where the text was cut."""
    text = " ".join((text or "").split())
    # Matching runs on the normalised text (full-width letters half-width, lower case), as the
    # index does; NFKC can change lengths, in which case the text is matched as typed.
    probe = segment.normalise(text)
    if len(probe) != len(text):
        probe = text
    pattern = _pattern(words)
    start = 0
    if pattern is not None and (found := pattern.search(probe)):
        start = max(0, found.start() - width // 4)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    out = ["…"] if start > 0 else []
    at = start
    if pattern is not None:
        for match in pattern.finditer(probe, start, end):
            if match.end() > end:
                break
            out.append(escape(text[at : match.start()]))
            out.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
            at = match.end()
    out.append(escape(text[at:end]))
    if end < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - every piece of user text above is escaped
