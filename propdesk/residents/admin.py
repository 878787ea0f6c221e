from django.contrib import admin

from .models import Building, Residency, Resident, Room, Unit


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "project"]
    list_filter = ["project"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "building"]
    list_filter = ["building__project"]


class ResidencyInline(admin.TabularInline):
    model = Residency
    extra = 0
    autocomplete_fields = ["room"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "floor", "area", "is_occupied"]
    list_filter = ["project", "is_occupied"]
    search_fields = ["number", "building__name"]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["name", "preferred_contact", "is_key_customer"]
    list_filter = ["is_key_customer", "preferred_contact"]
    search_fields = ["name", "phone", "phone2"]
    inlines = [ResidencyInline]
