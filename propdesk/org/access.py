"""The one permission door (SPEC §1: nobody sees or acts on anything outside their scope).

Every list, detail, export and figure, in the API and the console, asks here which projects a
user reaches; nothing else computes a scope:

- ``visible_projects(user)``: the door itself — the ids of the projects the user may see and act
  on, worked out once per user object (a request's user) from the scope level.
- ``scoped(rows, user, path)``: the rows whose project (reached by ``path``) is in the scope.
- ``ScopedQuerySet``: the base of each model family's queryset, so that every family reads
  ``Model.objects.for_user(user)`` (tickets, rooms, residents, hot issues, callbacks …).
- ``check_project_scope(user, project)`` / ``in_scope``: one row already read, refused (403) or
  answered when it lies outside (a detail page, an id sent in a form).

``User.project_ids`` and ``User.in_scope`` answer through ``visible_projects`` too. A test walks
every page and every API operation as each role and counts the calls of ``visible_projects``
(org/tests/test_one_door.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from propdesk.core.errors import OutOfScope

from .choices import ScopeLevel

if TYPE_CHECKING:
    from .models import Project, User

_M = TypeVar("_M", bound=models.Model)
_CACHE = "_visible_projects"


def visible_projects(user: User) -> frozenset[int]:
    """Ids of the projects this user may see and act on; none for an inactive user."""
    # getattr/setattr, not __dict__: a request's user is a lazy proxy of the User row.
    cached: frozenset[int] | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    from .models import Project

    if not user.is_active:
        ids: frozenset[int] = frozenset()
    elif user.scope_level == ScopeLevel.COMPANY:
        ids = frozenset(
            Project.objects.filter(company_id=user.company_id).values_list("pk", flat=True)
        )
    elif user.scope_level == ScopeLevel.REGION:
        ids = frozenset(
            Project.objects.filter(region_id=user.scope_region_id).values_list("pk", flat=True)
        )
    else:
        ids = frozenset(user.scope_projects.values_list("pk", flat=True))
    setattr(user, _CACHE, ids)
    return ids


def forget(user: User) -> None:
    """Work the scope out again at the next question (after the scope itself was changed)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def in_scope(user: User, project_id: int | None) -> bool:
    return project_id is not None and project_id in visible_projects(user)


def check_project_scope(user: User, project: Project | int, *, field: str | None = None) -> None:
    """Raise OutOfScope unless ``project`` is within the user's scope (naming ``field`` when
    the project was sent in one)."""
    project_id = project if isinstance(project, int) else project.pk
    if not in_scope(user, project_id):
        raise OutOfScope(_("该项目不在您的数据范围内"), field=field)


def scoped(rows: models.QuerySet[_M], user: User, path: str) -> models.QuerySet[_M]:
    """The rows whose project — ``path`` leads to its id: ``project``, ``ticket__project``,
    ``pk`` for projects themselves — is in the user's scope."""
    return rows.filter(**{f"{path}__in": visible_projects(user)})


class ScopedQuerySet(models.QuerySet[_M]):
    """``Model.objects.for_user(user)``: a model family's rows in the user's scope. Each family
    subclasses it with its ``scope_path`` (``TicketQuerySet``, ``RoomQuerySet`` …)."""

    #: From a row to its project's id.
    scope_path: str = "project"
    #: The path crosses a to-many relation (a resident's homes): each row once.
    scope_distinct: bool = False

    def for_user(self, user: User) -> Self:
        rows = scoped(self, user, self.scope_path)
        return rows.distinct() if self.scope_distinct else rows
