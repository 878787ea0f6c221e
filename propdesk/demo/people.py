"""Residents (一户一档) and staff. Names, phones and notes are drawn from lists so that a few
hundred households read like a real estate's archive, not like test fixtures."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from propdesk.org.choices import OfficerTitle, ScopeLevel
from propdesk.org.models import Company, CompanyOfficer, Department, User
from propdesk.residents.choices import ContactChannel, Relation
from propdesk.residents.models import Residency, Resident, Room

from .logins import DEMO_LOGINS, DemoLogin
from .org import OrgData

# Common surnames roughly by frequency in Guangdong and nationally; repeats weight them.
SURNAMES = (
    "王王李李张张刘刘陈陈陈杨黄黄赵吴周徐孙马朱胡郭何何高林林罗郑梁梁谢宋唐许韩冯邓曹彭"
    "曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦"
    "邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤区麦冼温"
)
COMPOUND_SURNAMES = ("欧阳", "司徒", "上官", "诸葛")
GIVEN_MALE = (
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "斌",
    "超",
    "明",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "建国",
    "志强",
    "国华",
    "文杰",
    "俊杰",
    "家豪",
    "志明",
    "永康",
    "浩然",
    "子轩",
    "宇航",
    "振华",
    "德明",
    "卫东",
    "建军",
    "海波",
    "晓东",
    "锦荣",
    "耀祖",
    "伟明",
    "嘉俊",
    "天佑",
    "国强",
    "立新",
    "少华",
    "春生",
    "宏伟",
    "新民",
    "博文",
    "梓豪",
    "展鹏",
)
GIVEN_FEMALE = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "燕",
    "玲",
    "婷",
    "洁",
    "琳",
    "颖",
    "倩",
    "秀英",
    "桂英",
    "玉兰",
    "丽华",
    "美玲",
    "晓燕",
    "雪梅",
    "慧敏",
    "婉婷",
    "诗琪",
    "嘉欣",
    "紫涵",
    "雨桐",
    "佳怡",
    "淑贞",
    "凤仪",
    "丽萍",
    "惠芬",
    "翠屏",
    "碧霞",
    "小红",
    "春梅",
    "晓琳",
    "思颖",
    "欣怡",
    "梦瑶",
    "海燕",
    "月娥",
    "少芬",
)
FEMALE_GIVEN = frozenset(GIVEN_FEMALE)
GUARD_TITLES = ("秩序维护员", "巡逻岗", "巡逻岗", "保安员")
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
)
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "foxmail.com", "hotmail.com")
CONTACT_TIMES = (
    "",
    "",
    "",
    "",
    "工作日晚上7点以后",
    "上午10点以后",
    "周末全天",
    "中午12点到2点不要打电话",
    "白天上班,下午6点后方便",
    "随时",
    "晚上9点前",
)
#: Archive notes and how often they occur (一户一档 notes a service centre actually keeps).
OWNER_NOTES = (
    ("独居老人,子女在外地,紧急情况请联系备用电话", 4),
    ("不用微信,请电话联系", 5),
    ("听力不好,电话里请说慢一点、大声一点", 2),
    ("行动不便,坐轮椅出行", 1),
    ("业主委员会委员", 2),
    ("楼长,热心公益", 1),
    ("常年在香港工作,房屋由家人代管", 1),
    ("家有婴儿,中午及晚上9点后勿扰", 2),
    ("对车位问题较为敏感,曾多次反映", 1),
    ("只讲粤语", 2),
    ("要求上门前先电话预约", 3),
)
TENANT_NOTES = (
    ("租期至明年6月", 2),
    ("公司租赁宿舍,联系人为行政", 1),
    ("新入住租户,尚未办理门禁卡", 1),
    ("不用微信,请电话联系", 1),
)
#: People the estate treats as key customers (重点客户): committee members, frequent complainers.
FAMILY_NOTES = (
    ("不用微信,请电话联系", 1),
    ("只讲粤语", 1),
    ("白天在家,可预约上门", 2),
)
KEY_CUSTOMER_NOTES = {"业主委员会委员", "对车位问题较为敏感,曾多次反映", "楼长,热心公益"}
EMPTY_ROOM_NOTES = ("房屋空置,业主暂未入住", "空置房,业主在外地,钥匙未寄存")
RENTED_OWNER_NOTES = ("房屋出租,业主不在本小区居住", "房屋出租中,有事可先联系租户")


@dataclass
class Household:
    """Who may report from a room: the person living there first."""

    room: Room
    members: list[Resident] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)


@dataclass
class People:
    households: dict[str, list[Household]]  # by project code; occupied rooms only
    staff: dict[str, User]  # by username
    residents: int = 0


class NameMaker:
    """Chinese names and mobile numbers, unique within the demo."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.phones: set[str] = set()

    def name(self, female: bool | None = None) -> str:
        rng = self.rng
        if female is None:
            female = rng.random() < 0.5
        for _ in range(50):
            surname = (
                rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.015 else rng.choice(SURNAMES)
            )
            name = surname + rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
            if name not in self.names:
                self.names.add(name)
                return name
        return name  # a rare duplicate name is realistic too

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number


def honorific(name: str) -> str:
    """王先生 / 陈女士: how a record names a caller; the given name tells the likely sex."""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + ("女士" if name[len(surname) :] in FEMALE_GIVEN else "先生")


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _resident(
    company: Company,
    names: NameMaker,
    rng: random.Random,
    *,
    note_pool: tuple[tuple[str, int], ...],
    note_rate: float,
) -> Resident:
    name = names.name()
    notes = _weighted(rng, note_pool) if rng.random() < note_rate else ""
    no_wechat = "微信" in notes
    preferred = (
        ContactChannel.PHONE
        if no_wechat
        else rng.choices(
            [ContactChannel.PHONE, ContactChannel.WECHAT, ContactChannel.SMS, ContactChannel.EMAIL],
            weights=[50, 38, 8, 4],
        )[0]
    )
    email = ""
    if preferred == ContactChannel.EMAIL or rng.random() < 0.12:
        email = f"{rng.choice('abcdefghjklmnpqrstwxyz')}{rng.randrange(10**5, 10**9)}@{rng.choice(EMAIL_DOMAINS)}"
    return Resident(
        company=company,
        name=name,
        phone=names.phone(),
        phone2=names.phone() if "子女" in notes or rng.random() < 0.06 else "",
        email=email,
        preferred_contact=preferred,
        contact_times=rng.choice(CONTACT_TIMES),
        notes=notes,
        is_key_customer=notes in KEY_CUSTOMER_NOTES or rng.random() < 0.02,
    )


def create_residents(org: OrgData, rng: random.Random, today: date) -> People:
    """One file per household: owners, tenants and family members linked to their rooms."""
    names = NameMaker(rng)
    company = org.company
    plan: list[tuple[Room, list[tuple[Resident, str, bool]]]] = []
    for data in org.projects.values():
        for room in data.rooms:
            owner = _resident(company, names, rng, note_pool=OWNER_NOTES, note_rate=0.22)
            if not room.is_occupied:
                owner.notes = rng.choice(EMPTY_ROOM_NOTES)
                plan.append((room, [(owner, Relation.OWNER, False)]))
                continue
            if rng.random() < 0.2:
                # Rented out: the tenant lives there and is the one who calls.
                owner.notes = rng.choice(RENTED_OWNER_NOTES)
                owner.is_key_customer = False
                tenant = _resident(company, names, rng, note_pool=TENANT_NOTES, note_rate=0.3)
                members = [(tenant, Relation.TENANT, True), (owner, Relation.OWNER, False)]
            else:
                members = [(owner, Relation.OWNER, True)]
                if "独居" not in owner.notes and rng.random() < 0.3:
                    family = _resident(company, names, rng, note_pool=FAMILY_NOTES, note_rate=0.1)
                    family.is_key_customer = False
                    members.append((family, Relation.FAMILY, True))
            plan.append((room, members))

    created = Resident.objects.bulk_create([r for _room, ms in plan for r, _rel, _a in ms])
    iterator = iter(created)
    residencies = []
    households: dict[str, list[Household]] = {code: [] for code in org.projects}
    codes = {data.project.pk: code for code, data in org.projects.items()}
    for room, members in plan:
        household = Household(room)
        for _resident_unsaved, relation, active in members:
            resident = next(iterator)
            since = today - timedelta(days=rng.randint(60, 365 * 9))
            residencies.append(
                Residency(
                    resident=resident, room=room, relation=relation, is_active=active, since=since
                )
            )
            if active:
                household.members.append(resident)
                household.relations.append(relation)
        if household.members:
            households[codes[room.project_id]].append(household)
    Residency.objects.bulk_create(residencies)
    return People(households=households, staff={}, residents=len(created))


def create_staff(org: OrgData) -> dict[str, User]:
    """The accounts of DEMO_LOGINS, with their role, department and scope."""
    departments = {d.code: d for d in Department.objects.filter(company=org.company)}
    # Hashing is deliberately slow (hundreds of ms); hash each distinct password once.
    hashes: dict[str, str] = {}
    users: dict[str, User] = {}
    phones = NameMaker(random.Random(7))
    for login in DEMO_LOGINS:
        if login.password not in hashes:
            hashes[login.password] = make_password(login.password)
        users[login.username] = _staff_user(login, org, departments, hashes[login.password])
        users[login.username].phone = phones.phone()
    created = User.objects.bulk_create(users.values())
    users = {u.username: u for u in created}
    links = []
    through = User.scope_projects.through
    for login in DEMO_LOGINS:
        if login.scope_level == ScopeLevel.PROJECTS:
            links.append(
                through(
                    user_id=users[login.username].pk,
                    project_id=org.projects[login.project].project.pk,
                )
            )
    through.objects.bulk_create(links)
    return users


def _staff_user(
    login: DemoLogin, org: OrgData, departments: dict[str, Department], password_hash: str
) -> User:
    is_admin = login.username == "admin"
    return User(
        username=login.username,
        password=password_hash,
        display_name=login.display_name,
        role=login.role,
        company=org.company,
        department=departments.get(login.department),
        scope_level=login.scope_level,
        scope_region=org.regions.get(login.region),
        # The administrator configures everything through /admin/.
        is_staff=is_admin,
        is_superuser=is_admin,
    )


#: Who holds the company's titles (seed 001 篇4), by demo user name.
OFFICERS = (
    ("gm", OfficerTitle.GENERAL_MANAGER),
    ("dgm", OfficerTitle.DEPUTY_GENERAL_MANAGER),
    ("mr", OfficerTitle.MANAGEMENT_REPRESENTATIVE),
)


def designate_officers(org: OrgData, staff: dict[str, User]) -> None:
    """The general manager, a deputy and the management representative of the demo company:
    survey plans wait for them and the analysis reports go to them."""
    CompanyOfficer.objects.bulk_create(
        CompanyOfficer(company=org.company, user=staff[username], title=title)
        for username, title in OFFICERS
    )
