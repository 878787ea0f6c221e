"""The organisation sheets: 地区与项目 and 部门 (员工 is staff_sheet).

Natural keys: a region and a project by their codes (unique in the whole system: a code used by
another company is a problem, never a match); a department by its code within the company; a
member of staff by the login name (unique in the whole system too).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from propdesk.org.models import Department, Project, Region, project_code_validator

from .engine import Checker, Context, Row, changed, duplicate, merged
from .index import DepartmentRow, ProjectRow, RegionRow
from .reading import Table
from .report import SheetReport
from .writing import Batch


class PlacesChecker(Checker):
    def __init__(self, ctx: Context, report: SheetReport, table: Table) -> None:
        super().__init__(ctx, report, table)
        self.seen_regions: dict[str, tuple[int, str | None]] = {}
        self.seen_projects: dict[str, int] = {}
        self.regions = Batch(ctx, Region, update_fields=["name"])
        self.projects = Batch(
            ctx,
            Project,
            update_fields=["region", "name", "address", "is_active"],
            refs=["region_id"],
        )
        self.projects.before = [self.regions]
        self.region_counts = report.count(_("地区"))
        self.project_counts = report.count(_("项目"))

    # A code that can be read is remembered even when its row has a problem (a placeholder, never
    # written), so that the sheets after it do not report the same mistake once per room.

    def row(self, row: Row) -> None:
        code = row["region_code"]
        region_id = self._region(row, code) if code else None
        project_code = row["project_code"]
        if project_code is None:
            if row["project_name"] or row["address"]:
                row.problem("project_code", _("填了项目名称或地址,须填项目编码"))
            return
        if "project_code" in row.bad or duplicate(
            row, "project_code", self.seen_projects, project_code
        ):
            return
        try:
            project_code_validator(project_code)
        except ValidationError as error:
            row.problem("project_code", " ".join(error.messages))
        if project_code in self.index.other_project_codes:
            row.problem("project_code", _("项目编码已被其他公司使用"))
        self._project(row, project_code, region_id)

    def _region(self, row: Row, code: str) -> int:
        name = row["region_name"]
        if code in self.index.other_region_codes:
            row.problem("region_code", _("地区编码已被其他公司使用"))
        seen = self.seen_regions.get(code)
        if seen is not None:
            if name and seen[1] and name != seen[1]:
                row.problem(
                    "region_name",
                    _("与第 %(row)s 行同一地区的名称(%(name)s)不一致")
                    % {"row": seen[0], "name": seen[1]},
                )
            return self.index.regions[code].id
        self.seen_regions[code] = (row.number, name)
        current = self.index.regions.get(code)
        company = self.ctx.company
        if current is None:
            ref = self.ctx.ids.new()
            self.index.regions[code] = RegionRow(ref, name or "")
            if row.ok:
                self.region_counts.created += 1
                self.regions.create(ref, lambda: Region(company=company, code=code, name=name))
            return ref
        if row.ok and name and name != current.name:
            self.region_counts.updated += 1
            self.regions.update(lambda: Region(pk=current.id, name=name))
        elif row.ok:
            self.region_counts.unchanged += 1
        return current.id

    def _project(self, row: Row, code: str, region_id: int | None) -> None:
        wanted = {
            "region_id": region_id,
            "name": row["project_name"],
            "address": row["address"],
            "is_active": row["is_active"],
        }
        current = self.index.projects.get(code)
        company_id = self.ctx.company.pk
        if current is None:
            if not wanted["name"]:
                row.problem("project_name", _("新项目须填项目名称"))
            ref = self.ctx.ids.new()
            values = {"region_id": 0, "name": "", "address": "", "is_active": True} | {
                k: v for k, v in wanted.items() if v is not None
            }
            self.index.projects[code] = ProjectRow._make(
                (ref, *(values[f] for f in ProjectRow._fields[1:]))
            )
            if row.ok:
                self.project_counts.created += 1
                self.projects.create(
                    ref, lambda: Project(company_id=company_id, code=code, **values)
                )
        elif not row.ok:
            return
        elif changed(current, wanted):
            new = merged(current, wanted)
            self.index.projects[code] = ProjectRow(**new)
            self.project_counts.updated += 1
            self.projects.update(lambda: Project(**new))
        else:
            self.project_counts.unchanged += 1

    def finish(self) -> None:
        self.projects.flush()
        regions = {r.id: f"{code} {r.name}" for code, r in self.index.regions.items() if r.id > 0}
        gone = [
            i
            for c, r in self.index.regions.items()
            if (i := r.id) > 0 and c not in self.seen_regions
        ]
        self.missing(str(_("地区")), gone, lambda ids: [regions[i] for i in ids])
        projects = {p.id: f"{c} {p.name}" for c, p in self.index.projects.items() if p.id > 0}
        gone = [
            p.id for c, p in self.index.projects.items() if p.id > 0 and c not in self.seen_projects
        ]
        self.missing(str(_("项目")), gone, lambda ids: [projects[i] for i in ids])


class DepartmentsChecker(Checker):
    def __init__(self, ctx: Context, report: SheetReport, table: Table) -> None:
        super().__init__(ctx, report, table)
        self.seen: dict[str, int] = {}
        self.batch = Batch(
            ctx,
            Department,
            update_fields=["name", "kind", "project", "region", "is_active"],
            refs=["project_id", "region_id"],
        )
        self.counts = report.count(_("部门"))

    def row(self, row: Row) -> None:
        code = row["code"]
        if code is None or duplicate(row, "code", self.seen, code):
            return
        project = self._place(row, "project_code", self.index.projects)
        region = self._place(row, "region_code", self.index.regions)
        if project and region and project.region_id != region.id:
            row.problem("region_code", _("所属项目不在这个地区"))
        # Where a department belongs is read as a whole: both codes blank is a headquarters one.
        wanted = {
            "name": row["name"],
            "kind": row["kind"],
            "project_id": project.id if project else None,
            "region_id": region.id if region else None,
            "is_active": row["is_active"],
        }
        current = self.index.departments.get(code)
        company = self.ctx.company
        if current is None:
            ref = self.ctx.ids.new()
            values = wanted | {
                "is_active": True if wanted["is_active"] is None else wanted["is_active"]
            }
            self.index.departments[code] = DepartmentRow(ref, **values)
            if row.ok:  # else only remembered, so that staff in it are not reported too
                self.counts.created += 1
                self.batch.create(ref, lambda: Department(company=company, code=code, **values))
            return
        if not row.ok:
            return
        new = merged(current, wanted) | {
            "project_id": wanted["project_id"],
            "region_id": wanted["region_id"],
        }
        if DepartmentRow(**new) != current:
            self.index.departments[code] = DepartmentRow(**new)
            self.counts.updated += 1
            self.batch.update(lambda: Department(**new))
        else:
            self.counts.unchanged += 1

    def _place(self, row: Row, key: str, known: dict[str, Any]) -> Any:
        code = row[key]
        if code is None or key in row.bad:
            return None
        found = known.get(code)
        if found is None:
            row.problem(key, _("编码不存在(表中和系统中都没有)"))
        return found

    def finish(self) -> None:
        self.batch.flush()
        names = {d.id: f"{c} {d.name}" for c, d in self.index.departments.items() if d.id > 0}
        gone = [d.id for c, d in self.index.departments.items() if d.id > 0 and c not in self.seen]
        self.missing(str(_("部门")), gone, lambda ids: [names[i] for i in ids])
