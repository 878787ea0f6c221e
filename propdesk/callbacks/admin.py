from django.contrib import admin

from .models import Callback, CallbackTask


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ["ticket", "method", "satisfaction", "called_by", "called_at"]
    list_filter = ["method", "satisfaction"]

    def has_add_permission(self, request):  # recorded through the callback move
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallbackTask)
class CallbackTaskAdmin(admin.ModelAdmin):
    """Read-only: tasks follow the ticket's moves (resolution, callback, closure)."""

    list_display = ["ticket", "reason", "status", "owner", "by_manager", "due_at", "done_at"]
    list_filter = ["status", "reason", "by_manager"]
    search_fields = ["ticket__number"]
    raw_id_fields = ["ticket", "owner", "callback"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
