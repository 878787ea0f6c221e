"""Chinese text into words for search and suggestions (DESIGN.md "search").

Segmentation is jieba's search mode: every word of the text and, for a long word, its shorter
words as well (电梯困人 → 电梯, 困人, 电梯困人), so a query of one short word finds the long
one. rjieba (the jieba-rs binding) gives the same tokens as jieba on our texts and is about
15x faster; search/tests compare the two on the property dictionary.

Each company may extend the property dictionary with its own words, so each company has its
own segmenter (an ``rjieba.Jieba`` holds its own dictionary); they are built once per process
and rebuilt when the dictionary changes (``forget``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

import rjieba

#: The words of property service that jieba's general dictionary splits or misses: a word
#: here stays one token (and, in search mode, also yields its parts).
PROPERTY_WORDS: tuple[str, ...] = (
    "电梯困人",
    "电梯故障",
    "高空抛物",
    "车库道闸",
    "可视对讲",
    "楼上漏水",
    "水管漏水",
    "停车位",
    "占用车位",
    "消防通道",
    "消防栓",
    "化粪池",
    "二次供水",
    "物业费",
    "管理费",
    "业委会",
    "装修噪音",
    "垃圾清运",
    "门禁卡",
    "单元门",
    "外墙脱落",
    "地下车库",
    "监控录像",
    "绿化带",
    "下水道",
    "堵塞",
    "返水",
    "渗水",
    "停水",
    "停电",
    # The short words residents search by inside the long ones above: jieba's general
    # dictionary lacks them, so alone they fall into single characters (道闸 → 道, 闸) that
    # the long word's search-mode parts (车库, 车库道闸) never hold.
    "道闸",
    "困人",
    "对讲",
)

#: What is not a word: punctuation, spaces, symbols (kept out of the index and queries).
_NOT_A_WORD = re.compile(r"^[\W_]+$", re.UNICODE)

_lock = threading.Lock()
_segmenters: dict[object, rjieba.Jieba] = {}


def _build(extra: Iterable[str]) -> rjieba.Jieba:
    segmenter = rjieba.Jieba()
    for word in (*PROPERTY_WORDS, *extra):
        segmenter.add_word(word, None, None)
    return segmenter


def segmenter(key: object = None, extra: Iterable[str] = ()) -> rjieba.Jieba:
    """The segmenter of one dictionary (``key``: a company's id, or None for the property
    dictionary alone), built on first use with ``extra`` words added."""
    found = _segmenters.get(key)
    if found is None:
        with _lock:
            found = _segmenters.get(key)
            if found is None:
                found = _segmenters[key] = _build(extra)
    return found


def forget(key: object = None) -> None:
    """Drop a built segmenter (its dictionary changed): the next use builds it again."""
    with _lock:
        _segmenters.pop(key, None)


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width, lower case: ＡＢＣ１ and abc1 are one word."""
    return unicodedata.normalize("NFKC", text or "").lower()


def words(text: str, *, key: object = None, extra: Iterable[str] = ()) -> list[str]:
    """The words of ``text`` in search mode, in order, punctuation and spaces left out."""
    found = segmenter(key, extra).cut_for_search(normalise(text))
    return [w for w in (t.strip() for t in found) if w and not _NOT_A_WORD.match(w)]
