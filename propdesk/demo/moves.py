"""The moves of one ticket's walk (accept, dispatch, start, finish …), each one service call made
by the person who would really make it, at a moment taken from the ticket's own clock."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from propdesk.callbacks.choices import Satisfaction
from propdesk.org.choices import Role
from propdesk.org.models import Department, User
from propdesk.sla.choices import ClockState
from propdesk.sla.models import SlaClock
from propdesk.tickets import services
from propdesk.tickets.choices import Kind, ReplyChannel

from . import phrases as ph
from .logins import DEMO_LOGINS
from .org import FEE_STANDARDS
from .plans import Plan
from .scenarios import Context, aligned, pick, render
from .timing import DESK, OFFICE, Cursor

HANDLER_BY_DEPARTMENT = {d.department: d.username for d in DEMO_LOGINS if d.role == Role.HANDLER}
REPLY_BY_CONTACT = {"phone": "phone", "sms": "sms", "wechat": "wechat", "email": "email"}
#: A government referral is answered in writing to the platform; a letter by a phone call.
REPLY_BY_INTAKE = {
    "government": ReplyChannel.LETTER,
    "visit": ReplyChannel.VISIT,
    "letter": ReplyChannel.PHONE,
    "email": ReplyChannel.EMAIL,
}
UNHAPPY = (Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED)
FEE_PRICES = {code: Decimal(price) for code, _name, _unit, price in FEE_STANDARDS}
APPOINTMENT_SLOTS = ((9, 0), (10, 0), (11, 0), (14, 0), (15, 0), (16, 30), (19, 0))


def _team(code: str) -> str:
    """Engineering, security and cleaning go out on site; the others work from an office."""
    return "field" if code.rsplit("-", 1)[-1] in ("ENG", "SEC", "ENV") else "office"


class Env:
    """What every walk needs: the people, the departments and the demo's "now"."""

    def __init__(
        self, rng: random.Random, staff: dict[str, User], company_id: int, now: datetime
    ) -> None:
        self.rng = rng
        self.staff = staff
        self.limit = now - timedelta(seconds=90)
        self.departments = {d.code: d for d in Department.objects.filter(company_id=company_id)}


class Moves:
    """One ticket's walk: the actors, the clock, and one method per kind of move."""

    def __init__(self, env: Env, plan: Plan) -> None:
        self.env = env
        self.rng = env.rng
        self.plan = plan
        self.sc = plan.scenario
        self.ticket = plan.ticket
        low = plan.project.code.lower()
        staff = env.staff
        self.agent = staff[f"agent_{low}"]
        self.supervisor = staff[f"supervisor_{low}"]
        self.manager = staff[f"pm_{low}"]
        self.region = staff[f"region_{plan.project.spec.region.lower()}"]
        self.quality = staff["quality"]
        self.fast = self.sc.emergency
        self.desk = None if self.fast else DESK
        self.office = None if self.fast else OFFICE
        # A ticket planned "late" is one the desk lets slip: its moves ignore the clocks.
        in_time = None if "late" in plan.flags else self._next_due
        self.cur = Cursor(self.rng, plan.registered_at, env.limit, in_time)
        self.dept = self._code(self.sc.dept)
        self.orders: dict[str, int] = {}  # department code → sequence of its active order
        self.ctx = Context(plan.ctx)
        self.ctx["topic"] = render(self.sc.topic, self.ctx)
        self.ctx["dept_name"] = env.departments[self.dept].name
        self.ctx["eta"] = "24小时"

    # -- helpers ---------------------------------------------------------------------------

    def _next_due(self) -> datetime | None:
        """When the first of the ticket's running clocks falls due: the next move comes first."""
        return (
            SlaClock.objects.filter(ticket=self.ticket, state=ClockState.RUNNING)
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )

    def _code(self, suffix: str) -> str:
        return suffix if suffix.startswith("HQ-") else f"{self.plan.project.code}-{suffix}"

    def _handler(self, code: str) -> User | None:
        username = HANDLER_BY_DEPARTMENT.get(code)
        return self.env.staff[username] if username else None

    def _worker(self, code: str) -> User:
        """Who works a department's order: its handler, or the supervisor for the desk's own."""
        return self._handler(code) or self.supervisor

    def _reply_channel(self) -> str:
        """Answer the way the request came, else the way the resident prefers to be reached."""
        plan = self.plan
        if plan.channel in REPLY_BY_INTAKE:
            return REPLY_BY_INTAKE[plan.channel]
        if plan.resident is not None:
            return REPLY_BY_CONTACT.get(plan.resident.preferred_contact, ReplyChannel.PHONE)
        return ReplyChannel.PHONE

    def _eta(self, span: timedelta) -> str:
        minutes = span.total_seconds() / 60
        for limit, words in ph.ETA_WORDS:
            if minutes <= limit:
                return words
        return f"{max(2, round(minutes / 1440))}个工作日"

    def _note(self, text: str, *, by: User | None = None, order: str | None = None) -> None:
        services.add_progress_note(
            by or self.agent,
            self.ticket,
            text=text,
            work_order=self.orders.get(order) if order else None,
            now=self.cur.step(*self._note_gap()),
        )

    def _note_gap(self) -> tuple[float, float, tuple[int, int] | None]:
        """A repair is checked on within the hour; a complaint is followed over days."""
        if self.sc.kind == Kind.REPAIR:
            return (10, 50, self.desk)
        return (30, 300, self.office)

    # -- moves -----------------------------------------------------------------------------

    def _accept(self) -> None:
        services.accept(
            self.agent,
            self.ticket,
            note=self.rng.choice(ph.ACCEPT_NOTES)
            if self.sc.kind == Kind.COMPLAINT and self.plan.resident is not None
            else "",
            now=self.cur.step(0.5, 2, None) if self.fast else self.cur.step(1, 15, self.desk),
        )

    def _deadline(self, at: datetime) -> datetime:
        kind = self.sc.kind
        if self.fast:
            return at + timedelta(minutes=30)
        if kind == Kind.REPAIR:
            return at + timedelta(hours=4 if self.sc.repair_scope == "common_area" else 24)
        if kind == Kind.SUGGESTION or self.dept.startswith("HQ-"):
            return at + timedelta(days=5)
        return at + timedelta(hours=24)

    def _appointment(self, at: datetime) -> datetime:
        """The next booked slot at least an hour ahead: today if one is left, else tomorrow."""
        local = timezone.localtime(at)
        slots = []
        for day in (0, 1, 2):
            base = local + timedelta(days=day)
            for hour, minute in APPOINTMENT_SLOTS:
                slot = base.replace(hour=hour, minute=minute, second=0, microsecond=0)
                if slot >= local + timedelta(hours=1):
                    slots.append(slot)
        return self.rng.choice(slots[:4])

    def _dispatch(self, code: str, *, instructions: str | None = None) -> None:
        at = (
            self.cur.step(1, 5, None)
            if self.fast
            else self.cur.step(70, 200, self.office)
            if "late" in self.plan.flags
            else self.cur.step(5, 50, self.office)
        )
        deadline = self._deadline(at)
        kwargs: dict = {}
        if self.sc.fees:
            appointment = self._appointment(at)
            lines = [services.FeeLine(quantity=Decimal(q), standard=c) for c, q in self.sc.fees]
            if self.sc.material and self.rng.random() < 0.6:
                name, unit, price = self.sc.material
                lines.append(
                    services.FeeLine(Decimal(1), name=name, unit=unit, unit_price=Decimal(price))
                )
            total = sum(
                (ln.quantity * (ln.unit_price or FEE_PRICES[ln.standard]) for ln in lines),
                Decimal(0),
            )
            appt_text = f"{timezone.localtime(appointment):%m月%d日%H:%M}"
            self.ctx["fee"] = f"{total:.2f}"
            instructions = instructions or self.rng.choice(ph.PAID_INSTRUCTIONS).format(
                fee=self.ctx["fee"], appt_text=appt_text
            )
            kwargs = {
                "fee_items": lines,
                "appointment_at": appointment,
                "fee_agreement_note": self.rng.choice(ph.FEE_AGREEMENTS),
            }
            deadline = appointment + timedelta(hours=2)  # done on that visit
            self.ctx["eta"] = appt_text
        else:
            self.ctx["eta"] = self._eta(deadline - at)
        handler = self._handler(code)
        order = services.dispatch(
            self.supervisor,
            self.ticket,
            department=code,
            deadline=deadline,
            assignee=handler.username if handler and self.rng.random() < 0.7 else None,
            instructions=instructions
            if instructions is not None
            else self.rng.choice(ph.DISPATCH_INSTRUCTIONS[_team(code)]).format_map(self.ctx),
            now=at,
            **kwargs,
        )
        self.orders[code] = order.sequence

    def _dispatch_first(self) -> None:
        flags = self.plan.flags
        if not self.sc.wrong or not flags & {"return", "transfer"}:
            return self._dispatch(self.dept)
        wrong = self._code(self.sc.wrong)
        self._dispatch(wrong)
        wrong_handler = self._handler(wrong)
        reason_ctx = Context(self.ctx, wrong_name=self.env.departments[wrong].name)
        if "return" in flags and wrong_handler is not None:
            services.return_work_order(
                wrong_handler,
                self.ticket,
                work_order=self.orders.pop(wrong),
                reason=ph.RETURN_REASONS[self.sc.wrong],
                now=self.cur.step(15, 120, self.office),
            )
            return self._dispatch(self.dept)
        at = self.cur.step(20, 180, self.office)
        order = services.transfer(
            self.supervisor,
            self.ticket,
            work_order=self.orders.pop(wrong),
            department=self.dept,
            reason=self.rng.choice(ph.TRANSFER_REASONS).format_map(reason_ctx),
            deadline=self._deadline(at),
            now=at,
        )
        self.orders[self.dept] = order.sequence
        return None

    def _acknowledge(self) -> None:
        options = ph.ACKNOWLEDGEMENTS.get(self.sc.kind)
        if not options or not self.plan.reachable or self.plan.channel == "patrol":
            return
        if self.sc.fees:
            options = ph.PAID_ACKNOWLEDGEMENTS
        services.reply_to_resident(
            self.agent,
            self.ticket,
            content=self.rng.choice(options).format_map(self.ctx),
            channel=self._reply_channel(),
            now=self.cur.step(0.5, 3, None) if self.fast else self.cur.step(1, 12, self.desk),
        )

    def _start(self, code: str) -> None:
        if self.sc.fees:
            appointment = self.ticket.work_orders.get(sequence=self.orders[code]).appointment_at
            now = self.cur.at(appointment - timedelta(minutes=self.rng.randint(0, 15)))
        elif self.fast:
            now = self.cur.step(2, 12, None)
        else:
            now = self.cur.step(10, 240, self.office)
        services.start(self._worker(code), self.ticket, work_order=self.orders[code], now=now)

    def _classify(self) -> None:
        """After looking into a complaint the supervisor records its nature (有效/协助/无效)."""
        if self.sc.kind != Kind.COMPLAINT or not self.sc.nature:
            return
        services.update_ticket(
            self.supervisor,
            self.ticket,
            changes={"nature": self.sc.nature},
            now=self.cur.step(10, 90, self.office),
        )

    def _progress(self) -> None:
        count = {Kind.COMPLAINT: (0, 2), Kind.REPAIR: (0, 1), Kind.SUGGESTION: (0, 1)}.get(
            self.sc.kind, (0, 0)
        )
        for index in range(self.rng.randint(*count)):
            if self.sc.notes and (index == 0 or self.rng.random() < 0.3):
                text = pick(self.rng, self.sc.notes, self.ctx)
                self._note(text, by=self._worker(self.dept), order=self.dept)
            else:
                key = self.sc.kind
                if key == Kind.COMPLAINT and _team(self.dept) == "office":
                    key = "office"
                generic = ph.GENERIC_NOTES.get(key, ph.GENERIC_NOTES[Kind.COMPLAINT])
                self._note(self.rng.choice(generic).format_map(self.ctx))

    def _dispatch_second(self) -> None:
        code = self._code(self.sc.also)
        self._dispatch(code, instructions=f"配合{self.ctx['dept_name']}处理{self.ctx['topic']}。")
        self._start(code)

    def _suspend(self) -> None:
        reason = pick(self.rng, self.sc.suspend, self.ctx) or self.rng.choice(ph.SUSPEND_REASONS)
        services.suspend(
            self.supervisor, self.ticket, reason=reason, now=self.cur.step(30, 600, self.office)
        )

    def _result_time(self) -> datetime:
        if self.fast:
            return self.cur.step(10, 70, None)
        if self.sc.kind == Kind.REPAIR:
            # Work started at the appointment is finished that visit, evening or not.
            return self.cur.step(20, 150, self.desk)
        minutes = {
            Kind.COMPLAINT: (60, 60 * 30),
            Kind.SUGGESTION: (60 * 24, 60 * 24 * 6),
        }.get(self.sc.kind, (30, 240))
        return self.cur.step(*minutes, self.office)

    def _finish(self, result: str | None = None) -> None:
        """Each department records its result; the last one resolves the ticket."""
        plan = self.plan
        result = result or aligned(self.rng, self.sc.results, self.ctx, plan.variant, plan.variants)
        for code, sequence in list(self.orders.items()):
            if code == self.dept:
                continue
            suffix = code.rsplit("-", 1)[-1]
            services.complete_work_order(
                self._worker(code),
                self.ticket,
                work_order=sequence,
                result=self.rng.choice(ph.SECOND_RESULTS.get(suffix, ph.SECOND_RESULTS["CS"])),
                now=self._result_time(),
            )
            del self.orders[code]
        worker, at = self._worker(self.dept), self._result_time()
        if self.rng.random() < 0.5:
            services.resolve(worker, self.ticket, result=result, now=at)
        else:
            services.complete_work_order(
                worker, self.ticket, work_order=self.orders[self.dept], result=result, now=at
            )
        self.orders.clear()
        self.ctx["result"] = result
        if self.plan.reachable and self.plan.channel != "patrol":
            services.reply_to_resident(
                self.agent,
                self.ticket,
                content=self.rng.choice(
                    ph.SUGGESTION_REPLIES if self.sc.kind == Kind.SUGGESTION else ph.RESULT_REPLIES
                ).format_map(self.ctx),
                channel=self._reply_channel(),
                now=self.cur.step(3, 90, self.desk),
            )
