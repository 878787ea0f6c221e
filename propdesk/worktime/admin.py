from datetime import date

from django.contrib import admin
from django.utils import timezone

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
class CalendarAdmin(ClearsCache, admin.ModelAdmin):
    list_display = ["code", "name", "company", "is_company_default"]
    inlines = [CalendarYearInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ClearsCache, admin.ModelAdmin):
    list_display = ["date", "is_workday", "note", "calendar"]
    list_filter = ["calendar", "is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(ProjectSchedule)
class ProjectScheduleAdmin(ClearsCache, admin.ModelAdmin):
    list_display = ["project", "calendar", "work_start", "work_end"]
