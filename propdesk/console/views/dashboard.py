"""The home page (工作台: the service dashboard of SPEC §9) and the in-app notification list."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from propdesk.core import clock
from propdesk.core.web import console_view, page_of
from propdesk.notify.inbox import mark_all_read, mark_read, notifications_for
from propdesk.org.choices import Role

from ..dashboard import figures_for


@console_view
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard; a department handler's home is their work orders (made for the phone
    they carry), so they land there after signing in."""
    if request.user.role == Role.HANDLER:
        return redirect("tickets:my_orders")
    figures = figures_for(request.user, clock.now())
    return render(
        request,
        "console/dashboard.html",
        {"f": figures, "data": figures.chart_data()},
    )


@console_view
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's own list, newest first. A POST marks one entry read (``read=<id>``) or all
    of them; it only ever touches the signed-in user's notifications (the service filters)."""
    if request.method == "POST":
        one = request.POST.get("read", "")
        if one.isdigit():
            mark_read(request.user, [int(one)])
        else:
            count = mark_all_read(request.user)
            messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": count})
        back, page = reverse("console:notifications"), request.POST.get("page", "")
        return redirect(f"{back}?page={page}" if page.isdigit() else back)
    page = page_of(request, notifications_for(request.user).select_related("ticket"))
    return render(request, "console/notifications.html", {"page": page})
