"""The outbox as administrators see it: read-only, with "retry now" for what failed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import DeliveryAttempt, Notification, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what was sent: nobody adds, edits or deletes them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["at", "ok", "provider", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "event", "channel", "recipient", "ticket", "state", "attempts",
        "next_attempt_at", "sent_at",
    ]  # fmt: skip
    list_filter = ["state", "channel", "event", "language"]
    search_fields = ["ticket__number", "dedupe_key", "address", "subject"]
    raw_id_fields = ["user", "resident", "ticket"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]
    list_select_related = ["user", "resident", "ticket"]
    # Phone numbers are shown masked, as in every list (SPEC §2): the full one is not needed
    # to see what happened to a message.
    exclude = ["address"]
    readonly_fields = ["masked_address"]

    @admin.display(description=_("收件人"))
    def recipient(self, obj: OutboxMessage) -> str:
        return obj.recipient_label

    @admin.display(description=_("地址"))
    def masked_address(self, obj: OutboxMessage) -> str:
        return obj.masked_address

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("notify.change_outboxmessage")

    @admin.action(description=_("立即重试所选消息"), permissions=["retry"])
    def retry_now(self, request, queryset):
        count = services.retry_now(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d 条消息将立即重新发送。", "%(count)d 条消息将立即重新发送。", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "message", "ok", "provider", "error"]
    list_filter = ["ok", "provider"]
    ordering = ["-at", "-pk"]
    search_fields = ["message__dedupe_key", "message__ticket__number", "error"]
    raw_id_fields = ["message"]
    list_select_related = ["message__user", "message__resident"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "title", "ticket", "read_at"]
    list_filter = ["event"]
    search_fields = ["title", "user__username", "ticket__number"]
    raw_id_fields = ["user", "outbox", "ticket"]
    list_select_related = ["user", "ticket"]
