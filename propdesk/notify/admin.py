"""The outbox as administrators see it: read-only, with "retry now" for what failed and the
provider's own words on each failed message; and each company's gateways, whose secrets are
written here and never shown back."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import DeliveryAttempt, Notification, OutboxMessage, ProviderConfig, WeChatFollower


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
        "next_attempt_at", "sent_at", "last_error",
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


class ProviderConfigForm(forms.ModelForm):
    """The secret is write-only: the field is always empty, says whether one is stored, and a
    blank field keeps the stored secret."""

    secret = forms.CharField(
        label=_("密钥"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = ProviderConfig
        fields = [
            "company", "project", "kind", "is_active", "key_id", "secret", "app_id",
            "sign_name", "region", "templates",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._stored_secret = self.instance.secret if self.instance.pk else ""
        self.initial["secret"] = ""
        field = self.fields["secret"]
        if self._stored_secret:
            field.help_text = _("已设置。留空则保留原密钥，填写则替换。")
        else:
            field.help_text = _(
                "阿里云 AccessKey Secret、腾讯云 SecretKey、公众号 AppSecret 或群机器人 key"
            )

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret") or ""
        if not secret and not self._stored_secret:
            raise forms.ValidationError(_("请填写密钥。"))
        return secret or self._stored_secret


@admin.register(ProviderConfig)
class ProviderConfigAdmin(admin.ModelAdmin):
    form = ProviderConfigForm
    list_display = ["company", "kind", "project", "is_active", "sign_name", "secret_state"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["company", "project"]
    list_select_related = ["company", "project"]

    @admin.display(description=_("密钥"))
    def secret_state(self, obj: ProviderConfig) -> str:
        return str(_("已设置")) if obj.secret else str(_("未设置"))


@admin.register(WeChatFollower)
class WeChatFollowerAdmin(ReadOnlyAdmin):
    list_display = ["resident", "bound_at"]
    raw_id_fields = ["resident"]
    search_fields = ["resident__name", "openid"]
