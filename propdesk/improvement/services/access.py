"""Who may open, report and verify corrective actions, and which actions a user reaches."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from propdesk.core.errors import NotFound
from propdesk.org.choices import Role
from propdesk.org.models import User

from ..models import ActionEvent, CorrectiveAction

#: Open an action (SPEC §8: supervisors, managers and quality find the causes and set measures).
OPENERS = frozenset(
    {Role.SUPERVISOR, Role.PROJECT_MANAGER, Role.QUALITY, Role.REGION, Role.HQ, Role.ADMIN}
)
#: Verify an action's effect: never its owner.
VERIFIERS = frozenset({Role.PROJECT_MANAGER, Role.QUALITY, Role.HQ, Role.ADMIN})

RELATED = (
    "project", "owner", "verifier", "verified_by", "opened_by", "ticket", "hot_issue", "campaign",
    "item",
)  # fmt: skip


def visible_actions(user: User) -> QuerySet[CorrectiveAction]:
    """The actions of the user's projects (SPEC §1: nothing outside the scope)."""
    return CorrectiveAction.objects.for_user(user).select_related(*RELATED)


def get_action(user: User, pk: int, *, lock: bool = False) -> CorrectiveAction:
    rows = CorrectiveAction.objects.select_related(*RELATED)
    if lock:
        rows = rows.select_for_update(of=("self",))
    action = rows.filter(pk=pk).first()
    if action is None or not user.in_scope(action.project_id):
        # Another project's action is not shown to exist at all.
        raise NotFound(_("纠正预防措施 %(id)s 不存在") % {"id": pk})
    return action


def record(
    action: CorrectiveAction,
    kind: str,
    actor: User | None,
    at: datetime,
    note: str = "",
    **data: object,
) -> ActionEvent:
    return ActionEvent.objects.create(
        action=action, kind=kind, actor=actor, at=at, note=note, data=data
    )
