"""What a demo ticket is about: a scenario holds the kind, category, the department that acts
and several wordings of each text, with placeholders filled per ticket (place, time, people).

The wording follows the service centre's own records (seed 003's cases: 车位被占, 电梯困人,
门禁坏, 楼道灯不亮 …): a reader should not be able to tell a demo ticket from a real one.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from propdesk.tickets.choices import Kind

HOME, BUILDING, SITE = "home", "building", "site"
RESIDENT, CONTACT, ANONYMOUS = "resident", "contact", "anonymous"


@dataclass(frozen=True)
class Scenario:
    key: str
    kind: str
    category: str
    #: The department that acts: a project department's suffix (CS, ENG, SEC, ENV) or an HQ code.
    dept: str
    #: The matter in a few words, used in replies and notes: "{bld}{unit}电梯故障".
    topic: str
    descriptions: tuple[str, ...]
    expectations: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    where: str = HOME
    place: str = ""
    #: Places that go with each description, when they differ (same order as descriptions).
    places: tuple[str, ...] = ()
    #: Who may plausibly report it; the first is the usual one.
    reporters: tuple[str, ...] = (RESIDENT,)
    #: Who a non-resident reporter is (业主女儿, 访客 …); empty means the general mix.
    contact: str = ""
    #: Channels it usually comes through; empty means the general mix.
    channels: tuple[str, ...] = ()
    #: Wording when a patrol finds it (巡查发现), by description: patrol[i] is what a guard
    #: writes about the matter of descriptions[i]; "" or a missing entry means no patrol finds it.
    patrol: tuple[str, ...] = ()
    elevator: bool = False
    repair_scope: str = ""
    fees: tuple[tuple[str, int], ...] = ()
    material: tuple[str, str, str] | None = None
    help_type: str = ""
    emergency: bool = False
    #: A second department that works on it too (e.g. cleaners after a pipe burst).
    also: str = ""
    #: The department it is sometimes first sent to by mistake, then returned or transferred.
    wrong: str = ""
    #: Share of reports in the evening or at night (noise, leaks, people locked out).
    night: float = 0.1
    answers: tuple[str, ...] = ()
    unhappy: tuple[str, ...] = ()
    suspend: tuple[str, ...] = ()
    #: The company's position and evidence when the resident still disagrees.
    disagreement: tuple[str, ...] = ()
    #: Why it is outside the company's authority, and where the resident was referred.
    beyond: tuple[str, ...] = ()
    #: The nature (有效/协助/无效) found after investigation, for complaints.
    nature: str = ""
    weight: int = 3
    #: Reported by several households at once, so duplicates get merged.
    hot: bool = False
    #: Only an owner raises it (fees of an empty flat, the developer's promises, renting out).
    owners_only: bool = False

    def __post_init__(self) -> None:
        if self.kind not in Kind.values:
            raise ValueError(f"{self.key}: unknown kind {self.kind}")
        if self.kind in (Kind.CONSULTATION, Kind.SUGGESTION, Kind.PRAISE):
            # Nobody calls at midnight to ask about invoices or to say thank you.
            object.__setattr__(self, "night", 0.0)


class Context(dict):
    """Placeholders of one ticket; a missing key is a bug in the texts, so it raises."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"demo text uses unknown placeholder {{{key}}}")


def render(template: str, ctx: Context) -> str:
    return template.format_map(ctx)


def pick(rng: random.Random, options: tuple[str, ...], ctx: Context, default: str = "") -> str:
    if not options:
        return render(default, ctx) if default else ""
    return render(rng.choice(options), ctx)


def aligned(
    rng: random.Random, options: tuple[str, ...], ctx: Context, variant: int, count: int
) -> str:
    """The option that goes with description ``variant`` when a scenario lists one option per
    description (a result that answers that very report); otherwise any option."""
    if len(options) == count and count > 1:
        return render(options[variant], ctx)
    return pick(rng, options, ctx)


def placeholders(template: str) -> set[str]:
    return {name for _t, name, _s, _c in string.Formatter().parse(template) if name}


CN_NUM = ("零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十")
PETS = ("泰迪", "金毛", "柯基", "哈士奇", "柴犬", "比熊", "边牧")
THROWN = ("烟头", "矿泉水瓶", "西瓜皮", "一袋垃圾", "花盆里的泥土", "啤酒罐")
MASTERS = ("李师傅", "陈师傅", "老周", "王师傅", "小何", "张师傅", "刘师傅", "黄师傅")
GUARDS = ("保安员小王", "巡逻岗老李", "保安员小杨", "门岗小陈", "巡逻岗小邓")
CLEANERS = ("保洁员张阿姨", "保洁员刘姐", "保洁员陈阿姨", "保洁员老吴")
KEEPERS = ("管家小陈", "管家小林", "管家阿梅", "管家小苏")
SINCE = ("这两天", "从上周开始", "最近一个星期", "这三四天", "这半个月来", "前天开始")
AGO = ("刚才", "十分钟前", "半小时前", "刚刚")
#: News media by region; 南方都市报 covers both cities.
MEDIA = {
    "SZ": ("《南方都市报》", "《深圳晚报》", "《深圳特区报》", "本地生活类公众号"),
    "GZ": ("《南方都市报》", "《广州日报》", "《羊城晚报》", "本地生活类公众号"),
}
