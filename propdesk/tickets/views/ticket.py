"""The ticket page: everything about one request, the moves the user may make now (each with
its form), attachments, corrections of grade facts, and the print views of 投诉处理单,
工作协作单 and 投诉意见处理表 (``tickets.opinion``; also as a PDF)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError as PydanticValidationError

from propdesk.core import clock
from propdesk.core.audit import audit
from propdesk.core.errors import DomainError, NotFound, PermissionDenied
from propdesk.core.exports import download
from propdesk.core.models import AuditAction
from propdesk.core.web import back_to, console_view
from propdesk.residents.services import record_phone_reveal

from .. import services
from ..actions import ACTIONS
from ..choices import EventKind, Kind
from ..extensions import clock_name, page_parts, timeline_entries
from ..models import Ticket, TicketEvent
from ..moves import PAGE_LABELS, PAGE_MOVES, MoveForms, body_from_post, move_form
from ..opinion import opinion_form
from ..serializers import detail, event_data
from ..services.guards import MOVE_LABELS

#: Events the system writes on its own (clocks, grades); shown in grey on the timeline.
SYSTEM_EVENTS = {EventKind.SLA_WARNING, EventKind.SLA_BREACHED, EventKind.SLA_REPLANNED}


def _shown_value(field, value) -> str:
    if value in (None, ""):
        return "—"
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _changes(data: dict) -> list[tuple[str, str, str]]:
    """A correction as a person reads it: the field's name and the values' labels."""
    rows = []
    for name, (before, after) in (data.get("changes") or {}).items():
        try:
            field = Ticket._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            rows.append((name, str(before), str(after)))
            continue
        label = str(field.verbose_name)
        rows.append((label, _shown_value(field, before), _shown_value(field, after)))
    return rows


def _moved_due(e: TicketEvent) -> list[tuple[str, str, str]]:
    """A clock replanned on a changed calendar: its due moment before and after."""
    if e.kind != EventKind.SLA_REPLANNED:
        return []

    def shown(text: str | None) -> str:
        if not text:
            return "—"
        return localtime(datetime.fromisoformat(text)).strftime("%Y-%m-%d %H:%M")

    return [(str(_("应完成时间")), shown(e.data.get("due_before")), shown(e.data.get("due_at")))]


def _clock_name(data: dict) -> str:
    return clock_name(data.get("clock"))


def _page_context(
    request: HttpRequest, number: str, open_move: str = "", error=None, posted=None
) -> dict:
    ticket = services.get_ticket(request.user, number)
    data = detail(ticket, request.user)
    allowed = [m for m in PAGE_MOVES if m in data["allowed_actions"]]
    forms = MoveForms(ticket, request.user)
    events = [
        {
            **event_data(e),
            "system": e.actor_id is None or e.kind in SYSTEM_EVENTS,
            "changes": _changes(e.data) or _moved_due(e),
            "clock": _clock_name(e.data),
        }
        for e in TicketEvent.objects.filter(ticket=ticket)
        .select_related("actor", "work_order")
        .order_by("at", "pk")
    ]
    # Other apps' steps (a compensation claim's) among the ticket's own, by time; the sort is
    # stable, so a ticket event and a step of the same moment keep that order.
    events = sorted([*events, *timeline_entries(ticket)], key=lambda e: e["at"])
    return {
        "ticket": ticket,
        "t": data,
        "events": events,
        "moves": [
            {"name": m, "label": PAGE_LABELS.get(m) or _(MOVE_LABELS[m]), "fields": forms.fields(m)}
            for m in allowed
        ],
        "open_move": open_move,
        "error": error,
        "posted": posted or {},
        # What other apps show of the ticket: its hot issue, its callback task.
        "parts": {slot: page_parts(slot, ticket) for slot in ("ticket_badges", "ticket_facts")},
        "may_update": "update" in data["allowed_actions"],
    }


@console_view
def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "tickets/ticket.html", _page_context(request, number))


@require_POST
@console_view
def ticket_move(request: HttpRequest, number: str, move: str) -> HttpResponse:
    """Make one move from its form; a refusal shows the page again with the form open, the
    message beside the field it names, and what the user typed kept."""
    if move not in PAGE_MOVES:
        raise PermissionDenied(_("没有这个操作"))
    ticket = services.get_ticket(request.user, number)
    schema, call = ACTIONS[move]
    fields = move_form(move, ticket, request.user)
    body = body_from_post(fields, request.POST)
    try:
        call(request.user, ticket, schema.model_validate(body))
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else ""
        label = next((f.label for f in fields if f.name == name), name)
        error = {"field": name, "message": _("%(f)s 格式不对") % {"f": label}}
    except DomainError as refused:
        if isinstance(refused, PermissionDenied):
            raise
        error = {"field": refused.field or "", "message": refused.message}
    else:
        messages.success(request, _("已完成:%(m)s") % {"m": _(MOVE_LABELS[move])})
        return redirect("tickets:ticket", number=number)
    context = _page_context(request, number, open_move=move, error=error, posted=request.POST)
    return render(request, "tickets/ticket.html", context, status=400)


@require_POST
@console_view
def upload_attachment(request: HttpRequest, number: str) -> HttpResponse:
    ticket = services.get_ticket(request.user, number)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
    else:
        try:
            services.add_attachment(request.user, ticket, upload)
            messages.success(request, _("已添加附件 %(n)s") % {"n": upload.name})
        except DomainError as refused:
            messages.error(request, refused.message)
    return redirect(back_to(request, f"/tickets/{number}/"))


@require_POST
@console_view
def reveal_phone(request: HttpRequest, number: str) -> HttpResponse:
    """The full phone, for roles that may see it; every reveal is in the audit log."""
    ticket = services.get_ticket(request.user, number)
    record_phone_reveal(
        request.user,
        object_type="ticket",
        object_id=ticket.number,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return HttpResponse(ticket.contact_phone)


@console_view
def print_form(request: HttpRequest, number: str, form: str) -> HttpResponse:
    """投诉处理单 (the ticket), 工作协作单 (its work orders) or 投诉意见处理表 (a complaint, its
    handling, callback and sign-offs), laid out for A4."""
    ticket = services.get_ticket(request.user, number)
    if form == "opinion":
        return _opinion(request, ticket)
    data = detail(ticket, request.user)
    template = {
        "work-orders": "tickets/print_work_orders.html",
    }.get(form, "tickets/print_ticket.html")
    return render(request, template, {"t": data, "ticket": ticket})


def _opinion(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    """投诉意见处理表 of a complaint: the print page, or ``?format=pdf`` an A4 PDF. Each is
    written to the audit log, as every export of the record is (SPEC §11)."""
    if ticket.kind != Kind.COMPLAINT:
        raise NotFound(_("投诉意见处理表只用于投诉"))
    as_pdf = request.GET.get("format") == "pdf"
    audit(
        request.user, AuditAction.EXPORT, object_type="ticket", object_id=ticket.number,
        detail={"form": "opinion", "format": "pdf" if as_pdf else "print"},
        ip=request.META.get("REMOTE_ADDR"),
    )  # fmt: skip
    context = {**opinion_form(ticket, request.user), "printed_at": localtime(clock.now())}
    if not as_pdf:
        return render(request, "tickets/print_opinion.html", context)
    # Imported here: WeasyPrint loads Pango when imported (stats.exports_pdf).
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string("tickets/opinion_pdf.html", context, request=request)
    pdf = HTML(string=html).write_pdf()
    return download(pdf, "application/pdf", f"opinion-{ticket.number}.pdf")
