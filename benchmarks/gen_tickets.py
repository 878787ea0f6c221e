"""One batch of tickets for benchmarks/generate.py, with everything a real ticket leaves behind:
work orders, clocks (met, breached, running with their timer rows, paused), events, callbacks
and callback tasks. Ticket ``i`` of ``total`` is received at ``start + i/total`` of the span,
so a batch is a stretch of calendar time and open tickets are the recent ones."""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gen_org import Org
from gen_text import (
    CHANNELS,
    EXPECTATIONS,
    KINDS,
    PLACES,
    RESOLUTIONS,
    Picker,
    describe,
)

FIRE_CLOCK = "propdesk.sla.tasks.fire_clock"
CST = timedelta(hours=8)  # Asia/Shanghai has no daylight saving: numbers use the local day
MIN, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
#: When residents call (local hour → weight): few at night, peaks mid-morning and evening.
HOURS = Picker([(h, w) for h, w in enumerate([1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 11, 8, 9,
                                              11, 11, 10, 10, 12, 13, 11, 8, 4, 2])])  # fmt: skip
SATISFACTION = Picker([("very_satisfied", 0.38), ("satisfied", 0.38),
                       ("basically_satisfied", 0.15), ("dissatisfied", 0.07),
                       ("very_dissatisfied", 0.02)])  # fmt: skip
OPEN_STATES = Picker([("registered", 0.08), ("accepted", 0.15), ("dispatched", 0.2),
                      ("in_progress", 0.3), ("suspended", 0.05), ("resolved", 0.22)])  # fmt: skip
HANDLE_DAYS = {"complaint": 5, "repair": 3, "help": 1, "consultation": 1, "suggestion": 5,
               "praise": 5}  # fmt: skip
WORK_ORDER_KIND = {"HOUSE": "engineering", "FAC": "engineering", "DEV": "engineering",
                   "SEC": "security", "DISP": "security", "ENV": "environment"}  # fmt: skip


#: How far along the way each status is (merged tickets are merged once accepted).
REACHED = {"registered": 0, "accepted": 1, "dispatched": 2, "in_progress": 3, "suspended": 3,
           "resolved": 4, "closed": 6, "merged": 1}  # fmt: skip


def open_share(age: timedelta) -> float:
    """How many tickets of this age are still open: most of today's, few of last month's."""
    days = age / DAY
    if days < 1:
        return 0.85
    if days < 7:
        return 0.45 - days * 0.04
    if days < 30:
        return 0.1
    return 0.02 if days < 90 else 0.002


@dataclass
class Ids:
    """The next free id of each table (the generator gives explicit ids to link rows)."""

    ticket: int
    work_order: int
    clock: int
    event: int
    callback: int
    task: int


@dataclass
class Rows:
    tickets: list = field(default_factory=list)
    work_orders: list = field(default_factory=list)
    clocks: list = field(default_factory=list)
    events: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    timers: list = field(default_factory=list)


class BatchBuilder:
    def __init__(self, org: Org, categories: Picker, *, start: datetime, now: datetime,
                 total: int, ids: Ids, numbers: dict, seed: int):  # fmt: skip
        self.org, self.categories = org, categories
        self.projects = Picker(list(zip(org.projects, org.weights, strict=True)))
        self.start, self.now, self.total = start, now, total
        self.span = now - start - HOUR
        self.ids, self.numbers, self.seed = ids, numbers, seed
        self.kinds, self.channels = Picker(KINDS), Picker(CHANNELS)
        self.last_in_project: dict[int, int] = {}

    def build(self, first: int, last: int) -> Rows:
        rng = random.Random(self.seed * 1_000_003 + first)
        rows = Rows()
        for i in range(first, last):
            self._ticket(rng, i, rows)
        return rows

    # --- one ticket ---------------------------------------------------------------------

    def _received(self, rng: random.Random, i: int) -> datetime:
        at = self.start + self.span * ((i + rng.random()) / self.total)
        local = at + CST
        minutes = HOURS(rng) * 60 + rng.randrange(60)
        at = local.replace(hour=0, minute=0, second=0, microsecond=0) - CST + minutes * MIN
        return min(at, self.now - 10 * MIN)

    def _ticket(self, rng: random.Random, i: int, rows: Rows) -> None:
        ids, now = self.ids, self.now
        p = self.projects(rng)
        kind, channel = self.kinds(rng), self.channels(rng)
        category, code, top = self.categories(rng)
        received = self._received(rng, i)
        age = now - received
        if rng.random() < open_share(age):
            status = OPEN_STATES(rng)
            if kind in ("consultation", "praise", "suggestion") and status != "registered":
                status = "accepted" if rng.random() < 0.5 else "resolved"
        else:
            r = rng.random()
            status = "closed" if r < 0.93 else "cancelled" if r < 0.97 else "merged"
            if status == "merged" and p.id not in self.last_in_project:
                status = "closed"
        room = rng.choice(p.rooms) if p.rooms and rng.random() < 0.8 else None
        place = room[3] if room else rng.choice(PLACES)

        # The moments, each after the one before and none after now.
        def after(t, delta):
            return min(t + delta, now - MIN)

        registered = after(received, rng.uniform(1, 5) * MIN)
        accepted = dispatched = started = resolved = callback_at = closed = cancelled = None
        reached = REACHED.get(status, 0)
        if status == "cancelled":
            cancelled = after(registered, rng.uniform(0.1, 48) * HOUR)
        if reached >= 1:
            accepted = after(registered, rng.uniform(2, 30) * MIN)
        quick = kind in ("consultation", "praise", "suggestion")
        has_wo = not quick and reached >= 2 and (kind == "repair" or rng.random() < 0.6)
        if has_wo and reached >= 2:
            dispatched = after(accepted, rng.uniform(5, 120) * MIN)
            if reached >= 3:
                started = after(dispatched, rng.uniform(0.5, 24) * HOUR)
        if reached >= 4:
            base = started or accepted
            hours = math.exp(rng.gauss(2.3, 1.1)) if not quick else rng.uniform(0.05, 2)
            resolved = after(base, hours * HOUR)
        called = reached >= 6 and kind in ("complaint", "repair") and (
            (kind == "complaint" and rng.random() < 0.85) or rng.random() < 0.35)  # fmt: skip
        if called:
            callback_at = after(resolved, math.exp(rng.gauss(0, 0.9)) * DAY)
        if reached >= 6:
            closed = after(callback_at or resolved, rng.uniform(0.1, 72) * HOUR)
        merged = after(accepted, rng.uniform(1, 48) * HOUR) if status == "merged" else None

        terminal = closed or merged or cancelled
        ticket_id = ids.ticket
        ids.ticket += 1
        merged_into = self.last_in_project.get(p.id) if status == "merged" else None
        self.last_in_project[p.id] = ticket_id
        agent = p.agents[i % len(p.agents)]
        due = registered + HANDLE_DAYS[kind] * 1.4 * DAY
        handle_breached = (resolved or now) > due
        level = "4" if rng.random() < 0.86 else "3" if rng.random() < 0.8 else "2"
        level = "1" if level == "2" and rng.random() < 0.1 else level
        grade_class = "general" if rng.random() < 0.9 else "important" if rng.random() < 0.7 else (
            "hot" if rng.random() < 0.8 else "major")  # fmt: skip
        escalation = 0
        if handle_breached and kind == "complaint":
            escalation = 1 if rng.random() < 0.6 else 2 if rng.random() < 0.7 else 3
        nature = "pending"
        if kind == "complaint" and reached >= 1:
            r = rng.random()
            nature = "effective" if r < 0.7 else "assist" if r < 0.9 else "invalid"
        day = (received + CST).date()
        key = (p.id, day)
        seq = self.numbers[key] = self.numbers.get(key, 0) + 1
        reporter = "resident" if room else "anonymous" if rng.random() < 0.3 else "contact"
        anonymous = reporter == "anonymous"
        last_move = (
            closed or merged or cancelled or callback_at or resolved or started or dispatched
        )
        rows.tickets.append((
            ticket_id, f"{p.code}-{day:%Y%m%d}-{seq:04d}", self.org.company, p.id, kind, channel,
            category, nature,
            "" if kind != "repair" else "in_home" if room else "common_area",
            kind == "repair" and rng.random() < 0.08, "other" if kind == "help" else "",
            kind == "help" and rng.random() < 0.2, level, grade_class, escalation, status,
            "in_progress" if status == "suspended" else "", reporter,
            room[2] if room else None,
            room[4] if room else "" if anonymous else rng.choice("王李张刘陈") + "先生",
            room[5] if room else "" if anonymous else f"139{rng.randrange(10**8):08d}",
            room[0] if room else None, room[1] if room else None, place,
            describe(rng, code, top, place),
            rng.choice(EXPECTATIONS) if kind in ("complaint", "repair") else "",
            received, registered, agent, accepted, dispatched, resolved, callback_at, closed,
            cancelled, rng.choice(RESOLUTIONS) if resolved else "", merged_into,
            ("satisfied" if callback_at else "no_contact") if status == "closed" else "",
            "住户撤回" if cancelled else "", channel == "government",
            last_move or accepted or registered,
        ))  # fmt: skip

        def event(kind_, at, actor, from_, to, wo=None, data="{}"):
            if at is not None:
                rows.events.append((ids.event, ticket_id, kind_, actor, at, from_, to, wo, data))
                ids.event += 1

        event("registered", registered, agent, "", "registered")
        event("accepted", accepted, agent, "registered", "accepted")
        event("cancelled", cancelled, p.supervisor, "registered", "cancelled")

        # Clocks: first reply, handling, callback, each work order's own.
        self._clock(rng, rows, ticket_id, None, "first_reply", "hours", 24, registered,
                    registered + DAY, accepted, status, ticket_open=terminal is None)  # fmt: skip
        self._clock(rng, rows, ticket_id, None, "handle", "working_days", HANDLE_DAYS[kind],
                    registered, due, resolved, status, ticket_open=terminal is None)  # fmt: skip
        if handle_breached and (resolved is None or resolved > due):
            event("sla_breached", due if due < now else None, None, "", "")
            if escalation:
                event("escalated", due + HOUR if due + HOUR < now else None, None, "", "")

        if has_wo:
            wo_id = ids.work_order
            ids.work_order += 1
            department = WORK_ORDER_KIND.get(top, "engineering")
            deadline = dispatched + 72 * HOUR
            done = resolved is not None
            rating = (
                rng.choice(["satisfied", "satisfied", "basically_satisfied", ""]) if done else ""
            )
            rows.work_orders.append((
                wo_id, ticket_id, 1, p.departments[department], p.handlers[department],
                "done" if done else "in_progress" if started else "dispatched", "请尽快上门处理",
                deadline, p.supervisor, dispatched, started,
                after(resolved, -10 * MIN) if done else None, "已修复" if done else "",
                rating, done and rng.random() < 0.8,
            ))  # fmt: skip
            event("dispatched", dispatched, p.supervisor, "accepted", "dispatched", wo_id)
            event("started", started, p.handlers[department], "dispatched", "in_progress", wo_id)
            self._clock(rng, rows, ticket_id, wo_id, "work_order", "hours", 72, dispatched,
                        deadline, resolved, status, ticket_open=terminal is None)  # fmt: skip
        if status == "suspended":
            event("suspended", after(started or accepted, HOUR), agent, "in_progress", "suspended")
        event("resolved", resolved, agent, "in_progress", "resolved")
        if resolved is not None and kind in ("complaint", "repair"):
            cb_due = resolved + 2 * 1.4 * DAY
            if callback_at or status == "resolved":
                self._clock(rng, rows, ticket_id, None, "callback", "working_days", 2, resolved,
                            cb_due, callback_at, status, ticket_open=terminal is None)  # fmt: skip
            self._callback(rng, rows, ticket_id, kind, agent, callback_at, cb_due, status)
            event("callback_recorded", callback_at, agent, "resolved", "callback_done")
        event("closed", closed if status == "closed" else None, p.supervisor, "callback_done",
              "closed")  # fmt: skip
        event("merged", merged, p.supervisor, "accepted", "merged",
              data=f'{{"into": {merged_into}}}')  # fmt: skip

    def _clock(self, rng, rows, ticket_id, wo_id, kind, unit, amount, started, due, met,
               status, *, ticket_open):  # fmt: skip
        ids, now = self.ids, self.now
        warn_at = started + (due - started) * 0.8
        timers = (None, None)
        if met is not None:
            state = "met" if met <= due else "breached"
        elif not ticket_open:
            state = "cancelled"
        elif status == "suspended" and kind in ("handle", "work_order"):
            state = "paused"
        elif due <= now:
            state = "breached"
        else:
            state = "running"
            timers = (uuid.UUID(int=rng.getrandbits(128), version=4) if warn_at > now else None,
                      uuid.UUID(int=rng.getrandbits(128), version=4))  # fmt: skip
        breached_at = due if (state == "breached") else None
        warned_at = warn_at if state != "cancelled" and warn_at <= (met or now) else None
        paused_at = (started + (due - started) * 0.3) if state == "paused" else None
        rows.clocks.append((
            ids.clock, ticket_id, wo_id, kind, unit, amount, state, started, warn_at, due, met,
            warned_at, breached_at, paused_at,
            int((due - paused_at) / MIN) if paused_at else None,
            int((due - started) / MIN), 1, timers[0], timers[1],
            1 if state == "breached" and met is None else 0,
        ))  # fmt: skip
        for moment, task_id, run_after in (
            ("warning", timers[0], warn_at),
            ("due", timers[1], due),
        ):
            if task_id is not None:
                rows.timers.append((task_id, "READY", now,
                                    f'{{"args": [{ids.clock}, "{moment}", 1], "kwargs": {{}}}}',
                                    FIRE_CLOCK, "default", run_after))  # fmt: skip
        ids.clock += 1

    def _callback(self, rng, rows, ticket_id, kind, agent, callback_at, due, status) -> None:
        """The callback made (with its task done), or the task still open for a resolved
        complaint; repairs called back by sampling."""
        ids = self.ids
        callback_id = None
        if callback_at is not None:
            callback_id = ids.callback
            ids.callback += 1
            rows.callbacks.append((callback_id, ticket_id, "phone", SATISFACTION(rng), "",
                                   "", agent, callback_at))  # fmt: skip
        if kind == "complaint" or callback_id is not None:
            reason = "complaint" if kind == "complaint" else "repair_sample"
            task_status = "done" if callback_id else "open" if status == "resolved" else "cancelled"
            rows.tasks.append((ids.task, ticket_id, reason, task_status, agent, due,
                               due - 2 * 1.4 * DAY, callback_at, callback_id,
                               "" if task_status != "cancelled" else "no_contact"))  # fmt: skip
            ids.task += 1
