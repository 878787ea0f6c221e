"""The company dictionary for administrators (issue 20 §2). Saving and deleting go through
``search.services`` (who may, the word's form, the segmenter forgetting the old dictionary);
the texts already indexed are cut again by ``propdesk search reindex``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _

from propdesk.core.errors import DomainError

from . import services
from .models import DictionaryWord


@admin.register(DictionaryWord)
class DictionaryWordAdmin(admin.ModelAdmin):
    list_display = ("word", "company", "created_by", "created_at")
    list_filter = ("company",)
    search_fields = ("word",)
    fields = ("company", "word")
    readonly_fields = ()

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("company", "created_by")
        if request.user.is_superuser:
            return rows
        return rows.filter(company_id=request.user.company_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "company" and not request.user.is_superuser:
            from propdesk.org.models import Company

            kwargs["queryset"] = Company.objects.filter(pk=request.user.company_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.change_word(request.user, obj, obj.word)
            else:
                saved = services.add_word(request.user, obj.company, obj.word)
                obj.pk = saved.pk
        except DomainError as refused:
            raise DjangoPermissionDenied(refused.message) from refused
        messages.info(
            request, _("新词用于此后的文字;已有的诉求请运行 propdesk search reindex 重新索引")
        )

    def delete_model(self, request, obj):
        services.remove_word(request.user, obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.remove_word(request.user, entry)
