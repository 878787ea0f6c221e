"""Calendars, holidays and working hours: every change replans the clocks over the changed
days and is in the audit log with before and after (core.audited_admin)."""

from datetime import date

from django.contrib import admin
from django.utils import timezone

from propdesk.core.audited_admin import AuditedAdmin

from .models import Calendar, CalendarDay, CalendarYear, ProjectSchedule
from .services import announce_change, clear_cache


class CalendarYearInline(admin.TabularInline):
    model = CalendarYear
    extra = 0
    readonly_fields = ["loaded_at"]


class ClearsCache:
    """Edits take effect in this process at once (others re-read within CACHE_SECONDS), and
    the clocks running over the changed days are replanned once the edit commits."""

    def _changed(self, obj, before: object = None) -> None:
        days = [d for d in (getattr(obj, "date", None), before) if isinstance(d, date)]
        announce_change(min(days, default=timezone.localdate()))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed(obj, form.initial.get("date"))  # a day moved: from the earlier one

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed(obj)

    def delete_queryset(self, request, queryset):
        is_days = queryset.model is CalendarDay
        days = list(queryset.values_list("date", flat=True)) if is_days else []
        super().delete_queryset(request, queryset)
        announce_change(min(days, default=timezone.localdate()))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        clear_cache()


@admin.register(Calendar)
class CalendarAdmin(AuditedAdmin, ClearsCache, admin.ModelAdmin):
    list_display = ["code", "name", "company", "is_company_default"]
    inlines = [CalendarYearInline]

    def audit_snapshot(self, obj):
        """The calendar with the years it counts as known (its inline rows)."""
        years = obj.years.order_by("year").values_list("year", "source") if obj.pk else []
        return {**super().audit_snapshot(obj), "years": [[y, s] for y, s in years]}


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin, ClearsCache, admin.ModelAdmin):
    list_display = ["date", "is_workday", "note", "calendar"]
    list_filter = ["calendar", "is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(ProjectSchedule)
class ProjectScheduleAdmin(AuditedAdmin, ClearsCache, admin.ModelAdmin):
    list_display = ["project", "calendar", "work_start", "work_end"]
