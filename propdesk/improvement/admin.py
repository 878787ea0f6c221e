"""Actions in the admin: to look things up. Every change goes through the services (console and
API), checked against role, scope and state and leaving an event; nothing is deleted here."""

from django.contrib import admin

from propdesk.core.admin import ReadOnlyMixin

from .models import ActionEvent, CorrectiveAction


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = ActionEvent
    fields = ["at", "kind", "actor", "note"]
    readonly_fields = fields
    extra = 0


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "kind", "source", "project", "owner", "due_on", "status"]
    list_filter = ["status", "kind", "source", "project"]
    list_select_related = ["project", "owner"]
    search_fields = ["cause", "measure"]
    inlines = [EventInline]
