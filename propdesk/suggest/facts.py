"""The grade facts worth asking about (SPEC §5): what the caller's words hint at that would
change the request's grade — how many residents, a claim, the media, a lawsuit, an injury, a
repeat. The agent asks and records the fact in the form's 性质与定级事实; nothing is set here.

Each hint names a field of the intake form (``tickets.moves.grade_fact_fields``) and the words
that raised it, so the agent sees why it is asked."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

#: field → (cue words, the question to ask). Seed 002's grade rules read these facts.
CUES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "complainant_count",
        ("大家", "业主们", "好几户", "多户", "联名", "集体", "整栋", "全楼", "好多人", "邻居们"),
        gettext_noop("有几户、几位业主一起反映?"),
    ),
    (
        "claimed_amount",
        ("赔偿", "索赔", "赔钱", "损失", "万元", "报销"),
        gettext_noop("业主要求赔偿多少钱?"),
    ),
    (
        "media_exposure",
        ("媒体", "记者", "电视台", "曝光", "微博", "抖音", "网上", "朋友圈", "报社"),
        gettext_noop("是否已经或打算找媒体、发到网上?"),
    ),
    (
        "litigation",
        ("律师", "起诉", "法院", "打官司", "告你们", "律师函"),
        gettext_noop("是否已起诉或打算起诉?"),
    ),
    (
        "government_referral",
        ("12345", "市长热线", "政府", "街道办", "住建局", "信访"),
        gettext_noop("是否由政府部门转办?"),
    ),
    (
        "major_accident",
        ("受伤", "流血", "骨折", "住院", "死亡", "砸伤", "摔伤", "烧毁"),
        gettext_noop("有没有人受伤或财产损失?"),
    ),
    (
        "is_repeat",
        ("又", "再次", "第二次", "第三次", "还是没", "反复", "多次", "上次", "老问题"),
        gettext_noop("是否处理过后又来投诉?原诉求编号是多少?"),
    ),
    (
        "demands_return_or_compensation",
        ("退房", "大额赔偿", "质量问题", "交房"),
        gettext_noop("是否因质量、设计或合同纠纷要求退房或大额赔偿?"),
    ),
    (
        "promise_unmet_raised_again",
        ("答应", "承诺", "说好的", "合同"),
        gettext_noop("是否承诺或合同约定的服务没兑现、多次反映仍未解决?"),
    ),
)


@dataclass(frozen=True)
class FactHint:
    field: str
    question: str
    because: tuple[str, ...]


def worth_asking(text: str) -> list[FactHint]:
    """The facts the text hints at, in the order of the form, with the words that raised them
    (cue words are matched in the text itself: 又 and 12345 are not words the segmenter keeps)."""
    hints = []
    for field, cues, question in CUES:
        found = tuple(cue for cue in cues if cue in text)
        if found:
            hints.append(FactHint(field, str(_(question)), found))
    return hints
