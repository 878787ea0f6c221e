"""Per-ticket placeholders and the opening of each record: who reported it, and how.

Records in a service centre start the same way every time ("3栋2单元1101业主王先生来电反映:");
the variety is in the matter itself.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from propdesk.residents.choices import Relation
from propdesk.residents.models import Room
from propdesk.tickets.choices import Channel, Kind

from .org import REGIONS, ProjectSpec
from .people import honorific
from .scenarios import (
    AGO,
    CLEANERS,
    CN_NUM,
    GUARDS,
    KEEPERS,
    MASTERS,
    PETS,
    SINCE,
    THROWN,
    Context,
    render,
)

VERBS = {
    Kind.COMPLAINT: "反映",
    Kind.REPAIR: "报修",
    Kind.HELP: "求助",
    Kind.CONSULTATION: "咨询",
    Kind.SUGGESTION: "建议",
    Kind.PRAISE: "表扬",
}
RELATION_WORDS = {Relation.OWNER: "业主", Relation.TENANT: "租户", Relation.FAMILY: "业主家属"}
ANONYMOUS_WHO = ("一位不愿留姓名的住户", "匿名住户", "住户(未留姓名)")
#: Parking rents before and after the rise, per project (元/月).
PARKING_FEES = {"SZHY": (450, 550), "SZJH": (300, 380), "GZLY": (500, 600), "GZTH": (400, 480)}


def plate(rng: random.Random, prefix: str) -> str:
    """粤B·D3K72: the city letter is in the prefix, then five letters or digits."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    tail = "".join(rng.choice(letters + "0123456789") for _ in range(3))
    return f"{prefix}·{rng.choice(letters)}{rng.randint(0, 9)}{tail}"


def _spot(rng: random.Random) -> str:
    return f"B{rng.choice((1, 2))}-{rng.randint(1, 260):03d}"


def part_of_day(local: datetime) -> str:
    hour = local.hour
    if hour < 6:
        return "凌晨"
    if hour < 12:
        return "上午"
    if hour < 18:
        return "下午"
    return "晚上"


def build_context(
    rng: random.Random,
    code: str,
    spec: ProjectSpec,
    room: Room,
    received_at: datetime,
    place_template: str,
) -> Context:
    local = timezone.localtime(received_at)
    floor = room.floor or 1
    top = spec.floors[-1]
    position = int(room.number[-2:])
    fee_old, fee_new = PARKING_FEES[code]
    spot = _spot(rng)
    spot2 = _spot(rng)
    ctx = Context(
        proj=spec.name,
        bld=room.building.name,
        unit=room.unit.name,
        room=room.number,
        home=room.label,
        floor=floor,
        up=f"{min(floor + 1, top)}{position:02d}",
        up_floor=floor + 1 if floor < top else floor - 1,
        gate=rng.choice(spec.gates),
        spot=spot,
        spot2=spot2 if spot2 != spot else _spot(rng),
        plate=plate(rng, REGIONS[spec.region][2]),
        n=CN_NUM[rng.randint(2, 4)],
        days=CN_NUM[rng.randint(2, 6)],
        mins=rng.randint(5, 14),
        since=rng.choice(SINCE),
        ago=rng.choice(AGO),
        part=part_of_day(local),
        master=rng.choice(MASTERS),
        guard=rng.choice(GUARDS),
        cleaner=rng.choice(CLEANERS),
        keeper=rng.choice(KEEPERS),
        month=(local.replace(day=1) - timedelta(days=1)).month,
        fee_old=fee_old,
        fee_new=fee_new,
        pet=rng.choice(PETS),
        thrown=rng.choice(THROWN),
    )
    ctx["place"] = render(place_template, ctx) if place_template else room.label
    return ctx


def who_for_resident(room: Room, relation: str, name: str) -> str:
    return f"{room.label}{RELATION_WORDS.get(relation, '住户')}{honorific(name)}"


def opening(
    rng: random.Random,
    channel: str,
    kind: str,
    who: str,
    *,
    anonymous: bool,
    project_name: str,
    received_at: datetime,
) -> str:
    """The record's first words: who, through which channel, asking what."""
    verb = VERBS[kind]
    if channel == Channel.PHONE:
        return f"{who}来电{verb}:"
    if channel == Channel.VISIT:
        return f"{who}到服务中心前台{verb}:"
    if channel == Channel.LETTER:
        if anonymous:
            return f"意见箱收到匿名来信{verb}:"
        return f"{who}来信{verb}(已电话确认):"
    if channel == Channel.EMAIL:
        return f"{who}发邮件{verb}(已电话确认):"
    if channel == Channel.WEB:
        return f"{who}在业主论坛发帖{verb}:"
    if channel == Channel.WECHAT:
        return rng.choice((f"{who}通过微信公众号{verb}:", f"{who}在微信上向管家{verb}:"))
    if channel == Channel.GOVERNMENT:
        number = f"{timezone.localtime(received_at):%Y%m%d}{rng.randint(1000, 9999)}"
        return f"12345政务服务热线转办(工单号{number}),{who}{verb}:"
    if channel == Channel.MEDIA:
        return f"{who}来电,称接到{project_name}住户爆料:"
    if channel == Channel.CALLBACK:
        return f"例行回访时{who}{verb}:"
    return f"{who}巡查发现:"
