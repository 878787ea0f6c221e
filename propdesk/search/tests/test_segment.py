"""Segmentation: the property words stay whole and still yield their parts, and rjieba
segments as jieba does (the reason we use it, see segment.py)."""

import jieba
import pytest

from propdesk.search import segment

SENTENCES = [
    "3栋2单元电梯困人,住户被困20分钟,要求物业给说法",
    "楼上漏水导致我家天花板发霉",
    "车库道闸坏了,车进不去地下车库",
    "停车位被别人占用了好几天",
    "可视对讲没有声音,门禁卡也刷不开单元门",
    "有人高空抛物,砸坏了楼下的车",
    "卫生间下水道堵塞返水",
]


@pytest.mark.parametrize("word", segment.PROPERTY_WORDS)
def test_a_property_word_is_one_word_and_its_parts_are_found_too(word):
    found = segment.words(f"业主反映{word}的问题")
    assert word in found


def test_a_long_word_also_yields_the_short_words_a_resident_searches_by():
    found = segment.words("电梯困人")
    assert {"电梯", "电梯困人"} <= set(found)
    assert {"楼上", "漏水"} <= set(segment.words("楼上漏水"))


def test_rjieba_segments_as_jieba_does_on_the_property_texts():
    reference = jieba.Tokenizer()
    for word in segment.PROPERTY_WORDS:
        reference.add_word(word)
    for sentence in SENTENCES:
        expected = [
            w
            for w in (t.strip() for t in reference.cut_for_search(segment.normalise(sentence)))
            if w and not segment._NOT_A_WORD.match(w)
        ]
        assert segment.words(sentence) == expected


def test_punctuation_is_no_word_and_full_width_letters_are_half_width():
    assert segment.words("ＡＢＣ，!!  ") == ["abc"]


def test_a_company_dictionary_word_stays_whole_only_for_that_company():
    segment.forget("company-x")
    assert "云端会所" not in segment.words("云端会所漏水")
    assert "云端会所" in segment.words("云端会所漏水", key="company-x", extra=["云端会所"])
    assert "云端会所" not in segment.words("云端会所漏水")
    segment.forget("company-x")
