"""Who owes which resident a callback (SPEC §6), and the monthly repair sampling.

``record_callback`` records a callback and lets the ticket follow through tickets.services.
Tasks are created by the ticket lifecycle (``lifecycle.on_event``) in the transaction of the
move: every complaint when it is resolved; a repair when the resident did not rate it, did not
sign, or was unsatisfied on site. A callback recorded completes the task; a request closed
without one cancels it with the closure reason. The month's in-home repairs must be called
back at 30% at least: ``propose_repair_samples`` adds sample tasks among the satisfied ones
when a project's month is below that."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput
from propdesk.org.choices import Role
from propdesk.org.models import Project, User
from propdesk.tickets import services as ticket_services
from propdesk.tickets.choices import GradeClass, GradeLevel, Kind, ReporterType, Status
from propdesk.tickets.models import Ticket

from .choices import SATISFIED_LEVELS, CallbackMethod, Satisfaction
from .models import Callback, CallbackTask, TaskReason, TaskStatus

#: Share of a month's in-home repairs that must be called back (SPEC §6).
REPAIR_CALLBACK_TARGET = 0.30
#: Grades whose callback a supervisor or project manager makes (SPEC §6, seed 002 4.1.3).
MAJOR_LEVELS = {GradeLevel.LEVEL_1, GradeLevel.LEVEL_2}
MAJOR_CLASSES = {GradeClass.MAJOR, GradeClass.HOT}
FRONT_DESK = {Role.AGENT, Role.SUPERVISOR, Role.PROJECT_MANAGER}


def callback_reason(ticket: Ticket) -> str | None:
    """Why this resolved request must be called back, or None when it need not be."""
    if ticket.reporter_type == ReporterType.ANONYMOUS:
        return None  # nobody to call: recorded when it is closed
    if ticket.kind == Kind.COMPLAINT:
        return TaskReason.COMPLAINT
    if ticket.kind != Kind.REPAIR:
        return None
    orders = [o for o in ticket.work_orders.all() if o.status == "done"]
    if not orders or any(not o.resident_rating for o in orders):
        return TaskReason.REPAIR_NOT_RATED
    if any(o.resident_rating not in SATISFIED_LEVELS for o in orders):
        return TaskReason.REPAIR_UNSATISFIED
    if any(not o.resident_signed for o in orders):
        return TaskReason.REPAIR_NOT_SIGNED
    return None


def is_major(ticket: Ticket) -> bool:
    key_customer = bool(ticket.resident is not None and ticket.resident.is_key_customer)
    return ticket.grade_level in MAJOR_LEVELS or ticket.grade_class in MAJOR_CLASSES or key_customer


def choose_owner(ticket: Ticket, major: bool) -> User | None:
    """Major complaints and key customers: the project manager (else a supervisor); the rest:
    the first owner (首问责任人) when they work at the front desk, else a supervisor."""
    from propdesk.sla.escalation import EscalationLevel, people_at

    if major:
        for level in (EscalationLevel.PROJECT_MANAGER, EscalationLevel.SUPERVISOR):
            people = people_at(ticket, level)
            if people:
                return people[0]
        return None
    first = ticket.registered_by
    if first.is_active and first.role in FRONT_DESK and first.in_scope(ticket.project_id):
        return first
    people = people_at(ticket, EscalationLevel.SUPERVISOR)
    return people[0] if people else None


def _callback_due(ticket: Ticket) -> datetime | None:
    from propdesk.sla.models import SlaClock

    return (
        SlaClock.objects.filter(ticket=ticket, kind="callback", state__in=["running", "paused"])
        .values_list("due_at", flat=True)
        .first()
    )


def open_task(ticket: Ticket, reason: str, at: datetime) -> CallbackTask:
    """The ticket's open callback task, created if there is none."""
    task = CallbackTask.objects.filter(ticket=ticket, status=TaskStatus.OPEN).first()
    if task is not None:
        return task
    major = is_major(ticket)
    return CallbackTask.objects.create(
        ticket=ticket,
        reason=reason,
        owner=choose_owner(ticket, major),
        by_manager=major,
        due_at=_callback_due(ticket),
        created_at=at,
    )


@transaction.atomic
def record_callback(
    actor: User,
    ticket: Ticket,
    *,
    satisfaction: str,
    method: str = CallbackMethod.PHONE,
    comment: str = "",
    resident_confirmation: str = "",
    now: datetime | None = None,
) -> Callback:
    """Record a callback with the resident's satisfaction (SPEC §6). The ticket follows through
    ``tickets.services``: 很满意/满意/基本满意 → callback done; otherwise it reopens and goes
    back to dispatch (seed 002 作业指导书 4.6)."""
    ticket = ticket_services.lock_for_callback(actor, ticket)
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(
            _("满意度“%(s)s”无效,可选:%(o)s")
            % {"s": satisfaction, "o": ", ".join(Satisfaction.values)},
            field="satisfaction",
        )
    if method not in CallbackMethod.values:
        raise InvalidInput(_("回访方式无效"), field="method")
    if method == CallbackMethod.VISIT and not resident_confirmation.strip():
        raise InvalidInput(_("上门回访须有住户签名或确认"), field="resident_confirmation")
    at = clock.resolve(now)
    callback = Callback.objects.create(
        ticket=ticket,
        method=method,
        satisfaction=satisfaction,
        comment=comment.strip(),
        resident_confirmation=resident_confirmation.strip(),
        called_by=actor,
        called_at=at,
    )
    ticket_services.record_callback_outcome(
        actor,
        ticket,
        satisfied=satisfaction in SATISFIED_LEVELS,
        at=at,
        note=callback.comment,
        data={"satisfaction": satisfaction, "method": method, "callback_id": callback.pk},
    )
    return callback


def on_resolved(ticket: Ticket, at: datetime) -> CallbackTask | None:
    reason = callback_reason(ticket)
    return open_task(ticket, reason, at) if reason else None


def on_callback(ticket: Ticket, callback_id: int | None, at: datetime) -> None:
    CallbackTask.objects.filter(ticket=ticket, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_at=at, callback_id=callback_id
    )


def on_finished(ticket: Ticket, why: str, at: datetime) -> None:
    """Closed, cancelled or merged without a callback: the task is cancelled with the reason."""
    CallbackTask.objects.filter(ticket=ticket, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, done_at=at, cancel_reason=why[:200]
    )


def tasks_for(user: User) -> QuerySet[CallbackTask]:
    return CallbackTask.objects.for_user(user)


# --- the monthly repair sampling --------------------------------------------------------------


@dataclass(frozen=True)
class RepairMonth:
    """A project's in-home repairs resolved in one month, and how many were called back."""

    project: Project
    month: date
    repairs: int
    called_back: int
    pending: int

    @property
    def rate(self) -> float | None:
        return self.called_back / self.repairs if self.repairs else None

    @property
    def percent(self) -> float | None:
        return round(100 * self.called_back / self.repairs, 1) if self.repairs else None

    @property
    def needed(self) -> int:
        """More callbacks to book so that done and booked ones reach the target."""
        target = math.ceil(REPAIR_CALLBACK_TARGET * self.repairs - 1e-9)
        return max(0, target - self.called_back - self.pending)


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(month.replace(day=1), time.min), zone)
    following = (month.replace(day=28) + (month.replace(day=28) - month.replace(day=1))).replace(
        day=1
    )
    end = timezone.make_aware(datetime.combine(following, time.min), zone)
    return start, end


def in_home_repairs(project: Project, month: date) -> QuerySet[Ticket]:
    start, end = _month_bounds(month)
    return Ticket.objects.filter(
        project=project,
        kind=Kind.REPAIR,
        repair_scope="in_home",
        resolved_at__gte=start,
        resolved_at__lt=end,
    ).exclude(status__in=[Status.CANCELLED, Status.MERGED])


def repair_month(project: Project, month: date) -> RepairMonth:
    repairs = in_home_repairs(project, month)
    called = Callback.objects.filter(ticket=OuterRef("pk"))
    booked = CallbackTask.objects.filter(ticket=OuterRef("pk"), status=TaskStatus.OPEN)
    counted = repairs.annotate(called=Exists(called), booked=Exists(booked))
    return RepairMonth(
        project=project,
        month=month.replace(day=1),
        repairs=counted.count(),
        called_back=counted.filter(called=True).count(),
        pending=counted.filter(called=False, booked=True).count(),
    )


def propose_repair_samples(project: Project, month: date, *, now: datetime) -> list[Ticket]:
    """Below 30% of the month's in-home repairs called back (with those already booked), book
    callbacks among the satisfied repairs still awaiting closure, oldest first. Idempotent:
    at or above the target it books nothing."""
    figures = repair_month(project, month)
    if figures.needed == 0:
        return []
    candidates = list(
        in_home_repairs(project, month)
        .filter(status=Status.RESOLVED)
        .exclude(Exists(Callback.objects.filter(ticket=OuterRef("pk"))))
        .exclude(Exists(CallbackTask.objects.filter(ticket=OuterRef("pk"))))
        .select_related("project", "resident", "registered_by")
        .order_by("resolved_at", "pk")[: figures.needed]
    )
    for ticket in candidates:
        open_task(ticket, TaskReason.REPAIR_SAMPLE, now)
    return candidates
