"""Projects, buildings, departments and the taxonomy: what a client needs to fill a form."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from propdesk.callbacks.choices import CallbackMethod, Satisfaction
from propdesk.core.errors import NotFound
from propdesk.residents.models import Building
from propdesk.tickets.choices import (
    Channel,
    ClosureReason,
    GradeClass,
    GradeLevel,
    HelpType,
    Kind,
    Nature,
    RepairScope,
    ReplyChannel,
    ReporterType,
    Status,
)
from propdesk.tickets.models import Category

from .models import Department, Project
from .services import check_project_scope

router = Router(tags=["organisation"])


class ProjectOut(Schema):
    code: str
    name: str
    region: str
    address: str


class BuildingOut(Schema):
    id: int
    code: str
    name: str


class DepartmentOut(Schema):
    code: str
    name: str
    kind: str
    level: str


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_display: str
    department: str | None
    projects: list[str]


@router.get("/me", response=MeOut, summary="Who am I, and which projects do I work in")
def me(request: HttpRequest):
    user = request.user
    return {
        "username": user.username,
        "name": str(user),
        "role": user.role,
        "role_display": user.get_role_display(),
        "department": user.department.code if user.department_id else None,
        "projects": sorted(
            Project.objects.filter(pk__in=user.project_ids).values_list("code", flat=True)
        ),
    }


@router.get("/projects", response=list[ProjectOut], summary="Projects in your scope")
def projects(request: HttpRequest):
    qs = Project.objects.filter(pk__in=request.user.project_ids).select_related("region")
    return [
        {"code": p.code, "name": p.name, "region": p.region.name, "address": p.address} for p in qs
    ]


@router.get("/projects/{code}/buildings", response=list[BuildingOut])
def buildings(request: HttpRequest, code: str):
    # A project named in the address is a resource: unknown is 404, outside the scope 403
    # (an empty list would read as "this project has no buildings").
    project = Project.objects.filter(code=code).first()
    if project is None:
        raise NotFound(_("项目编码“%(code)s”不存在") % {"code": code})
    check_project_scope(request.user, project)
    qs = Building.objects.filter(project=project)
    return [{"id": b.pk, "code": b.code, "name": b.name} for b in qs]


@router.get(
    "/departments",
    response=list[DepartmentOut],
    summary="Departments that may receive a work order for a project",
)
def departments(request: HttpRequest, project: str | None = None):
    qs = Department.objects.filter(is_active=True, company_id=request.user.company_id)
    items = list(qs.select_related("project", "region"))
    if project:
        target = Project.objects.filter(code=project, pk__in=request.user.project_ids).first()
        items = [d for d in items if target and d.serves_project(target)]
    else:
        items = [
            d for d in items if d.project_id is None or d.project_id in request.user.project_ids
        ]
    return [
        {
            "code": d.code,
            "name": str(d),
            "kind": d.kind,
            "level": "project" if d.project_id else ("region" if d.region_id else "company"),
        }
        for d in items
    ]


def _choices(choices) -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in choices.choices]


@router.get("/taxonomy", summary="Kinds, channels, states, categories and other lists")
def taxonomy(request: HttpRequest):
    categories = list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))
    tops = [c for c in categories if c.parent_id is None]
    return {
        "kinds": _choices(Kind),
        "channels": _choices(Channel),
        "statuses": _choices(Status),
        "natures": _choices(Nature),
        "grade_levels": _choices(GradeLevel),
        "grade_classes": _choices(GradeClass),
        "reporter_types": _choices(ReporterType),
        "repair_scopes": _choices(RepairScope),
        "help_types": _choices(HelpType),
        "reply_channels": _choices(ReplyChannel),
        "closure_reasons": _choices(ClosureReason),
        "satisfaction": _choices(Satisfaction),
        "callback_methods": _choices(CallbackMethod),
        "categories": [
            {
                "code": top.code,
                "name": top.display_name,
                "children": [
                    {"code": c.code, "name": c.display_name}
                    for c in categories
                    if c.parent_id == top.pk
                ],
            }
            for top in tops
        ],
    }
