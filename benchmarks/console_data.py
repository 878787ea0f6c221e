"""The realistic database behind benchmarks/console_bench.py: one company, ten projects,
staff, rooms and residents, and N tickets over a year with work orders, clocks, events and
callbacks, loaded with INSERT … SELECT (no per-row Python)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0
STARTED = time.perf_counter()

PROJECTS = [
    ("SZHY", "华苑"),
    ("SZLY", "丽苑"),
    ("SZJH", "锦华园"),
    ("SZBY", "碧云轩"),
    ("SZTH", "天和苑"),
    ("SZXH", "星河湾"),
    ("SZMJ", "名郡"),
    ("SZHC", "海辰阁"),
    ("SZYL", "御林府"),
    ("SZQS", "清水湾"),
]
DEPARTMENTS = [
    ("CS", "客服中心", "customer_service"),
    ("ENG", "工程部", "engineering"),
    ("SEC", "保安部", "security"),
    ("ENV", "环境部", "environment"),
]
BUILDINGS, UNITS, FLOORS, ROOMS_PER_FLOOR = 3, 2, 5, 2
ROOMS_PER_PROJECT = BUILDINGS * UNITS * FLOORS * ROOMS_PER_FLOOR

#: Share of tickets per top-level category (the active leaves below share it equally).
CATEGORY_WEIGHTS = {
    "HOUSE": 18,
    "FAC": 25,
    "SEC": 8,
    "ENV": 12,
    "SVC": 10,
    "DISP": 10,
    "DEV": 4,
    "FEE": 10,
    "OTHER": 3,
}
#: What residents say, per top-level category (FAC-ELEV has its own): about one ticket in ten
#: mentions 电梯, which the text search below looks for.
PHRASES = {
    "HOUSE": [
        "卫生间顶棚渗水,墙面发霉",
        "客厅墙体出现裂缝,担心结构安全",
        "入户门锁芯损坏,无法反锁",
    ],
    "FAC": ["楼道灯不亮已有三天,晚上出入不便", "水压偏低,早晚高峰出水很小", "门禁刷卡无反应"],
    "FAC-ELEV": ["电梯门关不上,反复开合", "电梯运行有异响,轿厢晃动", "电梯困人约十分钟"],
    "SEC": ["夜间有陌生人进入小区,门岗未登记", "消防通道被车辆长期占用", "地库乱停车堵住出口"],
    "ENV": ["垃圾清运不及时,楼下有异味", "绿化带杂草多,希望尽快修剪", "电梯厅保洁不到位"],
    "SVC": ["客服回复不及时,三天前反映的问题无人跟进", "前台人员态度生硬", "维修师傅未穿工服"],
    "DISP": ["楼上夜间噪音大,影响休息", "楼上住户高空抛物", "宠物在电梯内便溺无人清理"],
    "DEV": ["交房后阳台渗水,要求开发商维修", "小区规划与销售承诺不符", "窗户密封不严,雨天进水"],
    "FEE": ["物业服务费账单金额有疑问", "咨询停车月租价格", "水电费公摊不合理"],
    "OTHER": ["快递柜数量不足,建议增加", "咨询小区活动报名方式", "表扬维修师傅上门及时"],
}
PLACES = ["小区东门", "地下车库B1", "中心花园", "会所", "北门岗亭", "1栋大堂", "垃圾站"]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄婷", "周杰", "吴霞"]


sys.path.insert(0, str(Path(__file__).resolve().parent))
from console_sql import (  # noqa: E402  (the sibling module)
    CLOCK_SELECTS,
    INSERT_CALLBACKS,
    INSERT_CLOCKS,
    INSERT_EVENTS,
    INSERT_TICKETS,
    INSERT_WORK_ORDERS,
    TICKET_ROWS,
)


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f} s] {message}", flush=True)


# --- the database ------------------------------------------------------------------------


def _setup_database(url: str, *, fresh: bool) -> None:
    """The scratch database, dropped and created first when ``fresh``, then migrated."""
    from gen_sink import setup_database

    setup_database(url, fresh=fresh)


def _build_org() -> None:
    """One company, one region, ten projects with departments, rooms, residents and staff."""
    from django.db import connection

    from propdesk.org.models import Company, Department, Project, Region, User
    from propdesk.residents.models import Building, Residency, Resident, Room, Unit
    from propdesk.tickets.models import Category

    company = Company.objects.create(code="HY", name="华宇物业")
    region = Region.objects.create(company=company, code="SZ", name="深圳地区公司")
    projects = Project.objects.bulk_create(
        [Project(region=region, company=company, code=c, name=n) for c, n in PROJECTS]
    )
    departments = Department.objects.bulk_create(
        [
            Department(
                company=company,
                project=p,
                code=f"{p.code}-{code}",
                name=name,
                kind=kind,
            )
            for p in projects
            for code, name, kind in DEPARTMENTS
        ]
    )
    engineering = {d.project_id: d for d in departments if d.kind == "engineering"}

    def staff(username: str, role: str, project=None, department=None, level="projects"):
        user = User(
            username=username,
            role=role,
            company=company,
            department=department,
            scope_level=level,
            display_name=username.title(),
        )
        user.set_unusable_password()
        user.save()
        if project is not None:
            user.scope_projects.set([project])
        return user

    rows = []
    for i, p in enumerate(projects, start=1):
        agent = staff(f"agent{i:02d}", "agent", p)
        supervisor = staff(f"supervisor{i:02d}", "supervisor", p)
        handler = staff(f"handler{i:02d}", "handler", p, engineering[p.pk])
        rows.append((i, p.pk, p.code, agent.pk, supervisor.pk, handler.pk, engineering[p.pk].pk))
    staff("hq", "hq", level="company")

    buildings = Building.objects.bulk_create(
        [
            Building(project=p, code=str(b), name=f"{b}栋")
            for p in projects
            for b in range(1, BUILDINGS + 1)
        ]
    )
    units = Unit.objects.bulk_create(
        [
            Unit(building=b, code=str(u), name=f"{u}单元")
            for b in buildings
            for u in range(1, UNITS + 1)
        ]
    )
    rooms = Room.objects.bulk_create(
        [
            Room(
                project_id=u.building.project_id,
                building=u.building,
                unit=u,
                number=f"{floor:02d}{r:02d}",
                floor=floor,
            )
            for u in units
            for floor in range(1, FLOORS + 1)
            for r in range(1, ROOMS_PER_FLOOR + 1)
        ]
    )
    residents = Resident.objects.bulk_create(
        [
            Resident(company=company, name=NAMES[i % len(NAMES)], phone=f"139{i:08d}")
            for i in range(len(rooms))
        ]
    )
    Residency.objects.bulk_create(
        [
            Residency(resident=res, room=room, relation="owner")
            for res, room in zip(residents, rooms, strict=True)
        ]
    )
    index = {p.pk: i for i, p in enumerate(projects, start=1)}
    room_rows, seen = [], {}
    for room, res in zip(rooms, residents, strict=True):
        k = seen[room.project_id] = seen.get(room.project_id, 0) + 1
        label = f"{room.building.name}{room.unit.name}{room.number}"
        room_rows.append((index[room.project_id], k, room.pk, room.building_id, res.pk, label))

    leaves = list(
        Category.objects.filter(is_active=True, parent__isnull=False, children__isnull=True)
        .select_related("parent")
        .order_by("code")
    )
    per_top: dict[str, int] = {}
    for c in leaves:
        per_top[c.parent.code] = per_top.get(c.parent.code, 0) + 1
    total = sum(CATEGORY_WEIGHTS.get(top, 1) for top in per_top)
    cat_rows, lo = [], 0.0
    for c in leaves:
        share = CATEGORY_WEIGHTS.get(c.parent.code, 1) / total / per_top[c.parent.code]
        phrases = PHRASES.get(c.code) or PHRASES.get(c.parent.code) or PHRASES["OTHER"]
        cat_rows.append((c.pk, lo, lo + share, phrases))
        lo += share
    cat_rows[-1] = (*cat_rows[-1][:2], 2.0, cat_rows[-1][3])  # random() < 1 always lands

    with connection.cursor() as c:
        c.execute(
            "CREATE TEMP TABLE bench_proj (p int, project_id bigint, code text, agent_id bigint,"
            " sup_id bigint, handler_id bigint, eng_id bigint)"
        )
        c.executemany("INSERT INTO bench_proj VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        c.execute(
            "CREATE TEMP TABLE bench_room (p int, k int, room_id bigint, building_id bigint,"
            " resident_id bigint, label text)"
        )
        c.executemany("INSERT INTO bench_room VALUES (%s, %s, %s, %s, %s, %s)", room_rows)
        c.execute(
            "CREATE TEMP TABLE bench_cat (category_id bigint, lo float8, hi float8, phrases text[])"
        )
        c.executemany("INSERT INTO bench_cat VALUES (%s, %s, %s, %s)", cat_rows)
    progress(
        f"org: 1 company, 1 region, {len(projects)} projects, {len(departments)} departments, "
        f"{len(rooms)} rooms, {len(leaves)} leaf categories, {len(rows) * 3 + 1} staff"
    )


#: One row per ticket with everything drawn at random (seeded): status, kind, channel, grade,
#: escalation, category, room, and the times. Open tickets get a "bucket" that places their
#: running clock: 62% on time, 15% due soon (past the warning point), 8% just past due (the
#: timer has not fired yet) and 15% breached (met_at null).
def _model_defaults(models, *, drop: bool = False) -> None:
    """Give the NOT NULL columns of ``models`` their Django default as a column default (or
    drop it again), so a field added later with a default does not break the INSERTs below,
    which name only the columns that existed when this was written."""
    from django.db import connection

    with connection.cursor() as c:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            for field in model._meta.concrete_fields:
                if field.null or field.primary_key:
                    continue
                column = connection.ops.quote_name(field.column)
                if drop:
                    c.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
                    continue
                value = field.get_default()
                if value is not None:
                    value = field.get_db_prep_save(value, connection)
                    c.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT %s", [value])


def _load_tickets(total: int, now) -> None:
    from django.db import connection

    from propdesk.callbacks.models import Callback
    from propdesk.org.models import Company
    from propdesk.sla.models import SlaClock
    from propdesk.tickets.models import Ticket, TicketEvent, WorkOrder

    loaded = [Ticket, WorkOrder, SlaClock, TicketEvent, Callback]
    _model_defaults(loaded)

    params = {
        "tickets": total,
        "projects": len(PROJECTS),
        "rooms": ROOMS_PER_PROJECT,
        "now": now,
        "company": Company.objects.get(code="HY").pk,
    }
    with connection.cursor() as c:
        c.execute("SELECT setseed(0.42)")
        c.execute(TICKET_ROWS, params)
        c.execute(INSERT_TICKETS, params)
        progress(f"{c.rowcount:,} tickets inserted")
        c.execute(
            "CREATE TEMP TABLE bench_map AS SELECT t.id AS ticket_id, b.* FROM bench_t b"
            " JOIN tickets_ticket t ON t.number = b.number"
        )
        c.execute(
            "UPDATE tickets_ticket SET merged_into_id = id - 1 WHERE status = 'merged'"
            " AND id > (SELECT min(id) FROM tickets_ticket)"
        )
        c.execute(INSERT_WORK_ORDERS, params)
        progress(f"{c.rowcount:,} work orders inserted")
        clocks = 0
        for select in CLOCK_SELECTS:
            c.execute(INSERT_CLOCKS.format(select=select), params)
            clocks += c.rowcount
        progress(f"{clocks:,} clocks inserted")
        c.execute(INSERT_EVENTS, params)
        progress(f"{c.rowcount:,} ticket events inserted")
        c.execute(INSERT_CALLBACKS, params)
        progress(f"{c.rowcount:,} callbacks inserted")
        c.execute(
            "INSERT INTO tickets_ticketnumbersequence (project_id, day, last)"
            " SELECT project_id, (received_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)"
            " FROM tickets_ticket GROUP BY 1, 2"
        )
        c.execute("DROP TABLE bench_t, bench_map, bench_proj, bench_room, bench_cat")
        _model_defaults(loaded, drop=True)
        c.execute("VACUUM ANALYZE")
    progress("VACUUM ANALYZE done")


def _describe(now) -> None:
    """What was built: tickets per status and the size of the clock-based queues."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT status, count(*) FROM tickets_ticket GROUP BY 1 ORDER BY 2 DESC")
        statuses = ", ".join(f"{s} {n:,}" for s, n in c.fetchall())
        c.execute(
            """
            SELECT count(*) FILTER (WHERE state = 'running' AND warn_at <= %(now)s
                                    AND due_at > %(now)s),
                   count(*) FILTER (WHERE state = 'running' AND due_at <= %(now)s),
                   count(*) FILTER (WHERE state = 'breached' AND met_at IS NULL),
                   count(*) FILTER (WHERE state = 'running'),
                   count(*) FILTER (WHERE state = 'paused'),
                   count(*)
            FROM sla_slaclock
            """,
            {"now": now},
        )
        soon, late, breached, running, paused, total = c.fetchone()
        c.execute(
            "SELECT count(*), count(*) FILTER (WHERE escalation_level > 0) FROM tickets_ticket"
            " WHERE status NOT IN ('closed', 'merged', 'cancelled')"
        )
        open_, escalated = c.fetchone()
    print(f"  tickets by status: {statuses}")
    print(f"  open {open_:,} (escalated {escalated:,})")
    print(
        f"  clocks {total:,}: running {running:,} (due soon {soon:,}, past due {late:,}),"
        f" paused {paused:,}, breached and not met {breached:,}"
    )


# --- the measurements ----------------------------------------------------------------------
