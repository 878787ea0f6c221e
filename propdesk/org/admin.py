from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from propdesk.core.audited_admin import AuditedAdmin
from propdesk.core.models import AuditAction
from propdesk.core.requests import client_ip

from .admin_logins import unlock_logins
from .first_login import first_login_path, issue_links, valid_until
from .models import ApiToken, Company, CompanyOfficer, Department, Project, Region, User


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(CompanyOfficer)
class CompanyOfficerAdmin(AuditedAdmin, admin.ModelAdmin):
    """The management representative, the general manager and the deputies (seed 001 篇4):
    who approves survey plans and receives their reports. Audited like a role change."""

    audit_action = AuditAction.PERMISSION_CHANGE
    list_display = ["company", "title", "user"]
    list_filter = ["company", "title"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "company"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "project", "region", "is_active"]
    list_filter = ["kind", "region", "project"]
    search_fields = ["code", "name"]


#: What decides what a staff member may do and see (SPEC §1, §11): every change is audited.
PERMISSION_FIELDS = (
    "role", "company", "department", "scope_level", "scope_region", "scope_projects",
    "is_active", "is_staff", "is_superuser", "groups", "user_permissions",
)  # fmt: skip


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    audit_action = AuditAction.PERMISSION_CHANGE
    audit_fields = PERMISSION_FIELDS
    list_display = [
        "username", "display_name", "role", "department", "scope_level", "is_active", "locked_until"
    ]  # fmt: skip
    list_filter = ["role", "scope_level", "is_active"]
    actions = [unlock_logins, "print_first_login_sheet"]
    search_fields = ["username", "display_name", "phone"]
    filter_horizontal = ["scope_projects", "groups", "user_permissions"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("岗位与数据范围"),
            {
                "fields": (
                    "display_name",
                    "phone",
                    "role",
                    "company",
                    "department",
                    "scope_level",
                    "scope_region",
                    "scope_projects",
                )
            },
        ),
    )

    @admin.action(description=_("打印首次登录单"), permissions=["change"])
    def print_first_login_sheet(self, request: HttpRequest, queryset: QuerySet[User]):
        """One line per selected account that has no password yet: its one-time link to set
        one (org/first_login.py). Handing the links out is audited."""
        users = list(queryset.order_by("username"))
        waiting = issue_links(request.user, users, ip=client_ip(request))
        rows = [
            {"user": u, "link": request.build_absolute_uri(first_login_path(u))} for u in waiting
        ]
        skipped = [u for u in users if u not in waiting]
        return render(
            request, "org/first_login_sheet.html",
            {"rows": rows, "skipped": skipped, "valid_until": valid_until()},
        )  # fmt: skip


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # tokens are made by `propdesk token create`
        return False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):
    """Django's permission groups: a change to a group's permissions changes its members'."""

    audit_action = AuditAction.PERMISSION_CHANGE
