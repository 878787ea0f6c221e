"""A hand-made survey world (no tests here): households of two projects, some lived in, some
empty, one moved out; a campaign run through its moves; answers whose rates are worked out by
hand in ``test_results``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from conftest import make_room, make_user
from propdesk.org.choices import OfficerTitle, Role, ScopeLevel
from propdesk.org.models import CompanyOfficer
from propdesk.residents.models import Residency, Resident, Room
from propdesk.surveys import services
from propdesk.surveys.models import Campaign, Invitation

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The conftest's ``now``: Wednesday 2026-09-09 10:00 in Shanghai.
T0 = datetime(2026, 9, 9, 10, 0, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)
PERIOD = (date(2026, 9, 1), date(2026, 9, 30))

#: The questionnaire: (service area, item) in order.
ITEMS = [
    ("customer_service", "前台接待态度"),
    ("customer_service", "投诉处理及时"),
    ("engineering", "报修响应速度"),
    ("cleaning", "公共区域清洁"),
]

VS, S, BS, D, VD, NA = (
    "very_satisfied",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "very_dissatisfied",
    "",
)


def household(project, building: str, unit: str, number: str, *, people: int = 1, moved_out=False):
    """A room; lived in by ``people`` residents, or by nobody now when ``moved_out``."""
    room = make_room(project, building, unit, number)
    for n in range(people):
        resident = Resident.objects.create(
            company=project.company, name=f"住户{number}-{n}", phone=f"139{room.pk:04d}{n:04d}"
        )
        Residency.objects.create(
            resident=resident, room=room, relation="owner", is_active=not moved_out
        )
    return room


def population(world) -> dict[str, Room]:
    """华苑 (SZHY): six households lived in (one by two people), one empty room, one whose
    owner moved out. 丽苑 (GZLY): four lived in, one empty. Keys are short names."""
    p, q = world.project, world.other_project
    rooms = {
        "A": world.room,  # 3栋2单元1101, 张伟
        "B": household(p, "3", "2", "1102", people=2),
        "C": household(p, "3", "2", "1103"),
        "D": household(p, "3", "1", "0101"),
        "G": household(p, "5", "1", "0201"),
        "H": household(p, "5", "1", "0202"),
        "E": world.other_room,  # 1栋1单元0201, 李娜
        "F": household(q, "1", "1", "0202"),
        "I": household(q, "1", "1", "0203"),
        "J": household(q, "2", "1", "0101"),
    }
    rooms["empty"] = make_room(p, "3", "2", "1104")
    rooms["moved_out"] = household(p, "5", "1", "0203", moved_out=True)
    rooms["other_empty"] = make_room(q, "2", "1", "0102")
    return rooms


def run_campaign(
    world,
    *,
    name: str = "2026年下半年满意度调查",
    projects=None,
    items=ITEMS,
    period=PERIOD,
    at: datetime = T0 - HOUR,
    until: str = "issued",
) -> Campaign:
    """A campaign by HQ (a department's plan) over ``projects`` (default both), taken through
    its moves up to ``until`` (draft, submitted, approved, issued, closed); approved by the
    designated management representative, or by the administrator standing in."""
    hq = world.hq
    projects = [world.project, world.other_project] if projects is None else projects
    campaign = services.create_campaign(
        hq,
        name=name,
        purpose="了解业主对物业服务的满意程度",
        population="全部已入住业主",
        period_start=period[0],
        period_end=period[1],
        project_ids=[p.pk for p in projects],
        now=at,
    )
    for area, text in items:
        services.add_item(hq, campaign.pk, area=area, text=text)
    steps = [
        ("submitted", lambda: services.submit(hq, campaign.pk, now=at)),
        ("approved", lambda: approve_plan(world, campaign.pk, at=at)),
        ("issued", lambda: services.issue(hq, campaign.pk, now=at)),
        ("closed", lambda: services.close(hq, campaign.pk, now=at)),
    ]
    for status, step in steps:
        if until == "draft":
            break
        step()
        if status == until:
            break
    campaign.refresh_from_db()
    return campaign


def designate(world) -> SimpleNamespace:
    """The company's officers (seed 001 篇4), company-wide: the management representative
    (钟代表, quality), the general manager (高总, HQ) and a deputy (林副总, HQ)."""
    company = world.company
    people = SimpleNamespace(
        mr=make_user("mr", Role.QUALITY, company, scope_level=ScopeLevel.COMPANY),
        gm=make_user("gm", Role.HQ, company, scope_level=ScopeLevel.COMPANY),
        deputy=make_user("deputy", Role.HQ, company, scope_level=ScopeLevel.COMPANY),
    )
    for user, title in (
        (people.mr, OfficerTitle.MANAGEMENT_REPRESENTATIVE),
        (people.gm, OfficerTitle.GENERAL_MANAGER),
        (people.deputy, OfficerTitle.DEPUTY_GENERAL_MANAGER),
    ):
        CompanyOfficer.objects.create(company=company, user=user, title=title)
    return people


def acting_officer(world, campaign: Campaign):
    """Who takes the step the plan waits for: its designated officer, else the administrator
    standing in."""
    step = services.plan_step(campaign)
    return step.person or world.admin


def approve_plan(world, pk: int, *, at: datetime | None = None) -> Campaign:
    """Walk a submitted plan through its approval steps (review, then approval), each by the
    person who must take it."""
    campaign = Campaign.objects.get(pk=pk)
    while campaign.status != "approved":
        step = services.plan_step(campaign)
        move = services.review if step.move == "review" else services.approve
        campaign = move(acting_officer(world, campaign), pk, now=at)
    return campaign


def token_of(campaign: Campaign, room: Room) -> str:
    return Invitation.objects.get(campaign=campaign, room=room).token


def answer(campaign: Campaign, room: Room, levels: list[str], *, at: datetime = T0, comment=""):
    """The household answers from its link: ``levels`` in questionnaire order ("" = skipped)."""
    items = list(campaign.items.order_by("order", "pk"))
    answers = [services.Answer(i.pk, level) for i, level in zip(items, levels, strict=True)]
    return services.answer_by_link(token_of(campaign, room), answers, comment=comment, now=at)


#: The hand-made answers (items in order: 前台接待态度, 投诉处理及时, 报修响应速度, 公共区域清洁).
#: D returned the questionnaire without answering anything; G, H, I, J did not answer.
ANSWERS = {
    "A": [VS, S, D, BS],
    "B": [S, BS, VD, NA],
    "C": [BS, D, D, S],
    "D": [NA, NA, NA, NA],
    "E": [VS, VS, S, D],
    "F": [D, NA, VD, VS],
}


def answered_campaign(world, rooms: dict[str, Room], **kwargs) -> Campaign:
    campaign = run_campaign(world, **kwargs)
    for key, levels in ANSWERS.items():
        answer(campaign, rooms[key], levels)
    return campaign
