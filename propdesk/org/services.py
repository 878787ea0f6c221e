"""Staff, scopes and API tokens."""

from __future__ import annotations

import operator
import secrets
from collections.abc import Iterable
from datetime import datetime
from functools import reduce
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.errors import InvalidInput

from .choices import Role, ScopeLevel
from .models import ApiToken, Department, Project, User


def create_api_token(user: User, *, name: str = "", now: datetime | None = None) -> str:
    """Create a bearer token for ``user`` and return it; it cannot be shown again."""
    if not user.is_active:
        raise InvalidInput(_("用户已停用,不能创建令牌"), field="user")
    key = "pd_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=key[3:11], key_hash=ApiToken.hash_key(key))
    return key


def user_for_token(key: str, *, now: datetime | None = None) -> User | None:
    """The active user a token belongs to, or None if it is unknown or revoked."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    at = clock.resolve(now)
    # Touch at most once a minute: a busy program must not turn every read into a write.
    if token.last_used_at is None or (at - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.user


@transaction.atomic
def revoke_api_tokens(user: User, *, now: datetime | None = None) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=clock.resolve(now)
    )


def staff_in_roles(place: Any, roles: Iterable[str]) -> list[User]:
    """The active staff who hold these roles over a project — its supervisors and project
    managers (by their project scope), its region's managers, the company's HQ staff — for
    anything placed in a project (``place`` has ``project_id``, ``company_id`` and ``project``;
    the project is read only for the region). One query: each role's people in id order,
    role after role as given, everyone once."""
    roles = list(dict.fromkeys(roles))
    wanted = []
    for role in roles:
        if role in (Role.SUPERVISOR, Role.PROJECT_MANAGER):
            wanted.append(Q(role=role, scope_projects=place.project_id))
        elif role == Role.REGION:
            wanted.append(
                Q(role=role, scope_level=ScopeLevel.REGION, scope_region=place.project.region_id)
            )
        else:
            wanted.append(Q(role=role, company_id=place.company_id))
    if not wanted:
        return []
    users = User.objects.filter(reduce(operator.or_, wanted), is_active=True)
    by_role: dict[str, list[User]] = {}
    for user in users.order_by("pk").distinct():
        by_role.setdefault(user.role, []).append(user)
    return [user for role in roles for user in by_role.pop(role, [])]


def departments_serving(project: Project, *, kind: str | None = None) -> list[Department]:
    """The active departments that serve a project, nearest first: its own, then its region's,
    then the company's (HQ customer service, legal, quality …); of one kind when given."""
    rows = Department.objects.filter(company_id=project.company_id, is_active=True).filter(
        Q(project_id=project.pk)
        | Q(project__isnull=True, region_id=project.region_id)
        | Q(project__isnull=True, region__isnull=True)
    )
    if kind is not None:
        rows = rows.filter(kind=kind)
    return sorted(rows, key=lambda d: (0 if d.project_id else 1 if d.region_id else 2, d.code))


#: The user name of a project's portal account: never a person, never able to sign in.
PORTAL_ACCOUNT_PREFIX = "portal."


def is_portal_account(user: User | None) -> bool:
    """Whether ``user`` is a project's portal account (``portal_account``): not a person, so
    nobody reads what is sent to it."""
    return user is not None and user.username.startswith(PORTAL_ACCOUNT_PREFIX)


def portal_account(project: Project) -> User:
    """The account in whose name the resident portal of ``project`` records what residents do
    there (a request, a photo, a rating): every ticket move names a user, and a resident is not
    one. It cannot sign in (no usable password, no token), reaches only its project, and has
    the quality role: it may register, add notes and files and record a rating (callback),
    and it is never the first owner a callback task or an escalation is given to
    (callbacks.services.choose_owner, staff_in_roles of managers)."""
    username = f"{PORTAL_ACCOUNT_PREFIX}{project.code}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User(
                username=username,
                display_name=_("住户自助(%(project)s)") % {"project": project.name},
                role=Role.QUALITY,
                company_id=project.company_id,
                scope_level=ScopeLevel.PROJECTS,
            )
            user.set_unusable_password()
            user.save()
            user.scope_projects.set([project])
    except IntegrityError:  # made at the same moment by another request
        return User.objects.get(username=username)
    return user
