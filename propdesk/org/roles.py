"""Who may do what, by role (SPEC §1): the role groups every app checks against, and the one
``require_role``. Which move needs which group is the owning app's table (tickets' MOVE_ROLES,
surveys' ORGANISERS …); the check itself is here."""

from __future__ import annotations

from collections.abc import Collection

from propdesk.core.errors import PermissionDenied

from .choices import Role
from .models import User

ALL_ROLES = frozenset(Role.values)
#: Those who decide: dispatch, suspension, contested closure, sampling, visit plans.
MANAGERS = frozenset({Role.SUPERVISOR, Role.PROJECT_MANAGER, Role.REGION, Role.HQ, Role.ADMIN})
#: The first owners of a request (首问责任制) and the managers above them.
FRONT_DESK = MANAGERS | {Role.AGENT}


def role_of(user: User) -> str:
    """A superuser counts as an administrator whatever role the row says."""
    return Role.ADMIN if user.is_superuser else user.role


def has_role(user: User, roles: Collection[str]) -> bool:
    return user.is_active and role_of(user) in roles


def require_role(user: User, roles: Collection[str], message: str) -> None:
    """Refuse (403, with ``message``) unless the user is active and holds one of ``roles``."""
    if not has_role(user, roles):
        raise PermissionDenied(message)
