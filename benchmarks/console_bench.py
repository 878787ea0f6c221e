"""Console page timings: the queue pages, the dashboard and one ticket page over a realistic
database, measured in-process (view + templates + queries: the server time).

Target (issue 5): the queue pages answer in under 300 ms server time with 100k tickets in the
database. A scratch PostgreSQL database ``propdesk_console_bench`` is dropped and created.

    .venv/bin/python benchmarks/console_bench.py [--tickets 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass
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


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f} s] {message}", flush=True)


# --- the database ------------------------------------------------------------------------


def _setup_database(url: str, *, fresh: bool) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if fresh:
        with psycopg.connect(
            host=config["HOST"] or "127.0.0.1",
            port=config["PORT"] or 5432,
            user=config["USER"] or "postgres",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings")
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


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
TICKET_ROWS = """
CREATE TEMP TABLE bench_t AS
WITH s AS (
  SELECT g, 1 + floor(random() * %(projects)s)::int AS p,
    random() AS r_status, random() AS r_kind, random() AS r_channel, random() AS r_grade,
    random() AS r_class, random() AS r_esc, random() AS r_age, random() AS r_due,
    random() AS r_bucket, random() AS r_room, random() AS r_room_k, random() AS r_who,
    random() AS r_cat, random() AS r_text, random() AS r_misc, random() AS r_cb
  FROM generate_series(1, %(tickets)s) g
), a AS (
  SELECT s.*,
    CASE WHEN r_status < 0.82 THEN 'closed' WHEN r_status < 0.84 THEN 'cancelled'
      WHEN r_status < 0.85 THEN 'merged' WHEN r_status < 0.87 THEN 'registered'
      WHEN r_status < 0.89 THEN 'accepted' WHEN r_status < 0.925 THEN 'dispatched'
      WHEN r_status < 0.965 THEN 'in_progress' WHEN r_status < 0.975 THEN 'suspended'
      ELSE 'resolved' END AS status,
    CASE WHEN r_kind < 0.30 THEN 'complaint' WHEN r_kind < 0.70 THEN 'repair'
      WHEN r_kind < 0.82 THEN 'consultation' WHEN r_kind < 0.87 THEN 'help'
      WHEN r_kind < 0.95 THEN 'suggestion' ELSE 'praise' END AS kind,
    CASE WHEN r_channel < 0.55 THEN 'phone' WHEN r_channel < 0.75 THEN 'wechat'
      WHEN r_channel < 0.87 THEN 'visit' WHEN r_channel < 0.91 THEN 'web'
      WHEN r_channel < 0.95 THEN 'patrol' WHEN r_channel < 0.97 THEN 'callback'
      WHEN r_channel < 0.98 THEN 'letter' WHEN r_channel < 0.99 THEN 'email'
      WHEN r_channel < 0.997 THEN 'government' ELSE 'media' END AS channel,
    CASE WHEN r_grade < 0.85 THEN '4' WHEN r_grade < 0.96 THEN '3'
      WHEN r_grade < 0.995 THEN '2' ELSE '1' END AS grade_level,
    CASE WHEN r_class < 0.90 THEN 'general' WHEN r_class < 0.97 THEN 'important'
      WHEN r_class < 0.995 THEN 'hot' ELSE 'major' END AS grade_class,
    CASE WHEN r_bucket < 0.62 THEN 0 WHEN r_bucket < 0.77 THEN 1
      WHEN r_bucket < 0.85 THEN 2 ELSE 3 END AS bucket,
    CASE WHEN r_room < 0.8 THEN 1 + floor(r_room_k * %(rooms)s)::int END AS room_k
  FROM s
), b AS (
  SELECT a.*,
    status IN ('closed', 'cancelled', 'merged') AS terminal,
    CASE WHEN status = 'resolved' THEN interval '3 days' ELSE interval '7 days' END AS span
  FROM a
), c AS (
  SELECT b.*,
    CASE WHEN terminal THEN
        CASE WHEN r_esc < 0.02 THEN 1 WHEN r_esc < 0.03 THEN 2 ELSE 0 END
      ELSE CASE WHEN r_esc < 0.08 THEN 1 WHEN r_esc < 0.11 THEN 2 WHEN r_esc < 0.12 THEN 3
        ELSE 0 END END AS escalation_level,
    CASE bucket
      WHEN 0 THEN %(now)s + span * (0.21 + r_due * 0.78)
      WHEN 1 THEN %(now)s + interval '1 minute' + span * r_due * 0.19
      WHEN 2 THEN %(now)s - interval '1 minute' - r_due * interval '1 day'
      ELSE %(now)s - interval '1 day' - r_due * interval '30 days' END AS open_due
  FROM b
), d AS (
  SELECT c.*,
    CASE WHEN terminal THEN %(now)s - interval '1 day' - r_age * interval '364 days'
      WHEN status = 'resolved' THEN open_due - span - (0.5 + r_age * 4) * interval '1 day'
      WHEN status = 'suspended' THEN %(now)s - interval '2 days' - r_age * interval '28 days'
      ELSE open_due - span - interval '2 minutes' END AS received_at
  FROM c
), e AS (
  SELECT d.*,
    received_at + interval '2 minutes' AS registered_at,
    CASE WHEN status NOT IN ('registered', 'cancelled')
      THEN received_at + interval '10 minutes' END AS accepted_at,
    (status IN ('dispatched', 'in_progress', 'suspended')
      OR (status IN ('resolved', 'closed') AND kind IN ('repair', 'complaint')
          AND r_misc < 0.8)) AS has_wo,
    CASE WHEN status = 'closed' THEN LEAST(
        received_at + (0.1 + r_due * r_due * 10) * interval '1 day',
        %(now)s - interval '2 hours')
      WHEN status = 'resolved' THEN open_due - span END AS resolved_at,
    CASE WHEN status = 'cancelled'
      THEN LEAST(received_at + r_due * interval '1 day', %(now)s - interval '1 minute')
      END AS cancelled_at
  FROM d
), f AS (
  SELECT e.*,
    CASE WHEN has_wo THEN received_at + interval '30 minutes' END AS first_dispatched_at,
    CASE WHEN status = 'closed' THEN LEAST(
        resolved_at + (0.5 + r_misc * 2) * interval '1 day', %(now)s - interval '1 minute')
      END AS closed_at
  FROM e
), h AS (
  SELECT f.*,
    CASE WHEN status = 'closed' AND r_cb < 0.8
      THEN GREATEST(resolved_at, closed_at - interval '30 minutes') END AS callback_at
  FROM f
)
SELECT h.*, pr.project_id, pr.code,
  pr.code || '-' || to_char(received_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
    || lpad(row_number() OVER (
         PARTITION BY h.p, (received_at AT TIME ZONE 'Asia/Shanghai')::date
         ORDER BY received_at, g)::text, 4, '0') AS number
FROM h JOIN bench_proj pr ON pr.p = h.p
"""

INSERT_TICKETS = """
INSERT INTO tickets_ticket (number, company_id, project_id, client_ref, kind, channel,
  category_id, nature, repair_scope, is_paid_repair, help_type, is_emergency, grade_level,
  grade_class, grade_reason, grade_class_reason, complainant_count, claimed_amount,
  media_exposure, litigation, government_referral, major_accident, serious_public_harm,
  demands_return_or_compensation, false_sales_information, needs_outside_support, is_repeat,
  repeat_of_id, escalation_level, status, status_before_suspend, reporter_type, resident_id,
  contact_name, contact_phone, room_id, building_id, place, description, expectation,
  agreed_reply_at, received_at, registered_at, registered_by_id, accepted_at,
  first_dispatched_at, resolved_at, callback_at, closed_at, cancelled_at, resolution,
  reopen_count, merged_into_id, closure_reason, closure_note, cancel_reason, has_case_value,
  on_site_finished_at, needs_plan, plan, plan_submitted_at, plan_submitted_by_id, updated_at)
SELECT t.number, %(company)s, t.project_id, '', t.kind, t.channel,
  cat.category_id,
  CASE WHEN t.kind = 'complaint' AND t.status = 'closed' THEN 'effective' ELSE 'pending' END,
  CASE WHEN t.kind <> 'repair' THEN '' WHEN t.room_k IS NULL THEN 'common_area'
    ELSE 'in_home' END,
  t.kind = 'repair' AND t.r_misc < 0.1,
  CASE WHEN t.kind = 'help' THEN 'other' ELSE '' END,
  t.kind = 'help' AND t.r_misc < 0.2,
  t.grade_level, t.grade_class, '', '', 1, NULL, 'none', 'none', t.channel = 'government',
  false, false, false, false, false, false, NULL,
  t.escalation_level, t.status,
  CASE WHEN t.status = 'suspended' THEN 'in_progress' ELSE '' END,
  CASE WHEN r.room_id IS NOT NULL THEN 'resident' WHEN t.r_who < 0.3 THEN 'anonymous'
    ELSE 'contact' END,
  r.resident_id,
  CASE WHEN t.room_k IS NULL AND t.r_who < 0.3 THEN ''
    ELSE (ARRAY['张伟','王芳','李娜','刘洋','陈静','杨磊','赵敏','黄婷','周杰','吴霞'])[
      1 + floor(t.r_text * 10)::int] END,
  CASE WHEN t.room_k IS NULL AND t.r_who < 0.3 THEN ''
    ELSE '138' || lpad((floor(t.r_cb * 100000000))::bigint::text, 8, '0') END,
  r.room_id, r.building_id,
  coalesce(r.label, (ARRAY['小区东门','地下车库B1','中心花园','会所','北门岗亭','1栋大堂',
    '垃圾站'])[1 + floor(t.r_misc * 7)::int]),
  cat.phrases[1 + floor(t.r_text * array_length(cat.phrases, 1))::int] || '。'
    || (ARRAY['请尽快安排处理。','已多次反映,希望尽快解决。','请回电告知处理进度。',''])[
      1 + floor(t.r_age * 4)::int],
  CASE WHEN t.kind IN ('complaint', 'repair') THEN '尽快处理' ELSE '' END,
  NULL, t.received_at, t.registered_at,
  CASE WHEN t.r_who < 0.85 THEN pr.agent_id ELSE pr.sup_id END,
  t.accepted_at, t.first_dispatched_at, t.resolved_at, t.callback_at, t.closed_at,
  t.cancelled_at,
  CASE WHEN t.resolved_at IS NOT NULL THEN '已处理完毕,住户确认' ELSE '' END,
  0, NULL,
  CASE WHEN t.status <> 'closed' THEN '' WHEN t.callback_at IS NOT NULL THEN 'satisfied'
    ELSE 'no_contact' END,
  '', CASE WHEN t.status = 'cancelled' THEN '住户撤回' ELSE '' END, false,
  NULL, false, '', NULL, NULL,
  coalesce(t.closed_at, t.cancelled_at, t.resolved_at, t.first_dispatched_at, t.accepted_at,
    t.registered_at)
FROM bench_t t
JOIN bench_proj pr ON pr.p = t.p
JOIN bench_cat cat ON t.r_cat >= cat.lo AND t.r_cat < cat.hi
LEFT JOIN bench_room r ON r.p = t.p AND r.k = t.room_k
ORDER BY t.received_at, t.g
"""

INSERT_WORK_ORDERS = """
INSERT INTO tickets_workorder (ticket_id, sequence, department_id, assignee_id, status,
  instructions, deadline, appointment_at, dispatched_by_id, dispatched_at, started_at,
  completed_at, result, return_reason, fee_total, fee_agreed_at, fee_agreement_note)
SELECT m.ticket_id, 1, pr.eng_id, pr.handler_id,
  CASE WHEN m.status = 'dispatched' THEN 'dispatched'
    WHEN m.status IN ('in_progress', 'suspended') THEN 'in_progress' ELSE 'done' END,
  '请尽快上门处理',
  CASE WHEN m.status IN ('dispatched', 'in_progress', 'suspended')
    THEN m.open_due - interval '12 hours' ELSE m.registered_at + interval '5 days' END,
  NULL, pr.sup_id, m.first_dispatched_at,
  CASE WHEN m.status <> 'dispatched' THEN m.first_dispatched_at + interval '1 hour' END,
  CASE WHEN m.status IN ('resolved', 'closed') THEN GREATEST(
    m.first_dispatched_at + interval '1 hour', m.resolved_at - interval '10 minutes') END,
  CASE WHEN m.status IN ('resolved', 'closed') THEN '已修复' ELSE '' END,
  '', 0, NULL, ''
FROM bench_map m JOIN bench_proj pr ON pr.p = m.p
WHERE m.has_wo
"""

#: (kind, unit, amount, state, started_at, due_at, met_at, paused_at, remaining, work order)
CLOCK_SELECTS = [
    # first reply: met within two hours, except on tickets nobody has accepted yet
    """SELECT m.ticket_id, NULL::bigint, 'first_reply', 'hours', 24, 'met', m.registered_at,
         m.registered_at + interval '24 hours',
         m.registered_at + (5 + m.r_misc * 115) * interval '1 minute',
         NULL::timestamptz, NULL::int
       FROM bench_map m WHERE m.status <> 'registered'""",
    # handling: running (or breached, or paused) while open; met or late when resolved
    """SELECT m.ticket_id, NULL::bigint, 'handle', 'working_days', 5,
         CASE WHEN m.status IN ('registered', 'accepted', 'dispatched', 'in_progress')
             THEN CASE WHEN m.bucket = 3 THEN 'breached' ELSE 'running' END
           WHEN m.status = 'suspended' THEN 'paused'
           WHEN m.status = 'resolved' THEN 'met'
           WHEN m.status = 'closed' THEN CASE
             WHEN m.resolved_at <= m.registered_at + interval '7 days' THEN 'met'
             ELSE 'breached' END
           ELSE 'cancelled' END,
         m.registered_at,
         CASE WHEN m.status IN ('registered', 'accepted', 'dispatched', 'in_progress')
           THEN m.open_due ELSE m.registered_at + interval '7 days' END,
         m.resolved_at,
         CASE WHEN m.status = 'suspended' THEN m.received_at + interval '1 day' END,
         CASE WHEN m.status = 'suspended' THEN 600 + floor(m.r_due * 1800)::int END
       FROM bench_map m""",
    # callback: running after resolution; met when the callback was made
    """SELECT m.ticket_id, NULL::bigint, 'callback', 'working_days', 2,
         CASE WHEN m.status = 'resolved' THEN
             CASE WHEN m.bucket = 3 THEN 'breached' ELSE 'running' END
           WHEN m.callback_at <= m.resolved_at + interval '3 days' THEN 'met'
           ELSE 'breached' END,
         m.resolved_at,
         CASE WHEN m.status = 'resolved' THEN m.open_due
           ELSE m.resolved_at + interval '3 days' END,
         m.callback_at, NULL::timestamptz, NULL::int
       FROM bench_map m WHERE m.status = 'resolved' OR m.callback_at IS NOT NULL""",
    # each work order's own deadline
    """SELECT w.ticket_id, w.id, 'work_order', 'hours', 96,
         CASE WHEN w.status = 'done' THEN
             CASE WHEN w.completed_at <= w.deadline THEN 'met' ELSE 'breached' END
           WHEN m.status = 'suspended' THEN 'paused'
           WHEN w.deadline <= %(now)s - interval '1 day' THEN 'breached'
           ELSE 'running' END,
         w.dispatched_at, w.deadline, w.completed_at,
         CASE WHEN m.status = 'suspended' THEN m.received_at + interval '1 day' END,
         CASE WHEN m.status = 'suspended' THEN 600 END
       FROM tickets_workorder w JOIN bench_map m ON m.ticket_id = w.ticket_id""",
]

INSERT_CLOCKS = """
INSERT INTO sla_slaclock (ticket_id, work_order_id, kind, policy_id, unit, amount,
  warning_percent, state, started_at, warn_at, due_at, met_at, warned_at, breached_at,
  paused_at, remaining_minutes, span_minutes, calendar_warnings, timer_version, warn_task_id,
  due_task_id, escalations)
SELECT k.ticket_id, k.work_order_id, k.kind, NULL, k.unit, k.amount, 80,
  CASE WHEN k.state = 'met' AND k.met_at > k.due_at THEN 'breached' ELSE k.state END,
  k.started_at, k.started_at + (k.due_at - k.started_at) * 0.8, k.due_at, k.met_at,
  CASE WHEN k.state <> 'cancelled'
       AND k.started_at + (k.due_at - k.started_at) * 0.8 <= coalesce(k.met_at, %(now)s)
    THEN k.started_at + (k.due_at - k.started_at) * 0.8 END,
  CASE WHEN k.state = 'breached' OR (k.state = 'met' AND k.met_at > k.due_at)
    THEN k.due_at END,
  k.paused_at, k.remaining,
  greatest(0, floor(extract(epoch FROM k.due_at - k.started_at) / 60))::int,
  '[]'::jsonb, 1, NULL, NULL,
  CASE WHEN k.state = 'breached' AND k.met_at IS NULL THEN 1 ELSE 0 END
FROM ({select}) AS k(ticket_id, work_order_id, kind, unit, amount, state, started_at, due_at,
  met_at, paused_at, remaining)
"""

INSERT_EVENTS = """
INSERT INTO tickets_ticketevent (ticket_id, kind, actor_id, at, from_status, to_status,
  work_order_id, note, data)
SELECT m.ticket_id, e.kind, e.actor, e.at, e.from_status, e.to_status, NULL, '', '{}'::jsonb
FROM bench_map m JOIN bench_proj pr ON pr.p = m.p
CROSS JOIN LATERAL (VALUES
  ('registered', pr.agent_id, m.registered_at, '', 'registered'),
  ('accepted', pr.agent_id, m.accepted_at, 'registered', 'accepted'),
  ('dispatched', pr.sup_id, m.first_dispatched_at, 'accepted', 'dispatched'),
  ('resolved', pr.handler_id, m.resolved_at, 'in_progress', 'resolved'),
  ('callback_recorded', pr.agent_id, m.callback_at, 'resolved', 'callback_done'),
  ('closed', pr.sup_id, m.closed_at, 'callback_done', 'closed'),
  ('cancelled', pr.sup_id, m.cancelled_at, 'registered', 'cancelled')
) AS e(kind, actor, at, from_status, to_status)
WHERE e.at IS NOT NULL
"""

INSERT_CALLBACKS = """
INSERT INTO callbacks_callback (ticket_id, method, satisfaction, comment,
  resident_confirmation, called_by_id, called_at)
SELECT m.ticket_id, 'phone',
  CASE WHEN m.r_text < 0.35 THEN 'very_satisfied' WHEN m.r_text < 0.75 THEN 'satisfied'
    WHEN m.r_text < 0.90 THEN 'basically_satisfied' WHEN m.r_text < 0.97 THEN 'dissatisfied'
    ELSE 'very_dissatisfied' END,
  '', '', pr.agent_id, m.callback_at
FROM bench_map m JOIN bench_proj pr ON pr.p = m.p
WHERE m.callback_at IS NOT NULL
"""


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


@dataclass
class Page:
    label: str
    path: str
    params: dict
    queue: str | None = None  # the queue shown, for the row count


@dataclass
class Result:
    page: Page
    user: str
    rows: int | None
    times: list[float]
    queries: int
    statuses: set[int]
    heaviest: list[tuple[float, str]]  # (seconds, SQL) of the request's queries, slowest first

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        # The exclusive method interpolates above the nearest rank (never in our favour); with
        # few samples it extrapolates, so it is capped at the slowest request.
        if len(self.times) < 2:
            return self.times[0]
        return min(statistics.quantiles(self.times, n=20)[-1], max(self.times))

    @property
    def sql_ms(self) -> float:
        """Time spent in the database during the one counted request."""
        return sum(seconds for seconds, _ in self.heaviest) * 1000

    @property
    def ok(self) -> bool:
        return self.p95 < TARGET_MS and self.statuses == {200}


def _pages(ticket_number: str) -> list[Page]:
    from propdesk.console.queues import QUEUES

    pages = [Page(f"/queues/{name}/", f"/queues/{name}/", {}, name) for name in QUEUES]
    pages += [
        Page("/queues/all/?text=电梯", "/queues/all/", {"text": "电梯"}, "all"),
        Page(
            "/queues/all/?category=FAC&sort=due",
            "/queues/all/",
            {"category": "FAC", "sort": "due"},
            "all",
        ),
        Page("/queues/all/?page=50", "/queues/all/", {"page": "50"}, "all"),
        Page("/ (dashboard)", "/", {}),
        Page(f"/tickets/{ticket_number}/", f"/tickets/{ticket_number}/", {}),
    ]
    return pages


def _rows_in(page: Page, user) -> int | None:
    """How many tickets the page lists (all its pages), counted outside the timings."""
    if page.queue is None:
        return None
    from django.test import RequestFactory

    from propdesk.console.queues import queue
    from propdesk.console.views.queues import _filter_from
    from propdesk.core import clock

    f = _filter_from(RequestFactory().get(page.path, page.params))
    return queue(user, page.queue, f, now=clock.now()).count()


def _measure(page: Page, user, label: str, runs: int, budget: float) -> Result:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    statuses = set()
    for _ in range(3):
        statuses.add(client.get(page.path, page.params).status_code)
    times: list[float] = []
    began = time.perf_counter()
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(page.path, page.params)
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        if time.perf_counter() - began > budget and len(times) >= 5:
            break
    # One more request, not timed, to count the queries and find the heaviest.
    with CaptureQueriesContext(connection) as captured:
        statuses.add(client.get(page.path, page.params).status_code)
    heaviest = sorted(
        ((float(q["time"]), q["sql"]) for q in captured.captured_queries), reverse=True
    )
    return Result(page, label, _rows_in(page, user), times, len(captured), statuses, heaviest)


HEADER = (
    f"{'page':<40} {'user':<12} {'rows':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
    f" {'n':>3} {'SQL':>4} {'SQL ms':>6} {'status':>6}  verdict"
)


def _pad(text: str, width: int) -> str:
    """Left-justify in a terminal: CJK characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def _line(r: Result) -> str:
    rows = f"{r.rows:,}" if r.rows is not None else "—"
    status = ",".join(str(s) for s in sorted(r.statuses))
    return (
        f"{_pad(r.page.label, 40)} {r.user:<12} {rows:>7} {r.p50:>8.1f} {r.p95:>8.1f}"
        f" {max(r.times):>8.1f} {len(r.times):>3} {r.queries:>4} {r.sql_ms:>6.0f} {status:>6}"
        f"  {'OK' if r.ok else 'SLOW'}"
    )


def _short(sql: str, width: int = 400) -> str:
    """The SQL without the column list of its outer SELECT, cut to ``width`` characters."""
    depth = 0
    for i, ch in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and sql.startswith(" FROM ", i) and sql.startswith("SELECT "):
            sql = "SELECT … " + sql[i + 1 :]
            break
    return sql if len(sql) <= width else sql[:width] + " …"


def _explain(result: Result, full: bool) -> None:
    from django.db import connection

    print(
        f"\n{result.page.label} as {result.user}: p95 {result.p95:.1f} ms,"
        f" {result.queries} queries taking {result.sql_ms:.0f} ms"
        " in the counted request; the slowest:"
    )
    for seconds, sql in result.heaviest[:3]:
        print(f"  {seconds * 1000:6.1f} ms  {_short(sql)}")
    sql = result.heaviest[0][1]
    with connection.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in c.fetchall()]
    shown = plan if full else [plan[0], *[p for p in plan if p.startswith("Execution Time")]]
    print("  EXPLAIN ANALYZE of the slowest:")
    for line in shown:
        print(f"  | {line}")


def _load() -> str:
    """The machine's load average (1, 5, 15 min): figures taken on a busy machine are not."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_pages(runs: int, budget: float, full_plans: bool) -> list[Result]:
    from django.conf import settings

    from propdesk.org.models import User
    from propdesk.tickets.models import Ticket

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    hq = User.objects.get(username="hq")
    supervisor = User.objects.get(username="supervisor01")
    # The newest ticket being worked on in the supervisor's project (any, on a tiny database).
    theirs = Ticket.objects.filter(project__code=PROJECTS[0][0]).order_by("-received_at")
    ticket = theirs.filter(status="in_progress").first() or theirs.first()
    users = [("hq", hq), (f"supervisor01 ({PROJECTS[0][0]})", supervisor)]
    print(
        f"\nserver time per page ({runs} timed requests after 3 warm-ups; p95 target"
        f" < {TARGET_MS:.0f} ms; load average {_load()})\nrows: tickets listed over all pages;"
        " SQL, SQL ms: queries and their time in one more request, not timed"
    )
    print(HEADER)
    results = []
    for page in _pages(ticket.number if ticket else "NONE"):
        for label, user in users:
            user = User.objects.get(pk=user.pk)  # a fresh instance: no cached project ids
            result = _measure(page, user, label.split(" ")[0], runs, budget)
            results.append(result)
            print(_line(result), flush=True)
    slow = sorted((r for r in results if not r.ok), key=lambda r: r.p95, reverse=True)
    ok = len(results) - len(slow)
    print(
        f"\n{ok} of {len(results)} rows OK, {len(slow)} SLOW (p95 ≥ {TARGET_MS:.0f} ms);"
        f" load average now {_load()}"
    )
    if slow:
        print("\nThe queries of each SLOW row (slowest row first):")
        for r in slow:
            _explain(r, full_plans)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and user")
    parser.add_argument(
        "--budget", type=float, default=15.0, help="seconds of timed requests per row at most"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database a previous run loaded"
    )
    parser.add_argument("--plans", action="store_true", help="print whole EXPLAIN plans")
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/propdesk_console_bench"
    )
    args = parser.parse_args()
    _setup_database(args.database, fresh=not args.reuse)
    from django.utils import timezone

    now = timezone.now()
    if not args.reuse:
        progress(f"database {args.database} created and migrated")
        _build_org()
        _load_tickets(args.tickets, now)
    _describe(now)
    bench_pages(args.runs, args.budget, args.plans)
    progress("done")


if __name__ == "__main__":
    main()
