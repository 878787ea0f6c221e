"""The outbox under killed workers (issue 19): nothing lost, at most the message in flight twice.

What it does, on a PostgreSQL scratch database (its outbox and task queue are emptied first;
the database is created and migrated when missing):

1. starts a real SMTP server in a thread of this process (aiosmtpd, as the notify tests'
   ``SmtpServer``) that records every message it accepts with the outbox id its Message-ID
   carries (``<outbox.<id>.<created>@…>``, ``notify.providers.message_id``) and the moment it
   arrived, then waits ``--smtp-delay`` (20 ms) before answering ``250``: a worker killed in that
   wait has handed the message over without learning it, the window a duplicate comes from;
2. queues ``--messages`` (2,000) emails to as many staff users through
   ``notify.services.queue_many`` (one ``work_order_assigned`` fact each, channel email);
3. starts ``--workers`` (2) ``propdesk worker`` processes pointed at the database and the SMTP
   server (``EMAIL_BACKEND`` smtp), and ``--kills`` (5) times, after a random pause of
   ``--pause MIN MAX`` seconds, SIGKILLs the worker that is sending at that moment (the one
   whose ``deliver_outbox`` task row is RUNNING while messages are ``sending`` and mail has
   arrived in the last 50 ms; it waits for one up to ``--kill-wait`` seconds, else kills a
   random worker) and starts a new one in its place;
4. waits until every message is ``sent`` or ``failed`` (at most ``--timeout`` seconds), stops
   the live workers with SIGTERM (their graceful stop) and reports:

   - queued, and the outbox rows by state;
   - received (every message the SMTP server accepted), distinct outbox ids among them, lost
     (queued − distinct received) and duplicates (received − distinct);
   - stranded messages: those ``sending`` right after a kill that the lease recovery later put
     back (``DeliveryAttempt`` "interrupted"), and the longest wait of one of them from the kill
     to its first arrival after the kill (and to the row's ``sent_at``; and from its claim, the
     start of its lease). A message counts from the first kill that saw it ``sending`` with the
     lease it was recovered from, an upper bound when it was the live worker's then;
   - when the last message arrived (seconds after the workers started), and the last of those
     not stranded (the rest of the outbox must not wait for the stranded ones' lease);
   - django-tasks-db ``DBTaskResult`` rows RUNNING: those of killed workers once the live ones
     have run, and all of them after the live workers stopped (both must be 0).

It exits 1 when a message is lost, duplicates exceed the kills, a stranded message waited more
than ``--max-wait`` (90) seconds or a RUNNING row is left; 2 when setup fails. At most
``--workers`` worker processes run at a time; every process it starts is stopped by its PID in
``finally``. Usage (about two minutes a run)::

    createdb -h 127.0.0.1 -U postgres propdesk_kill
    .venv/bin/python benchmarks/outbox_kill_bench.py \\
        [--database-url postgres://postgres@127.0.0.1:5432/propdesk_kill] \\
        [--messages 2000] [--kills 5] [--workers 2] [--smtp-delay 0.02] [--seed N] [--json OUT]

Worker logs go to ``var/bench/outbox-kill/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propdesk_kill"
LOG_DIR = ROOT / "var" / "bench" / "outbox-kill"
_HEADERS_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*<outbox\.(\d+)\.", re.IGNORECASE | re.MULTILINE)


# --- the SMTP server ------------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler: records (outbox id, arrival) for every message, then answers after
    ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.arrivals: list[tuple[int, float]] = []
        self.unmatched = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        headers = _HEADERS_END.split(envelope.content, maxsplit=1)[0]
        match = _MESSAGE_ID.search(headers)
        with self._lock:
            if match:
                self.arrivals.append((int(match.group(1)), time.time()))
            else:
                self.unmatched += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[tuple[int, float]]:
        with self._lock:
            return list(self.arrivals)


def start_smtp(delay: float):
    from aiosmtpd.controller import Controller

    from propdesk.notify.tests.helpers import free_port

    inbox = Inbox(delay)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    return controller, inbox


# --- the workers ----------------------------------------------------------------------------


class Workers:
    """``propdesk worker`` processes, each stopped by its PID."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.live: dict[int, subprocess.Popen] = {}
        self.killed: list[int] = []
        self.started = 0
        self._logs: list = []

    def start(self) -> int:
        self.started += 1
        log = open(self.log_dir / f"worker-{self.started:02d}.log", "w")  # noqa: SIM115
        self._logs.append(log)
        command = [str(Path(sys.executable).parent / "propdesk"), "worker"]
        process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        self.live[process.pid] = process
        return process.pid

    def kill(self, pid: int) -> None:
        process = self.live.pop(pid)
        os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.killed.append(pid)

    def stop(self, grace: float = 20.0) -> list[int]:
        """SIGTERM (finish the current task, then exit), SIGKILL after ``grace`` seconds;
        returns the PIDs that had to be killed."""
        forced = []
        for pid, process in self.live.items():
            if process.poll() is None:
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for pid, process in self.live.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.kill(pid, signal.SIGKILL)
                process.wait(timeout=10)
                forced.append(pid)
        self.live.clear()
        for log in self._logs:
            log.close()
        return forced


def _pid_of(worker_ids: list[str]) -> int | None:
    parts = (worker_ids[-1] if worker_ids else "").split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def sending_worker(live: Collection[int]) -> int | None:
    """The live worker running a delivery while messages are being sent, or None."""
    from django_tasks_db.models import DBTaskResult

    from propdesk.notify.choices import State
    from propdesk.notify.models import OutboxMessage
    from propdesk.notify.tasks import deliver_outbox

    if not OutboxMessage.objects.filter(state=State.SENDING).exists():
        return None
    rows = DBTaskResult.objects.filter(
        status="RUNNING", task_path=deliver_outbox.module_path
    ).values_list("worker_ids", flat=True)
    pids = [pid for ids in rows if (pid := _pid_of(ids)) in live]
    return pids[0] if pids else None


# --- the run --------------------------------------------------------------------------------


def reset_and_queue(count: int, run: str) -> list[int]:
    """Empty the outbox and the task queue, then queue ``count`` emails to as many users."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from propdesk.notify import services
    from propdesk.notify.choices import Channel, Event
    from propdesk.notify.models import DeliveryAttempt, Notification, OutboxMessage
    from propdesk.org.models import Company, User

    DeliveryAttempt.objects.all().delete()
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    DBTaskResult.objects.all().delete()
    company, _ = Company.objects.get_or_create(code="KILLBENCH", defaults={"name": "压测物业"})
    names = [f"kill_bench_{i:05d}" for i in range(count)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=name, email=f"{name}@bench.example", company=company, is_active=True)
            for name in names
            if name not in have
        ],
        batch_size=1000,
    )
    users = list(User.objects.filter(username__in=names).order_by("username"))
    items = [
        services.Outgoing(
            event=Event.WORK_ORDER_ASSIGNED,
            recipients=[user],
            key=f"kill-bench:{run}:{i}",
            channels=[Channel.EMAIL],
            context={
                "number": f"KB-{i:05d}",
                "work_order": 1,
                "kind": "报修",
                "project": "压测项目",
                "company": company.name,
                "description": "楼道灯不亮",
                "department": "工程部",
            },
        )
        for i, user in enumerate(users)
    ]
    with transaction.atomic():  # one commit, one "deliver now" task
        services.queue_many(items)
    return list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True))


def _open_messages() -> int:
    from propdesk.notify.choices import State
    from propdesk.notify.models import OutboxMessage

    return OutboxMessage.objects.filter(state__in=[State.PENDING, State.SENDING]).count()


def _running_rows(pids: Collection[int] | None = None) -> int:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(status="RUNNING").values_list("worker_ids", flat=True)
    if pids is None:
        return len(rows)
    return sum(1 for ids in rows if _pid_of(ids) in pids)


def _log(start: float, text: str) -> None:
    print(f"[{time.monotonic() - start:7.1f}s] {text}", file=sys.stderr, flush=True)


def run(args) -> dict:
    from django.conf import settings
    from django.db import connection

    from propdesk.notify.choices import State
    from propdesk.notify.delivery import INTERRUPTED
    from propdesk.notify.models import DeliveryAttempt, OutboxMessage

    rng = random.Random(args.seed)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    controller, inbox = start_smtp(args.smtp_delay)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "propdesk.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "EMAIL_TIMEOUT": "5",
        "DEFAULT_FROM_EMAIL": "压测物业 <service@bench.example>",
        "NOTIFY_EMAIL_PROVIDER": "propdesk.notify.providers.EmailProvider",
        "PYTHONUNBUFFERED": "1",
    }
    workers = Workers(env, LOG_DIR)
    kills: list[dict] = []
    try:
        run_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        queued = reset_and_queue(args.messages, run_id)
        queued_set = set(queued)
        start = time.monotonic()
        started_at = time.time()
        _log(start, f"queued {len(queued)} emails; SMTP on 127.0.0.1:{controller.port}")
        for _ in range(args.workers):
            workers.start()
        deadline = start + args.timeout
        next_kill = start + rng.uniform(*args.pause)
        while time.monotonic() < deadline:
            if len(kills) < args.kills and time.monotonic() >= next_kill:
                # Mid-send: a worker is running a delivery and mail is arriving right now.
                pid = None
                waited_until = time.monotonic() + args.kill_wait
                seen = len(inbox.arrivals)
                while pid is None and time.monotonic() < min(waited_until, deadline):
                    time.sleep(0.05)
                    arrived, seen = len(inbox.arrivals) > seen, len(inbox.arrivals)
                    if arrived:
                        pid = sending_worker(workers.live)
                mid_send = pid is not None
                if pid is None:
                    pid = rng.choice(sorted(workers.live))
                workers.kill(pid)
                killed_at = time.time()
                # (id, lease token) of every row being sent: the killed worker's, and the live
                # worker's batch, and those of earlier kills not yet recovered.
                sending = list(
                    OutboxMessage.objects.filter(state=State.SENDING).values_list(
                        "pk", "claimed_at"
                    )
                )
                kills.append(
                    {"pid": pid, "at": killed_at, "mid_send": mid_send, "sending": sending}
                )
                new = workers.start()
                _log(
                    start,
                    f"kill {len(kills)}: SIGKILL worker {pid} "
                    f"({'mid-send' if mid_send else 'idle'}, {len(sending)} rows sending, "
                    f"{len(inbox.arrivals)} received); started worker {new}",
                )
                next_kill = time.monotonic() + rng.uniform(*args.pause)
                continue
            left = _open_messages()
            if left == 0 and len(kills) >= args.kills:
                break
            time.sleep(0.5)
        finished = time.monotonic() - start
        left = _open_messages()
        _log(start, f"{'done' if left == 0 else f'TIMEOUT, {left} messages open'}")
        # Rows of killed workers, once the live ones have run (each starts by failing them).
        running_killed = _running_rows(workers.killed)
        running_live = _running_rows()
        forced = workers.stop()
        connection.close()
        running_after_stop = _running_rows()
    finally:
        workers.stop(grace=5)
        controller.stop()

    arrivals = inbox.snapshot()
    ours = [(pk, at) for pk, at in arrivals if pk in queued_set]
    per_id = Counter(pk for pk, _ in ours)
    states = Counter(OutboxMessage.objects.values_list("state", flat=True))
    interrupted = set(
        DeliveryAttempt.objects.filter(error=INTERRUPTED).values_list("message_id", flat=True)
    )
    sent_at = dict(OutboxMessage.objects.filter(pk__in=interrupted).values_list("pk", "sent_at"))
    arrived: dict[int, list[float]] = {}
    for pk, at in ours:
        arrived.setdefault(pk, []).append(at)
    # A stranded message: one whose lease the recovery ran out (an "interrupted" attempt), seen
    # sending after a kill. Its wait counts from the first kill that saw it sending with that
    # lease token (an upper bound: the live worker's batch is seen too, and may be stranded by
    # a later kill), to its first arrival after that kill; and from its claim.
    first_seen: dict[tuple[int, datetime], dict] = {}
    for kill in kills:
        kill["stranded"] = 0
        for pk, token in kill.pop("sending"):
            if pk in interrupted and (pk, token) not in first_seen:
                first_seen[(pk, token)] = kill
                kill["stranded"] += 1
    waits, waits_row, waits_claim = [], [], []
    for (pk, token), kill in first_seen.items():
        after = [at for at in arrived.get(pk, []) if at >= kill["at"]]
        if after:
            waits.append(min(after) - kill["at"])
            waits_claim.append(min(after) - token.timestamp())
        if sent_at.get(pk):
            waits_row.append(sent_at[pk].timestamp() - kill["at"])
    for kill in kills:
        kill["at"] = datetime.fromtimestamp(kill["at"], UTC).isoformat(timespec="milliseconds")
    stranded_ids = {pk for pk, _ in first_seen}
    others = [times[0] for pk, times in arrived.items() if pk not in stranded_ids]
    stranded_total = len(first_seen)
    report = {
        "messages": args.messages,
        "kills": len(kills),
        "kills_mid_send": sum(k["mid_send"] for k in kills),
        "workers": args.workers,
        "smtp_delay_s": args.smtp_delay,
        "lease_s": int(getattr(settings, "NOTIFY_SENDING_TIMEOUT", 60)),
        "seed": args.seed,
        "queued": len(queued),
        "states": dict(states),
        "sent": states.get(State.SENT, 0),
        "failed": states.get(State.FAILED, 0),
        "received": len(ours),
        "received_other": len(arrivals) - len(ours) + inbox.unmatched,
        "distinct": len(per_id),
        "lost": len(queued_set - set(per_id)),
        "duplicates": len(ours) - len(per_id),
        "most_copies": max(per_id.values(), default=0),
        "stranded": stranded_total,
        "recovered": len(interrupted),
        "stranded_longest_wait_s": round(max(waits), 3) if waits else None,
        "stranded_longest_wait_sent_at_s": round(max(waits_row), 3) if waits_row else None,
        "stranded_longest_claim_to_arrival_s": round(max(waits_claim), 3) if waits_claim else None,
        "last_arrival_s": round(max(t[0] for t in arrived.values()) - started_at, 3)
        if arrived
        else None,
        "last_arrival_not_stranded_s": round(max(others) - started_at, 3) if others else None,
        "finished_s": round(finished, 3),
        "open_at_end": left,
        "running_rows_of_killed_workers": running_killed,
        "running_rows_before_stop": running_live,
        "running_rows_after_stop": running_after_stop,
        "workers_forced_at_stop": len(forced),
        "kill_log": kills,
    }
    return report


def verdict(report: dict, max_wait: float) -> list[str]:
    problems = []
    if report["lost"]:
        problems.append(f"{report['lost']} message(s) lost")
    if report["duplicates"] > report["kills"]:
        problems.append(f"{report['duplicates']} duplicates for {report['kills']} kills")
    wait = report["stranded_longest_wait_s"]
    if wait is not None and wait > max_wait:
        problems.append(f"a stranded message waited {wait} s")
    if report["open_at_end"]:
        problems.append(f"{report['open_at_end']} message(s) still pending or sending")
    if report["running_rows_of_killed_workers"] or report["running_rows_after_stop"]:
        problems.append("task rows left RUNNING")
    return problems


def print_report(report: dict) -> None:
    rows = [
        ("queued", report["queued"]),
        ("outbox rows by state", report["states"]),
        ("received by the SMTP server", report["received"]),
        ("distinct outbox ids received", report["distinct"]),
        ("lost (queued − distinct received)", report["lost"]),
        ("duplicates (received − distinct)", report["duplicates"]),
        ("most copies of one message", report["most_copies"]),
        ("kills (mid-send)", f"{report['kills']} ({report['kills_mid_send']})"),
        ("stranded by the kills / recovered", f"{report['stranded']} / {report['recovered']}"),
        ("longest stranded wait, kill → arrival (s)", report["stranded_longest_wait_s"]),
        ("longest stranded wait, kill → sent_at (s)", report["stranded_longest_wait_sent_at_s"]),
        (
            "longest stranded wait, claim → arrival (s)",
            report["stranded_longest_claim_to_arrival_s"],
        ),
        ("last first arrival after the start (s)", report["last_arrival_s"]),
        ("… of a message not stranded (s)", report["last_arrival_not_stranded_s"]),
        ("RUNNING rows of killed workers", report["running_rows_of_killed_workers"]),
        (
            "RUNNING rows before / after the live workers stop",
            f"{report['running_rows_before_stop']} / {report['running_rows_after_stop']}",
        ),
    ]
    print("| figure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print("\nkills:")
    for kill in report["kill_log"]:
        print(
            f"  {kill['at']} pid {kill['pid']} {'mid-send' if kill['mid_send'] else 'idle'}, "
            f"{kill['stranded']} stranded"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smtp-delay", type=float, default=0.02)
    parser.add_argument("--pause", type=float, nargs=2, default=(2.0, 8.0), metavar=("MIN", "MAX"))
    parser.add_argument("--kill-wait", type=float, default=90.0)
    parser.add_argument("--timeout", type=float, default=270.0)
    parser.add_argument("--max-wait", type=float, default=90.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1_000_000)
    if not args.database_url.startswith("postgres"):
        print("PostgreSQL only (several workers at once)", file=sys.stderr)
        return 2
    try:
        from gen_sink import setup_database

        setup_database(args.database_url, fresh=False)
    except Exception as exc:
        print(f"setup failed: {exc}", file=sys.stderr)
        return 2
    report = run(args)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    problems = verdict(report, args.max_wait)
    print("\nOK" if not problems else "\nFAILED: " + "; ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
