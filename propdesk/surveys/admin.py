"""Surveys in the admin: to look things up. Every change goes through the services (console and
API), so it is checked against role, scope and status and leaves an event; answers are never
changed at all, and nothing is deleted here (survey records are kept, SPEC §7)."""

from django.contrib import admin

from propdesk.core.admin import ReadOnlyMixin

from .models import (
    Campaign,
    CampaignEvent,
    Invitation,
    Item,
    ReportDistribution,
    ReportReceipt,
    Response,
    ResponseItem,
)


class ItemInline(ReadOnlyMixin, admin.TabularInline):
    model = Item
    fields = ["order", "area", "text"]
    readonly_fields = fields
    extra = 0


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = CampaignEvent
    fields = ["at", "kind", "actor", "note", "data"]
    readonly_fields = fields
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "name", "company", "unit", "status", "period_start", "period_end", "created_by"
    ]  # fmt: skip
    list_filter = ["status", "unit", "company"]
    search_fields = ["name"]
    date_hierarchy = "period_start"
    inlines = [ItemInline, EventInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["campaign", "project", "room", "channel", "issued_at"]
    list_filter = ["channel", "project"]
    list_select_related = ["campaign", "project", "room__building", "room__unit"]
    raw_id_fields = ["room"]
    # The token is the resident's key: not shown in lists, only on the record.
    exclude = ["token"]


class AnswerInline(ReadOnlyMixin, admin.TabularInline):
    model = ResponseItem
    fields = ["item", "level", "comment"]
    readonly_fields = fields
    extra = 0


@admin.register(Response)
class ResponseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["campaign", "project", "invitation", "source", "answered_at", "entered_by"]
    list_filter = ["source", "project"]
    list_select_related = ["campaign", "project", "invitation", "entered_by"]
    inlines = [AnswerInline]


class ReceiptInline(ReadOnlyMixin, admin.TabularInline):
    model = ReportReceipt
    fields = ["recipient", "reasons", "sent_at", "received_at"]
    readonly_fields = fields
    extra = 0


@admin.register(ReportDistribution)
class ReportDistributionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The analysis report's review, distribution and receipts (made on the campaign's page)."""

    list_display = ["campaign", "reviewed_by", "reviewed_at", "distributed_by", "distributed_at"]
    inlines = [ReceiptInline]
