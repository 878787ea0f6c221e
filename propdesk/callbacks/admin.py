from django.contrib import admin

from .models import Callback


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
