from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditLog


class ReadOnlyMixin:
    """An admin page or inline to look rows up, never to change them: every change goes
    through an app's services (checked against role and scope, leaving an event), and
    records are kept, so nothing is added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "object_type", "object_id", "changed", "ip"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"
    search_fields = ["object_id", "user__username"]

    @admin.display(description=_("变更字段"))
    def changed(self, obj: AuditLog) -> str:
        return ", ".join(obj.detail.get("changed", [])) if isinstance(obj.detail, dict) else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
