"""Configuration screens. Tickets are shown read-only here: every change to a ticket goes
through a lifecycle move (services), so that it writes its event."""

from django.contrib import admin

from propdesk.core.admin import ReadOnlyMixin
from propdesk.core.audited_admin import AuditedAdmin

from .models import Category, FeeStandard, RoutingRule, Ticket, TicketEvent, WorkOrder


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "sort_order", "is_active"]
    list_filter = ["parent", "is_active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    """Category and/or channel → department: what the dispatch form proposes (SPEC §3 item 4).
    A dispatch policy: every change is in the audit log with before and after."""

    list_display = ["name", "category", "channel", "department_kind", "department", "company",
                    "project", "priority", "is_active"]  # fmt: skip
    list_filter = ["is_active", "channel", "department_kind"]
    autocomplete_fields = ["category"]
    search_fields = ["name"]


@admin.register(FeeStandard)
class FeeStandardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "price", "is_active"]
    search_fields = ["code", "name"]


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = TicketEvent
    fields = ["at", "kind", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0


class WorkOrderInline(ReadOnlyMixin, admin.TabularInline):
    model = WorkOrder
    fields = ["sequence", "department", "assignee", "status", "deadline", "result"]
    readonly_fields = fields
    extra = 0


@admin.register(Ticket)
class TicketAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "project", "kind", "channel", "category", "status", "received_at"]
    list_filter = ["project", "kind", "channel", "status", "grade_level"]
    search_fields = ["number", "description", "contact_name"]
    date_hierarchy = "received_at"
    inlines = [WorkOrderInline, EventInline]
    list_select_related = ["project", "category", "category__parent"]
