"""Time limits, grade rules and escalation policies: every change is in the audit log with
before and after (core.audited_admin)."""

from django.contrib import admin

from propdesk.core.audited_admin import AuditedAdmin

from . import grades, policies
from .models import EscalationPolicy, GradeRule, SlaClock, SlaPolicy


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = [
        "name", "clock", "kind", "channel", "grade_level", "category", "project",
        "unit", "amount", "warning_percent", "is_cap", "priority", "is_active",
    ]  # fmt: skip
    list_filter = ["clock", "kind", "channel", "is_active", "company"]
    search_fields = ["name", "source"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        policies.clear_cache()


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "state", "started_at", "due_at", "met_at"]
    list_filter = ["kind", "state"]
    search_fields = ["ticket__number"]
    raw_id_fields = ["ticket", "work_order"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GradeRule)
class GradeRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["scale", "order", "name", "result", "company", "is_active"]
    list_filter = ["scale", "company", "is_active"]
    search_fields = ["name", "source"]
    ordering = ["scale", "order"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        grades.clear_cache()


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = [
        "name", "company", "project", "breach_hold_hours", "reopen_threshold",
        "grade_levels_at_once", "grade_classes_at_once", "top_level",
    ]  # fmt: skip
