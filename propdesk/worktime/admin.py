from django.contrib import admin

from .models import Calendar, CalendarDay, CalendarYear, ProjectSchedule
from .services import clear_cache


class CalendarYearInline(admin.TabularInline):
    model = CalendarYear
    extra = 0
    readonly_fields = ["loaded_at"]


class ClearsCache:
    """Edits take effect in this process at once (others re-read within CACHE_SECONDS)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        clear_cache()

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
