"""Who am I, projects and departments: what a client needs to fill a form (buildings and rooms:
``residents.api``; the lists of kinds, states and categories: ``propdesk.taxonomy``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from .models import Department, Project

router = Router(tags=["organisation"])


class ProjectOut(Schema):
    code: str
    name: str
    region: str
    address: str


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
        "projects": sorted(Project.objects.for_user(user).values_list("code", flat=True)),
    }


@router.get("/projects", response=list[ProjectOut], summary="Projects in your scope")
def projects(request: HttpRequest):
    qs = Project.objects.for_user(request.user).select_related("region")
    return [
        {"code": p.code, "name": p.name, "region": p.region.name, "address": p.address} for p in qs
    ]


@router.get(
    "/departments",
    response=list[DepartmentOut],
    summary="Departments that may receive a work order for a project",
)
def departments(request: HttpRequest, project: str | None = None):
    qs = Department.objects.filter(is_active=True, company_id=request.user.company_id)
    items = list(qs.select_related("project", "region"))
    if project:
        target = Project.objects.for_user(request.user).filter(code=project).first()
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
