"""What an id sent with a request may point at (SPEC §1: no data across projects).

Every id a caller sends — a room, a building, a resident, another request, a department, an
assignee — is looked up here, one function per kind of object, by the API and the console
alike (the console calls the same services). An object is accepted only when it lies inside
the caller's scope *and* belongs with the project of the request it is used for. Otherwise the
refusal is a 400 naming the field, and it reads nothing of the object back: an id that does
not exist and one outside the caller's scope get the same words, so a refusal does not even
tell that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from propdesk.core.errors import InvalidInput
from propdesk.org.models import Department, Project, User
from propdesk.residents.models import Building, Resident, Room

from ..models import Ticket

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class _Kind:
    label: Promise
    #: The lookup from an object of this kind to the id of a project it belongs with (a
    #: resident belongs with every project where they have a home).
    project: str


KINDS: dict[type[models.Model], _Kind] = {
    Room: _Kind(gettext_lazy("房屋"), "project_id"),
    Building: _Kind(gettext_lazy("楼栋"), "project_id"),
    Resident: _Kind(gettext_lazy("住户"), "residencies__room__project_id"),
    Ticket: _Kind(gettext_lazy("诉求"), "project_id"),
}


def unknown(model: type[models.Model], key: Any, field: str) -> InvalidInput:
    """The refusal of an id that does not exist or lies outside the caller's scope."""
    return InvalidInput(
        _("%(what)s %(id)s 不存在或不在您的数据范围内") % {"what": KINDS[model].label, "id": key},
        field=field,
    )


def resolve_in_project(
    actor: User,
    model: type[M],
    key: Any,
    project: Project | None,
    *,
    field: str,
    lookup: str = "pk",
    queryset: QuerySet[M] | None = None,
) -> M:
    """The ``model`` object whose ``lookup`` is ``key``, if ``actor`` may see it and it belongs
    with ``project``; with ``project`` None (not known yet: registration takes it from the room
    or the resident) only the scope is checked. Otherwise InvalidInput naming ``field``.

    One query when the object is where it should be; a second one only to word a refusal.
    """
    kind = KINDS[model]
    rows = (queryset if queryset is not None else model._default_manager.all()).order_by()
    where = {lookup: key}
    if key is None or (isinstance(key, str) and not key.strip()):
        raise unknown(model, key, field)
    if project is None and "__" not in kind.project:
        # One project per object (a room, a building, a request): read it, then its scope.
        found = rows.filter(**where).first()
        if found is None or not actor.in_scope(getattr(found, kind.project)):
            raise unknown(model, key, field)
        return found
    if project is not None:
        found = rows.filter(**where, **{kind.project: project.pk}).first()
        if found is not None and actor.in_scope(project.pk):
            return found
    homes = set(
        model._default_manager.filter(**where).values_list(kind.project, flat=True).distinct()
    )
    if not homes & actor.project_ids:
        raise unknown(model, key, field)
    if project is not None:
        raise InvalidInput(
            _("%(what)s %(id)s 不属于项目“%(project)s”")
            % {"what": kind.label, "id": key, "project": project.name},
            field=field,
        )
    found = rows.filter(**where).first()
    if found is None:  # gone between the two reads
        raise unknown(model, key, field)
    return found


def department_for(project: Project, code: str, *, field: str = "department") -> Department:
    """An active department of the project's company that serves the project: the project's
    own, its region's, or the company's. A department of another project is refused by its
    code only: its name is not read back."""
    department = Department.objects.filter(
        company_id=project.company_id, code=code, is_active=True
    ).first()
    if department is None:
        raise InvalidInput(_("部门编码“%(code)s”不存在") % {"code": code}, field=field)
    if not department.serves_project(project):
        raise InvalidInput(
            _("部门“%(code)s”不负责项目“%(project)s”") % {"code": code, "project": project.name},
            field=field,
        )
    return department


def assignee_for(
    department: Department, project: Project, username: str | None, *, field: str = "assignee"
) -> User | None:
    """A member of ``department`` who is active and works in ``project`` (their scope covers
    it: a work order goes only to someone who may open it). Refused by the user name only."""
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput(_("处理人“%(u)s”不存在") % {"u": username}, field=field)
    if user.department_id != department.pk or not user.in_scope(project.pk):
        raise InvalidInput(
            _("处理人“%(u)s”不是部门“%(d)s”负责本项目的员工") % {"u": username, "d": department},
            field=field,
        )
    return user
