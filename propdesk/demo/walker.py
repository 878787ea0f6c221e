"""Moves each planned ticket to its end state through the ticket services, one move at a time,
with the person who would really make it and at a believable moment: the history is real.

The path is decided in plans.py; this module only walks it. Every move is a service call with an
explicit ``now`` (DESIGN.md: time is injected), so the event history is the one a real desk
would have written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from propdesk.callbacks import services as callback_services
from propdesk.callbacks.choices import SATISFIED_LEVELS, CallbackMethod, Satisfaction
from propdesk.org.models import User
from propdesk.tickets import services
from propdesk.tickets.choices import ClosureReason, Kind, Status

from . import phrases as ph
from .moves import UNHAPPY, Moves
from .plans import ANSWER, BEYOND, DISAGREEMENT, NO_CONTACT, ON_SPOT, SENSITIVE
from .scenarios import pick

S = Status
#: A fixed order: iterating the frozenset would follow string hashes, which differ per process.
SATISFIED_IN_ORDER = tuple(level for level in Satisfaction.values if level in SATISFIED_LEVELS)


class Walk(Moves):
    """One ticket's way from registration to its planned end state."""

    def run(self) -> None:
        plan, target = self.plan, self.plan.target
        if plan.merge_into is not None:
            return self._merge()
        if target == S.REGISTERED:
            return None
        # A withdrawn request is withdrawn early: before it is accepted, dispatched or worked.
        stage = self.rng.choice(("registered", "accepted", "dispatched"))
        if plan.path == ANSWER:
            return self._answer()
        if target == S.CANCELLED and stage == "registered":
            return self._cancel()
        self._accept()
        if "reclassify" in plan.flags:
            services.update_ticket(
                self.supervisor,
                self.ticket,
                changes={"category": self.sc.category},
                now=self.cur.step(5, 60, self.desk),
            )
        if target == S.ACCEPTED:
            return None
        if target == S.CANCELLED and stage == "accepted":
            return self._cancel()
        if plan.path == BEYOND and (not self.sc.results or self.rng.random() < 0.5):
            if self.sc.notes:
                self._note(pick(self.rng, self.sc.notes, self.ctx))
            return self._close_contested(ClosureReason.BEYOND_AUTHORITY)
        self._dispatch_first()
        self._acknowledge()
        if target == S.DISPATCHED:
            return None
        if target == S.CANCELLED:
            return self._cancel()
        if target == S.SUSPENDED and self.rng.random() < 0.35:
            return self._suspend()
        self._start(self.dept)
        self._classify()
        self._progress()
        if "second" in plan.flags:
            self._dispatch_second()
        if target == S.IN_PROGRESS:
            return None
        if target == S.SUSPENDED:
            return self._suspend()
        if "suspend" in plan.flags:
            self._suspend()
            services.resume(
                self.supervisor,
                self.ticket,
                note=self.rng.choice(ph.RESUME_NOTES),
                now=self.cur.step(60 * 20, 60 * 80, self.office),
            )
        if plan.path == BEYOND:
            return self._close_contested(ClosureReason.BEYOND_AUTHORITY)
        self._finish()
        if target == S.RESOLVED:
            return None
        return self._after_result()

    def _after_result(self) -> None:
        plan, target = self.plan, self.plan.target
        if plan.path == NO_CONTACT:
            notes = ph.UNREACHABLE_NOTES if plan.reachable else ph.NO_CONTACT_NOTES
            return self._close(ClosureReason.NO_CONTACT, notes)
        if plan.path == ON_SPOT:
            notes = ph.PATROL_NOTES if plan.channel == "patrol" else ph.ON_SPOT_NOTES
            return self._close(ClosureReason.CONFIRMED_ON_SPOT, notes)
        if plan.path == SENSITIVE:
            return self._close(ClosureReason.SENSITIVE, ph.SENSITIVE_NOTES, by=self.supervisor)
        if plan.path == DISAGREEMENT:
            self._callback(self.rng.choice(UNHAPPY), recent=target == S.REOPENED)
            if target == S.REOPENED:
                return None
            # A disputed complaint is followed up once a week until the company decides (§4).
            weeks = self.rng.sample(ph.LONG_RUNNING_NOTES, self.rng.randint(1, 3))
            for text in weeks:
                services.add_progress_note(
                    self.agent,
                    self.ticket,
                    text=text.format_map(self.ctx),
                    now=self.cur.step(60 * 24 * 5, 60 * 24 * 7, self.office),
                )
            return self._close_contested(ClosureReason.DISAGREEMENT)
        after_close = target == S.REOPENED and "reopen_after_close" in plan.flags
        if target == S.REOPENED and not after_close:
            self._callback(self.rng.choice(UNHAPPY), recent=True)
            return None
        if "rework" in plan.flags:
            self._callback(self.rng.choice(UNHAPPY))
            self._rework()
        self._callback(plan.satisfaction)
        if target == S.CALLBACK_DONE:
            return None
        self._close(ClosureReason.SATISFIED, ph.SATISFIED_NOTES)
        if after_close or "reopen_after_close" in plan.flags:
            services.reopen(
                self.agent,
                self.ticket,
                reason=self.rng.choice(ph.REOPEN_REASONS).format_map(self.ctx),
                now=self._recently()
                if target == S.REOPENED
                else self.cur.step(60 * 24 * 2, 60 * 24 * 9, self.desk),
            )
            if target == S.REOPENED:
                return None
            self._rework()
            self._callback(self.rng.choice(SATISFIED_IN_ORDER))
            self._close(ClosureReason.SATISFIED, ph.SATISFIED_NOTES)
        return None

    # -- the end of a ticket's life -----------------------------------------------------

    def _answer(self) -> None:
        """Consultations and thanks are answered at once, often without a formal accept."""
        target = self.plan.target
        if target in (S.ACCEPTED, S.CANCELLED) or self.rng.random() < 0.3:
            self._accept()
        if target == S.ACCEPTED:
            return
        if target == S.CANCELLED:
            return self._cancel()
        services.answer(
            self.agent,
            self.ticket,
            content=pick(self.rng, self.sc.answers, self.ctx),
            channel=self._reply_channel(),
            now=self.cur.step(2, 25, self.desk),
        )
        if target == S.CLOSED:
            self._close(ClosureReason.CONFIRMED_ON_SPOT, ph.ANSWERED_NOTES)

    def _rework(self) -> None:
        self._dispatch(self.dept, instructions=self.rng.choice(ph.REWORK_INSTRUCTIONS))
        self._start(self.dept)
        self._finish(self.rng.choice(ph.REWORK_RESULTS))

    def _recently(self) -> datetime:
        """A move that left the ticket where it stands now came in the last hour: the desk has
        not had time to act on it yet (so none of its clocks is due)."""
        return self.cur.at(self.env.limit - timedelta(minutes=self.rng.uniform(5, 45)))

    def _callback(self, satisfaction: str, *, recent: bool = False) -> None:
        """``recent``: the resident's answer just came in (it leaves the ticket reopened)."""
        rng, plan = self.rng, self.plan
        key = plan.resident is not None and plan.resident.is_key_customer
        if key or (satisfaction not in SATISFIED_LEVELS and rng.random() < 0.4):
            actor = rng.choice((self.supervisor, self.manager))
        else:
            actor = rng.choices((self.agent, self.quality, self.supervisor), (75, 10, 15))[0]
        method = rng.choices(
            list(ph.CALLBACK_METHOD_WEIGHTS), list(ph.CALLBACK_METHOD_WEIGHTS.values())
        )[0]
        if key and rng.random() < 0.6:
            method = CallbackMethod.VISIT
        name = plan.resident.name if plan.resident else plan.contact_name.split("(")[0]
        comments = ph.CALLBACK_COMMENTS[satisfaction]
        if satisfaction not in SATISFIED_LEVELS and self.sc.unhappy and rng.random() < 0.6:
            comments = self.sc.unhappy
        repair = self.sc.kind == Kind.REPAIR
        callback_services.record_callback(
            actor,
            self.ticket,
            satisfaction=satisfaction,
            method=method,
            comment=rng.choice(comments),
            resident_confirmation=f"住户{name}签字确认" if method == CallbackMethod.VISIT else "",
            now=self._recently()
            if recent
            else self.cur.step(60, 60 * 20 if repair else 60 * 26, self.desk),
        )

    def _close(self, reason: str, notes: tuple[str, ...], *, by: User | None = None) -> None:
        plan = self.plan
        case = "case" in plan.flags and self.sc.kind == Kind.COMPLAINT
        services.close(
            by or self.agent,
            self.ticket,
            reason=reason,
            note=self.rng.choice(notes),
            has_case_value=case,
            now=self.cur.step(2, 60, self.desk),
        )

    def _close_contested(self, reason: str) -> None:
        """Disagreement and beyond-authority closures are a manager's decision, with the
        company's position written down."""
        texts = self.sc.disagreement if reason == ClosureReason.DISAGREEMENT else self.sc.beyond
        actor = self.rng.choices((self.manager, self.supervisor, self.region), (60, 30, 10))[0]
        services.close(
            actor,
            self.ticket,
            reason=reason,
            note=pick(self.rng, texts, self.ctx),
            has_case_value="case" in self.plan.flags or self.rng.random() < 0.3,
            now=self.cur.step(60 * 2, 60 * 24 * 4, self.office),
        )

    def _cancel(self) -> None:
        if self.sc.key == "locked_out":
            reason = ph.LOCKED_OUT_CANCEL
        else:
            reason = self.rng.choice(ph.CANCEL_REASONS[self.sc.kind])
        services.cancel(
            self.agent, self.ticket, reason=reason, now=self.cur.step(5, 120, self.desk)
        )

    def _merge(self) -> None:
        if self.rng.random() < 0.6:
            self._accept()
        into = self.plan.merge_into.ticket.number
        services.merge(
            self.supervisor,
            self.ticket,
            into=into,
            note=self.rng.choice(ph.MERGE_NOTES).format(
                dup=self.ticket.number, into=into, topic=self.ctx["topic"]
            ),
            now=self.cur.step(5, 60, self.desk),
        )
