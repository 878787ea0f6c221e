from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_logins import unlock_logins
from .models import ApiToken, Company, Department, Project, Region, User


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username", "display_name", "role", "department", "scope_level", "is_active", "locked_until"
    ]  # fmt: skip
    list_filter = ["role", "scope_level", "is_active"]
    actions = [unlock_logins]
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # tokens are made by `propdesk token create`
        return False
