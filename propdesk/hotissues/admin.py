from django.contrib import admin

from .models import HotIssue, HotIssueEvent, HotIssueMember


class MemberInline(admin.TabularInline):
    model = HotIssueMember
    fields = ["ticket", "source", "added_at", "removed_at", "removed_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class EventInline(admin.TabularInline):
    model = HotIssueEvent
    fields = ["at", "kind", "actor", "note", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(HotIssue)
class HotIssueAdmin(admin.ModelAdmin):
    """Read-only here: decisions are made through the services (API, console) so each is an
    event."""

    list_display = ["pk", "project", "title", "basis", "status", "member_count",
                    "complainant_count", "last_received_at"]  # fmt: skip
    list_filter = ["status", "basis", "project"]
    search_fields = ["title", "members__ticket__number"]
    inlines = [MemberInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
