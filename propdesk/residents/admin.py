from django.contrib import admin

from .admin_import import SheetImportExportMixin
from .models import Building, Residency, Resident, Room, Unit

# Each list imports and exports its sheet of the company workbook (admin_import.py): buildings,
# units and rooms the 房屋 sheet, residents the 住户 sheet.


@admin.register(Building)
class BuildingAdmin(SheetImportExportMixin, admin.ModelAdmin):
    list_display = ["name", "code", "project"]
    list_filter = ["project"]


@admin.register(Unit)
class UnitAdmin(SheetImportExportMixin, admin.ModelAdmin):
    list_display = ["name", "code", "building"]
    list_filter = ["building__project"]


class ResidencyInline(admin.TabularInline):
    model = Residency
    extra = 0
    autocomplete_fields = ["room"]


@admin.register(Room)
class RoomAdmin(SheetImportExportMixin, admin.ModelAdmin):
    list_display = ["__str__", "project", "floor", "area", "is_occupied"]
    list_filter = ["project", "is_occupied"]
    search_fields = ["number", "building__name"]


@admin.register(Resident)
class ResidentAdmin(SheetImportExportMixin, admin.ModelAdmin):
    list_display = ["name", "preferred_contact", "is_key_customer"]
    list_filter = ["is_key_customer", "preferred_contact", "accepts_messages"]
    search_fields = ["name", "phone", "phone2"]
    inlines = [ResidencyInline]
