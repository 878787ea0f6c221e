"""The department handler's view (issue 5 §5), made for a phone: my work orders (a handler's
home page), each flagged when past its deadline, and on each one the contact's phone masked
with a tap-to-call reveal (logged), accept (start), a progress note with a photo, return, and
complete. How late an order is, and the clock beside it, are the SLA domain's
(tickets.extensions)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from propdesk.core import clock
from propdesk.core.errors import DomainError, NotFound, PermissionDenied
from propdesk.core.web import console_view, page_of
from propdesk.residents import phones
from propdesk.residents.services import record_phone_reveal

from .. import services
from ..choices import ACTIVE_WORK_ORDER_STATUSES, Satisfaction
from ..extensions import overdue_by, urgent_clocks
from ..models import WorkOrder

#: The moves a handler makes from the phone view, and the label on each button.
ORDER_MOVES = {
    "start": gettext_lazy("接单开始处理"),
    "note": gettext_lazy("跟进记录"),
    "complete": gettext_lazy("处理完成"),
    "return": gettext_lazy("退单"),
}


def _my_orders(user):
    """Active work orders assigned to me, or to my department and nobody yet."""
    mine = Q(assignee=user)
    if user.department_id:
        mine |= Q(department_id=user.department_id, assignee__isnull=True)
    return (
        WorkOrder.objects.for_user(user)
        .filter(mine, status__in=ACTIVE_WORK_ORDER_STATUSES)
        .select_related(
            "ticket",
            "ticket__category",
            "ticket__category__parent",
            "ticket__room__building",
            "ticket__room__unit",
            "department",
        )
        .order_by("deadline", "pk")
    )


def tel_uri(phone: str) -> str:
    """What a phone dials for a stored number: E.164 with its extension; the digits of one
    kept as typed; "" when there is nothing to dial."""
    read = phones.normalise(phone)
    if read.valid and read.e164:
        return f"tel:{read.e164}" + (f";ext={read.extension}" if read.extension else "")
    digits = phones.digits(phone)
    return f"tel:{digits}" if digits else ""


@console_view
def my_orders(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    page = page_of(request, _my_orders(request.user), per_page=20)
    orders = list(page.object_list)
    late = overdue_by(orders, now)
    for order in orders:
        order.overdue_by = late.get(order.pk, "")
    clocks = urgent_clocks([o.ticket for o in orders], now)
    return render(
        request, "tickets/my_orders.html", {"page": page, "orders": orders, "clocks": clocks}
    )


def _order(request: HttpRequest, number: str, sequence: int) -> WorkOrder:
    ticket = services.get_ticket(request.user, number)
    order = (
        WorkOrder.objects.select_related("ticket", "department", "assignee")
        .filter(ticket=ticket, sequence=sequence)
        .first()
    )
    if order is None:
        raise NotFound(_("工单不存在"))
    return order


def _page_context(order: WorkOrder) -> dict:
    ticket = order.ticket
    return {
        "order": order,
        "ticket": ticket,
        "overdue_by": overdue_by([order], clock.now()).get(order.pk, ""),
        "masked_phone": phones.mask(ticket.contact_phone),
        "notes": ticket.progress_notes.filter(work_order=order).select_related("author"),
        "photos": ticket.attachments.filter(work_order=order),
        "moves": ORDER_MOVES,
        "ratings": Satisfaction.choices,
    }


@console_view
def order_page(request: HttpRequest, number: str, sequence: int) -> HttpResponse:
    order = _order(request, number, sequence)
    context = _page_context(order)
    context.update({"active": order.status in ACTIVE_WORK_ORDER_STATUSES, "error": None})
    return render(request, "tickets/order.html", context)


@require_POST
@console_view
def reveal_phone(request: HttpRequest, number: str, sequence: int) -> HttpResponse:
    """The contact's full phone as a tap-to-call link (htmx fragment), for roles that may see
    it: the same service as the ticket page's reveal refuses the others (→ 403) and writes
    every reveal to the audit log."""
    ticket = _order(request, number, sequence).ticket
    record_phone_reveal(
        request.user,
        object_type="ticket",
        object_id=ticket.number,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return render(
        request,
        "tickets/_call_phone.html",
        {
            "phone": ticket.contact_phone,
            "tel": tel_uri(ticket.contact_phone),
            "warning": phones.warning(ticket.contact_phone),
        },
    )


@require_POST
@console_view
def order_move(request: HttpRequest, number: str, sequence: int, move: str) -> HttpResponse:
    if move not in ORDER_MOVES:
        raise PermissionDenied(_("没有这个操作"))
    order = _order(request, number, sequence)
    user, ticket, post = request.user, order.ticket, request.POST
    try:
        if move == "start":
            services.start(user, ticket, work_order=sequence)
        elif move == "note":
            photo = request.FILES.get("photo")
            text = post.get("text", "")
            if text.strip() or photo is None:
                services.add_progress_note(user, ticket, text=text, work_order=sequence)
            if photo is not None:
                services.add_attachment(user, ticket, photo, work_order=sequence)
        elif move == "complete":
            services.complete_work_order(
                user,
                ticket,
                work_order=sequence,
                result=post.get("result", ""),
                resident_rating=post.get("resident_rating", ""),
                resident_signed=post.get("resident_signed") == "on",
            )
        elif move == "return":
            services.return_work_order(
                user, ticket, work_order=sequence, reason=post.get("reason", "")
            )
    except DomainError as refused:
        if isinstance(refused, PermissionDenied):
            raise
        context = _page_context(order)
        context.update(
            {
                "active": True,
                "error": {"move": move, "field": refused.field or "", "message": refused.message},
                "posted": post,
            }
        )
        return render(request, "tickets/order.html", context, status=400)
    messages.success(request, _("已完成:%(m)s") % {"m": ORDER_MOVES[move]})
    if move in ("complete", "return"):
        return redirect("tickets:my_orders")
    return redirect("tickets:order", number=number, sequence=sequence)
