"""``GET /api/v1/taxonomy``: every list a form needs — kinds, channels, states, grades,
closure reasons, satisfaction levels, callback methods and the categories — in one answer.
It gathers the lists of several domains, so it sits above them, beside ``propdesk.api``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from propdesk.callbacks.choices import CallbackMethod
from propdesk.tickets.choices import (
    Channel,
    ClosureReason,
    GradeClass,
    GradeLevel,
    HelpType,
    Kind,
    Nature,
    RepairScope,
    ReplyChannel,
    ReporterType,
    Satisfaction,
    Status,
)
from propdesk.tickets.models import Category

router = Router(tags=["organisation"])


def _choices(choices) -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in choices.choices]


@router.get("/taxonomy", summary="Kinds, channels, states, categories and other lists")
def taxonomy(request: HttpRequest):
    categories = list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))
    tops = [c for c in categories if c.parent_id is None]
    return {
        "kinds": _choices(Kind),
        "channels": _choices(Channel),
        "statuses": _choices(Status),
        "natures": _choices(Nature),
        "grade_levels": _choices(GradeLevel),
        "grade_classes": _choices(GradeClass),
        "reporter_types": _choices(ReporterType),
        "repair_scopes": _choices(RepairScope),
        "help_types": _choices(HelpType),
        "reply_channels": _choices(ReplyChannel),
        "closure_reasons": _choices(ClosureReason),
        "satisfaction": _choices(Satisfaction),
        "callback_methods": _choices(CallbackMethod),
        "categories": [
            {
                "code": top.code,
                "name": top.display_name,
                "children": [
                    {"code": c.code, "name": c.display_name}
                    for c in categories
                    if c.parent_id == top.pk
                ],
            }
            for top in tops
        ],
    }
