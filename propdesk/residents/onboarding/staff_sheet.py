"""The 员工 sheet: staff by their login name (unique in the whole system: a name used by another
company is a problem, never a match), each with a role, a department and a scope.

Staff created here get an unusable password: they set their own through a first-login link.
The scope (level, region, projects) is read as a whole from each row.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from propdesk.org.choices import ScopeLevel
from propdesk.org.models import User

from .engine import Checker, Context, Row, duplicate, merged
from .index import StaffRow
from .reading import Table
from .report import SheetReport
from .writing import Batch


class StaffChecker(Checker):
    def __init__(self, ctx: Context, report: SheetReport, table: Table) -> None:
        super().__init__(ctx, report, table)
        self.seen: dict[str, int] = {}
        fields = ["display_name", "phone", "email", "role", "department", "scope_level"]
        self.batch = Batch(
            ctx,
            User,
            update_fields=[*fields, "scope_region", "is_active"],
            refs=["department_id", "scope_region_id"],
        )
        #: User (id or placeholder) → the projects of their scope, for the users whose changed.
        self.scopes: dict[int, frozenset[int]] = {}
        self.counts = report.count(_("员工"))

    def row(self, row: Row) -> None:
        username = row["username"]
        if username is None or duplicate(row, "username", self.seen, username):
            return
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            row.problem("username", _("只能含字母、数字和 @ . + - _"))
        if username in self.index.other_usernames:
            row.problem("username", _("登录名已被其他公司的账号使用"))
        if row["name"] is None and "name" not in row.bad and username not in self.index.staff:
            # A new account needs a name; an existing one keeps its own (blank keeps, as in
            # every column), so one exported with no name imports back unchanged.
            row.problem("name", _("新账号须填写姓名"))
        department = None
        if row["department"] and "department" not in row.bad:
            department = self.index.departments.get(row["department"])
            if department is None:
                row.problem("department", _("部门编码不存在(部门表中和系统中都没有)"))
        scope = self._scope(row)
        if not row.ok or scope is None:
            return
        level, region_id, projects = scope
        wanted = {
            "display_name": row["name"],
            "phone": row["phone"],
            "email": row["email"],
            "role": row["role"],
            "department_id": department.id if department else None,
            "scope_level": level,
            "scope_region_id": region_id,
            "is_active": row["is_active"],
            "scope_projects": projects,
        }
        self._save(username, wanted)

    def _scope(self, row: Row) -> tuple[str, int | None, frozenset[int]] | None:
        """The scope as a whole (level, region, projects), or None when it is wrong."""
        level = row["scope"]
        if level == ScopeLevel.PROJECTS:
            # None listed is allowed: someone not yet assigned sees no project (and what the
            # export writes for them must import back unchanged).
            codes = row["scope_projects"] or ()
            unknown = [c for c in codes if c not in self.index.projects]
            if unknown:
                row.problem(
                    "scope_projects", _("项目编码不存在:%(codes)s") % {"codes": "、".join(unknown)}
                )
                return None
            return level, None, frozenset(self.index.projects[c].id for c in codes)
        if level == ScopeLevel.REGION:
            code = row["scope_region"]
            region = self.index.regions.get(code) if code else None
            if region is None:
                message = (
                    _("地区编码不存在") if code else _("数据范围为地区公司时,须填范围地区编码")
                )
                row.problem("scope_region" if code else "scope", message)
                return None
            return level, region.id, frozenset()
        if level == ScopeLevel.COMPANY:
            return level, None, frozenset()
        return None  # the scope cell itself was wrong or blank: already a problem

    def _save(self, username: str, wanted: dict[str, Any]) -> None:
        current = self.index.staff.get(username)
        company = self.ctx.company
        if current is None:
            ref = self.ctx.ids.new()
            values = {k: v for k, v in wanted.items() if v is not None}
            values.setdefault("is_active", True)
            projects = values.pop("scope_projects")
            self.counts.created += 1
            self.scopes[ref] = projects

            def make() -> User:
                user = User(username=username, company=company, **values)
                # They set their own password through a first-login link.
                user.set_unusable_password()
                return user

            self.batch.create(ref, make)
            return
        new = merged(current, wanted) | {
            key: wanted[key] for key in ("scope_region_id", "scope_projects")
        }
        if StaffRow(**new) == current:
            self.counts.unchanged += 1
            return
        self.counts.updated += 1
        if new["scope_projects"] != current.scope_projects:
            self.scopes[current.id] = new["scope_projects"]
        fields = {k: v for k, v in new.items() if k not in ("id", "scope_projects")}
        self.batch.update(lambda: User(pk=current.id, **fields))

    def finish(self) -> None:
        self.batch.flush()
        if self.ctx.writing and self.scopes:
            self._write_scopes()
        names = {s.id: f"{u} {s.display_name}" for u, s in self.index.staff.items()}
        gone = [s.id for u, s in self.index.staff.items() if u not in self.seen]
        self.missing(str(_("员工")), gone, lambda ids: [names[i] for i in ids])

    def _write_scopes(self) -> None:
        through = User.scope_projects.through
        resolve = self.ctx.ids.resolve
        users = {resolve(ref): projects for ref, projects in self.scopes.items()}
        through.objects.filter(user_id__in=list(users)).delete()
        through.objects.bulk_create(
            [
                through(user_id=user_id, project_id=resolve(project_id))
                for user_id, projects in users.items()
                for project_id in sorted(projects)
            ],
            batch_size=2000,
        )
