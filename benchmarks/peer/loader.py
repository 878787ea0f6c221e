"""Setup and bulk load of the peer's database; runs in the helpdesk virtual environment.

    python -m peer.loader setup            # staff user, API token, session, queues → JSON
    python -m peer.loader load N           # COPY tickets (and their first follow-up) up to N

Loading is restartable: it continues from the tickets already there, in committed batches.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

QUEUES = [  # PropDesk's top-level categories, as a helpdesk would split its work
    ("house", "房屋管理"),
    ("facilities", "设备设施"),
    ("security", "安全管理"),
    ("environment", "环境管理"),
    ("service", "综合服务"),
    ("disputes", "业户纠纷"),
    ("developer", "地产相关"),
    ("fees", "收费"),
    ("other", "其他"),
]
TITLES = [
    "卫生间天花板渗水",
    "电梯故障停运",
    "楼道灯不亮",
    "垃圾清运不及时",
    "车位被占用",
    "邻居深夜噪音",
    "物业费收费疑问",
    "门禁卡无法使用",
    "绿化修剪",
    "客服态度差",
    "厨房下水管堵塞",
    "消防通道堵塞",
    "外墙裂缝",
    "水压不足",
    "宠物扰民",
]
PLACES = ["1栋", "2栋", "3栋", "5栋", "8栋", "地下车库", "东门", "会所", "2号电梯厅"]
BATCH = 100_000
STATUSES = [(4, 0.78), (1, 0.12), (3, 0.05), (2, 0.03), (5, 0.02)]  # closed, open, …


def setup() -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from helpdesk.models import Queue
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            username="bench", defaults={"email": "bench@example.cn"}
        )
        user.is_staff = user.is_superuser = True
        user.set_unusable_password()
        user.save()
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        for slug, title in QUEUES:
            Queue.objects.get_or_create(slug=slug, defaults={"title": title})
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    queues = list(Queue.objects.order_by("pk").values_list("pk", flat=True))
    return {"user": user.pk, "token": token.key, "session": session.session_key, "queues": queues}


def _status(rng: random.Random) -> int:
    x = rng.random()
    for status, share in STATUSES:
        if x < share:
            return status
        x -= share
    return 4


def load(target: int) -> dict:
    from django.contrib.auth.models import User
    from helpdesk.models import Queue

    queues = list(Queue.objects.order_by("pk").values_list("pk", flat=True))
    staff = User.objects.get(username="bench").pk
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), coalesce(max(id), 0) FROM helpdesk_ticket")
        have, last_id = cur.fetchone()
        cur.execute("SELECT coalesce(max(id), 0) FROM helpdesk_followup")
        (last_fu,) = cur.fetchone()
    start, now = time.monotonic(), datetime.now(UTC)
    span = 3 * 365 * 86400
    while have < target:
        n = min(BATCH, target - have)
        rng = random.Random(last_id)  # seeded by position: a restarted load repeats itself
        tickets, followups = [], []
        for k in range(n):
            tid = last_id + k + 1
            created = now - timedelta(seconds=span * (1 - (have + k) / target))
            status = _status(rng)
            title = f"{rng.choice(PLACES)}{rng.choice(TITLES)}"
            text = f"{title},住户反映已持续{rng.randint(1, 9)}天,请尽快处理。"
            modified = created + timedelta(hours=rng.uniform(0, 96)) if status != 1 else created
            tickets.append((
                tid, title, created, modified, f"r{rng.randrange(300_000)}@example.cn", status,
                False, text, "已处理完毕。" if status in (3, 4) else "",
                rng.choice([1, 2, 3, 3, 3, 3, 4, 5]), None, None, None, rng.choice(queues),
                str(uuid.UUID(int=rng.getrandbits(128), version=4)), None, None,
            ))  # fmt: skip
            followups.append((last_fu + k + 1, created, "Ticket Opened", text, True, tid, staff))
        with transaction.atomic(), connection.cursor() as cur:
            raw = cur.cursor
            with raw.copy(
                "COPY helpdesk_ticket (id, title, created, modified, submitter_email, status,"
                " on_hold, description, resolution, priority, due_date, last_escalation,"
                " assigned_to_id, queue_id, secret_key, kbitem_id, merged_to_id) FROM STDIN"
            ) as copy:
                for row in tickets:
                    copy.write_row(row)
            with raw.copy(
                "COPY helpdesk_followup (id, date, title, comment, public, ticket_id, user_id)"
                " FROM STDIN"
            ) as copy:
                for row in followups:
                    copy.write_row(row)
        have, last_id, last_fu = have + n, last_id + n, last_fu + n
        rate = have / max(time.monotonic() - start, 1e-9)
        print(f"  {have:,} / {target:,} tickets ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    with connection.cursor() as cur:
        for table in ("helpdesk_ticket", "helpdesk_followup"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cur.execute("ANALYZE helpdesk_ticket")
        cur.execute("ANALYZE helpdesk_followup")
    return {"tickets": have, "seconds": round(time.monotonic() - start, 1)}


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        print(json.dumps(setup()))
    elif command == "load" and len(sys.argv) == 3:
        print(json.dumps(load(int(sys.argv[2]))))
    else:
        sys.exit(__doc__)
