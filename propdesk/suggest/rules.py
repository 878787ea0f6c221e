"""Keyword rules: what answers before a company has enough closed requests to train on.

A category matches the words of its own name and of its parent's (车库道闸 → 车库, 道闸, …, as
the segmenter splits them), and the words residents use for it listed here for the default tree
(``KEYWORDS``; a category an administrator adds is matched by its name alone). A word of the
category's own name counts double: it is the tree's own word for the problem. Kinds match their
own cue words (坏了, 维修 → 报修; 请问 → 咨询 …), a complaint when nothing else does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from propdesk.search.segment import words as segment

#: What residents say of each default category (codes of tickets/migrations/0002).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "HOUSE-LEAK": ("渗漏", "渗水", "漏雨", "屋顶", "天花板", "发霉", "外墙"),
    "HOUSE-CRACK": ("开裂", "裂缝", "裂纹", "墙皮", "空鼓", "脱落"),
    "HOUSE-DOOR": ("门窗", "窗户", "窗框", "入户门", "防盗门", "玻璃"),
    "HOUSE-DECOR": ("装修", "违建", "拆墙", "装修垃圾", "改造"),
    "FAC-WATER": ("水管", "下水道", "堵塞", "返水", "停水", "水压", "爆管", "地漏", "马桶"),
    "FAC-LIGHT": ("灯", "路灯", "照明", "灯泡", "声控灯", "楼道灯", "不亮"),
    "FAC-ELEV": ("电梯", "轿厢", "困人", "电梯困人", "电梯故障", "扶梯", "停梯"),
    "FAC-ACCESS": ("门禁", "门禁卡", "单元门", "刷卡", "人脸识别", "门锁"),
    "FAC-INTERCOM": ("对讲", "可视对讲", "门铃", "对讲机"),
    "FAC-FIRE": ("消防栓", "灭火器", "烟感", "喷淋", "消防设施"),
    "FAC-PUMP": ("水泵", "泵房", "二次供水", "水箱"),
    "FAC-GATE": ("道闸", "车库道闸", "抬杆", "车牌", "识别", "闸杆"),
    "FAC-POWER": ("停电", "跳闸", "电表", "配电", "供电", "电箱"),
    "SEC-GUARD": ("保安", "门岗", "巡逻", "值班", "外来人员"),
    "SEC-FIRE": ("消防通道", "堵占", "电动车", "充电", "飞线", "火灾"),
    "SEC-PARK": ("停车", "车位", "停车位", "占用车位", "占位", "挪车", "乱停"),
    "SEC-CRIME": ("被盗", "偷", "小偷", "盗窃", "打架", "丢失", "监控录像"),
    "ENV-CLEAN": ("保洁", "卫生", "清洁", "打扫", "脏", "垃圾桶", "异味"),
    "ENV-GREEN": ("绿化", "绿化带", "草坪", "树", "修剪", "枯死"),
    "ENV-PEST": ("蟑螂", "老鼠", "蚊子", "虫", "消杀", "白蚁"),
    "ENV-WORKS": ("施工", "噪音", "电钻", "装修噪音", "吵"),
    "ENV-WASTE": ("垃圾清运", "垃圾", "清运", "垃圾站", "分类"),
    "SVC-ATTITUDE": ("态度", "不耐烦", "骂", "服务态度", "挂电话"),
    "SVC-ETIQUETTE": ("礼貌", "仪容", "着装", "不文明"),
    "SVC-ETHICS": ("收红包", "索要", "好处费", "私自"),
    "SVC-LATE": ("没人修", "一直没", "拖", "迟迟", "不及时"),
    "SVC-REPLY": ("没回复", "不回复", "没人理", "回电"),
    "DISP-PET": ("狗", "宠物", "猫", "狗屎", "遛狗", "犬"),
    "DISP-NOISE": ("楼上", "邻居", "吵闹", "半夜", "扰民"),
    "DISP-LEAK": ("楼上漏水", "漏水", "楼上", "滴水"),
    "DISP-THROW": ("高空抛物", "扔", "抛物", "砸"),
    "DEV-A1": ("质量", "交房", "保修", "空鼓", "返修"),
    "DEV-A2": ("退房", "赔偿", "质量问题"),
    "DEV-B1": ("设计", "规范", "不符合"),
    "DEV-B2": ("采光", "户型", "层高", "影响居住"),
    "DEV-B3": ("规划", "小区规划", "配套"),
    "DEV-SALES": ("销售", "承诺", "售楼", "宣传", "虚假"),
    "FEE-MGMT": ("物业费", "管理费", "物业服务费", "催缴"),
    "FEE-PARK": ("停车费", "月租", "临停"),
    "FEE-UTIL": ("水费", "电费", "水电费", "公摊"),
    "FEE-PRICE": ("涨价", "收费标准", "调价"),
    "FEE-REPAIR": ("有偿", "维修费", "收费", "报价"),
}

#: Cue words of each kind, first match in this order decides (a complaint otherwise).
KIND_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "help",
        (
            "救命",
            "急救",
            "晕倒",
            "被困",
            "困人",
            "困在",
            "出不来",
            "着火",
            "火灾",
            "报警",
            "受伤",
            "求助",
        ),
    ),
    ("praise", ("表扬", "感谢", "谢谢", "锦旗", "点赞")),
    ("suggestion", ("建议", "希望增加", "能不能增加", "提议")),
    ("consultation", ("请问", "咨询", "怎么办理", "如何", "多少钱", "什么时候")),
    ("repair", ("坏了", "维修", "修一下", "报修", "不亮", "堵了", "堵塞", "漏水", "故障")),
)


@dataclass(frozen=True)
class Node:
    """A category of the tree as the rules read it."""

    code: str
    name: str
    parent_name: str


def category_words(node: Node) -> dict[str, float]:
    """The rule words of one category and their weights."""
    weights: dict[str, float] = {}
    for word in KEYWORDS.get(node.code, ()):
        weights[word] = 1.0
    for word in segment(node.parent_name):
        weights.setdefault(word, 0.5)
    for word in segment(node.name):
        if len(word) > 1 or word == node.name:  # 门窗 → 门, 窗 would match far too much
            weights[word] = 2.0
    return weights


@lru_cache(maxsize=16)
def rule_table(nodes: tuple[Node, ...]) -> tuple[tuple[str, dict[str, float]], ...]:
    """Each category's rule words, worked out once per tree (the tree is the cache's key, so
    a renamed or added category is a new table)."""
    return tuple((node.code, category_words(node)) for node in nodes)


def rank_categories(
    text_words: Sequence[str], nodes: tuple[Node, ...], *, top: int = 3
) -> list[tuple[str, float]]:
    """The best categories for the words, with a share of the matched weight as confidence;
    empty when no rule word is said."""
    said = set(text_words)
    scores: list[tuple[str, float]] = []
    for code, weights in rule_table(nodes):
        score = sum(w for word, w in weights.items() if word in said)
        if score:
            scores.append((code, score))
    if not scores:
        return []
    total = sum(s for _c, s in scores)
    scores.sort(key=lambda cs: -cs[1])
    return [(code, score / total) for code, score in scores[:top]]


def rank_kind(text: str) -> tuple[str, float]:
    """The kind the cue words point at, and how sure (a guess without any cue)."""
    for kind, cues in KIND_CUES:
        if any(cue in text for cue in cues):
            return kind, 0.6
    return "complaint", 0.3
