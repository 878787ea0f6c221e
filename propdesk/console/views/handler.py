"""The department handler's view (issue 5 §5), made for a phone: my work orders, and on each
one accept (start), a progress note with a photo, return, and complete."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from propdesk.callbacks.choices import Satisfaction
from propdesk.core import clock
from propdesk.core.errors import DomainError, NotFound, PermissionDenied
from propdesk.tickets import services
from propdesk.tickets.choices import ACTIVE_WORK_ORDER_STATUSES
from propdesk.tickets.models import WorkOrder

from ..queues import urgent_clocks
from .base import console_view, page_of

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
        WorkOrder.objects.filter(
            mine, status__in=ACTIVE_WORK_ORDER_STATUSES, ticket__project_id__in=user.project_ids
        )
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


@console_view
def my_orders(request: HttpRequest) -> HttpResponse:
    page = page_of(request, _my_orders(request.user), per_page=20)
    orders = list(page.object_list)
    clocks = urgent_clocks([o.ticket for o in orders], clock.now())
    return render(
        request, "console/my_orders.html", {"page": page, "orders": orders, "clocks": clocks}
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


@console_view
def order_page(request: HttpRequest, number: str, sequence: int) -> HttpResponse:
    order = _order(request, number, sequence)
    notes = order.ticket.progress_notes.filter(work_order=order).select_related("author")
    photos = order.ticket.attachments.filter(work_order=order)
    return render(
        request,
        "console/order.html",
        {
            "order": order,
            "ticket": order.ticket,
            "notes": notes,
            "photos": photos,
            "moves": ORDER_MOVES,
            "ratings": Satisfaction.choices,
            "active": order.status in ACTIVE_WORK_ORDER_STATUSES,
            "error": None,
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
        notes = ticket.progress_notes.filter(work_order=order).select_related("author")
        return render(
            request,
            "console/order.html",
            {
                "order": order,
                "ticket": ticket,
                "notes": notes,
                "photos": ticket.attachments.filter(work_order=order),
                "moves": ORDER_MOVES,
                "ratings": Satisfaction.choices,
                "active": True,
                "error": {"move": move, "field": refused.field or "", "message": refused.message},
                "posted": post,
            },
            status=400,
        )
    messages.success(request, _("已完成:%(m)s") % {"m": ORDER_MOVES[move]})
    if move in ("complete", "return"):
        return redirect("console:my_orders")
    return redirect("console:order", number=number, sequence=sequence)
