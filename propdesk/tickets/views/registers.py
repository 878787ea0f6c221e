"""来电/来访/来信登记表 (seed 002 6.5.1) printed or exported from the record: one register, one
period, the user's projects. Phones are masked as in every list; each export is audited."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.audit import audit
from propdesk.core.errors import InvalidInput
from propdesk.core.exports import csv_download
from propdesk.core.models import AuditAction
from propdesk.core.web import console_view
from propdesk.residents.models import mask_phone

from ..models import Ticket
from ..registers import REGISTERS, register_rows


def _date(value: str | None, default: date, field: str) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD"), field=field) from None


def _row(t: Ticket) -> dict:
    return {
        "received_at": timezone.localtime(t.received_at),
        "number": t.number,
        "project": t.project.name,
        "who": t.contact_name or (_("匿名") if t.reporter_type == "anonymous" else ""),
        "room": t.room.label if t.room else t.place,
        "phone": mask_phone(t.contact_phone),
        "kind": t.get_kind_display(),
        "category": t.category.full_name,
        "description": t.description,
        "expectation": t.expectation,
        "taken_by": str(t.registered_by) if t.registered_by else "",
        "status": t.get_status_display(),
        "resolution": t.resolution,
    }


HEADER = [
    "received_at", "number", "project", "who", "room", "phone", "kind", "category",
    "description", "expectation", "taken_by", "status", "resolution",
]  # fmt: skip


def _labels() -> list[str]:
    return [
        _("接报时间"), _("编号"), _("项目"), _("来电/来访人"), _("房屋/地点"), _("联系电话"),
        _("类型"), _("分类"), _("事项内容"), _("客户期望"), _("受理人"), _("处理状态"),
        _("处理结果"),
    ]  # fmt: skip


@console_view
def intake_register(request: HttpRequest, register: str) -> HttpResponse:
    if register not in REGISTERS:
        raise Http404
    today = timezone.localtime(clock.now()).date()
    title = str(REGISTERS[register][0])
    try:
        start = _date(request.GET.get("from"), today, "from")
        end = _date(request.GET.get("to"), start, "to")
        rows = [_row(t) for t in register_rows(request.user, register, start, end)]
    except InvalidInput as refused:
        return HttpResponse(refused.message, status=400)
    if request.GET.get("format") == "csv":
        name = f"{register}-register-{start}-{end}"
        audit(
            request.user, AuditAction.EXPORT, object_type="record", object_id=name,
            detail={"rows": len(rows), "query": request.GET.urlencode()},
            ip=request.META.get("REMOTE_ADDR"),
        )  # fmt: skip
        body = [
            [r["received_at"].strftime("%Y-%m-%d %H:%M"), *(r[k] for k in HEADER[1:])] for r in rows
        ]
        return csv_download(f"{name}.csv", _labels(), body)
    context = {
        "title": title,
        "register": register,
        "registers": [(key, str(value[0])) for key, value in REGISTERS.items()],
        "start": start,
        "end": end,
        "rows": rows,
    }
    return render(request, "tickets/print_register.html", context)
