"""The clock of corrective actions: an open action is warned at the start of its due day and
breached at its end; a breach escalates to the project manager (to the region when the owner
is the project manager), and again one level up each day it stays overdue, up to HQ — as a
request's breach does (SPEC §5). Each step is an event on the action and a message to the owner
and the people at the new level. Reporting the action done stops the clock.

Run by a periodic sweep in the worker (``tasks.sweep_actions``), set-based and re-runnable:
each action is taken under its row lock (SKIP LOCKED with several workers) and each step is
recorded once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from propdesk.core import clock as core_clock
from propdesk.notify.services import Outgoing, queue_many
from propdesk.org.choices import Role
from propdesk.org.models import User
from propdesk.org.services import staff_in_roles
from propdesk.sla.escalation import ROLE_AT
from propdesk.sla.models import EscalationLevel

from ..choices import ActionEventKind, ActionStatus
from ..models import CorrectiveAction
from .access import record

#: Staying overdue this long escalates again (ticket escalation's default hold).
HOLD = timedelta(hours=24)
BATCH = 500


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _locked(due: Q) -> list[CorrectiveAction]:
    ids = list(
        CorrectiveAction.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:BATCH]
    )
    return list(
        CorrectiveAction.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("project", "owner", "ticket")
        .filter(due, pk__in=ids)  # still due: another worker may have recorded it meanwhile
        .order_by("pk")
    )


def _context(action: CorrectiveAction, **more: object) -> dict:
    return {
        "action_id": action.pk,
        "action_kind": action.kind,
        "project": action.project.name,
        "measure": action.measure[:200],
        "owner": action.owner.get_full_name() or action.owner.username,
        "due_on": action.due_on,
        **more,
    }


def _tell(
    event: str, people: list[User], action: CorrectiveAction, key: str, **more: object
) -> Outgoing:
    return Outgoing(
        event,
        people,
        key=f"action:{action.pk}:{key}",
        ticket=action.ticket,
        context=_context(action, **more),
        url=f"/actions/{action.pk}/",
    )


def first_level(action: CorrectiveAction) -> int:
    """The owner's manager: the project manager, or the region above a project manager."""
    if action.owner.role in (Role.PROJECT_MANAGER, Role.REGION, Role.HQ):
        return EscalationLevel.REGION
    return EscalationLevel.PROJECT_MANAGER


def people_at(action: CorrectiveAction, level: int) -> list[User]:
    role = ROLE_AT.get(EscalationLevel(level))
    return staff_in_roles(action, [role]) if role else []


def _escalate(action: CorrectiveAction, level: int, at: datetime, outgoing: list[Outgoing]) -> None:
    action.escalation_level, action.escalated_at = level, at
    record(action, ActionEventKind.ESCALATED, None, at, level=level)
    people = [action.owner, *[p for p in people_at(action, level) if p.pk != action.owner_id]]
    outgoing.append(
        _tell("action_overdue", people, action, f"level:{level}:{action.due_at.isoformat()}",
              action_level=level)
    )  # fmt: skip


def warn_due(at: datetime) -> int:
    due = Q(status=ActionStatus.OPEN, warned_at__isnull=True, warn_at__lte=at, due_at__gt=at)
    count = 0
    with transaction.atomic():
        outgoing: list[Outgoing] = []
        for action in _locked(due):
            action.warned_at = at
            action.save(update_fields=["warned_at"])
            record(action, ActionEventKind.WARNED, None, at, due_at=action.due_at.isoformat())
            outgoing.append(
                _tell("action_warning", [action.owner], action, f"warn:{action.due_at.isoformat()}")
            )
            count += 1
        queue_many(outgoing, now=at)
    return count


def breach_overdue(at: datetime) -> int:
    due = Q(status=ActionStatus.OPEN, breached_at__isnull=True, due_at__lte=at)
    count = 0
    with transaction.atomic():
        outgoing: list[Outgoing] = []
        for action in _locked(due):
            action.breached_at = at
            record(action, ActionEventKind.BREACHED, None, at, due_at=action.due_at.isoformat())
            _escalate(action, max(first_level(action), action.escalation_level), at, outgoing)
            action.save(update_fields=["breached_at", "escalation_level", "escalated_at"])
            count += 1
        queue_many(outgoing, now=at)
    return count


def escalate_held(at: datetime) -> int:
    """Actions still overdue a day after their last escalation go one level up (to HQ)."""
    held = Q(
        status=ActionStatus.OPEN,
        breached_at__isnull=False,
        escalation_level__lt=EscalationLevel.HQ,
    ) & (Q(escalated_at__isnull=True) | Q(escalated_at__lte=at - HOLD))
    count = 0
    with transaction.atomic():
        outgoing: list[Outgoing] = []
        for action in _locked(held):
            _escalate(action, max(action.escalation_level + 1, first_level(action)), at, outgoing)
            action.save(update_fields=["escalation_level", "escalated_at"])
            count += 1
        queue_many(outgoing, now=at)
    return count


def message_labels(context: Mapping[str, Any]) -> dict[str, str]:
    """The action's kind and escalation level in the message's language (notify's labels)."""
    from ..choices import ActionKind

    found = {}
    if context.get("action_kind") in ActionKind.values:
        found["action_label"] = str(ActionKind(context["action_kind"]).label)
    if context.get("action_level") in EscalationLevel.values:
        found["action_level_label"] = str(EscalationLevel(context["action_level"]).label)
    return found


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Warnings, breaches and held escalations whose moment has come, each once."""
    at = core_clock.resolve(now)
    return SweepResult(
        warned=warn_due(at), breached=breach_overdue(at), escalated=escalate_held(at)
    )


def overdue_label(action: CorrectiveAction) -> str:
    """ "超期 · 已升级至项目经理" for the pages, or ""."""
    if not action.overdue:
        return ""
    if action.escalation_level:
        level = EscalationLevel(action.escalation_level).label
        return _("超期 · 已升级至%(level)s") % {"level": level}
    return _("超期")
