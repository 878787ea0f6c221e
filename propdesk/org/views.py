"""The first-login page: a member of staff sets their own password from the link the
administrator handed them (org/first_login.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from propdesk.core.errors import InvalidInput

from .first_login import set_first_password, user_for_link


@never_cache
def first_login(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    user = user_for_link(uid, token)
    if user is None:
        return render(request, "org/first_login.html", {"invalid": True}, status=404)
    context: dict = {"person": user}
    if request.method == "POST":
        try:
            set_first_password(
                user, request.POST.get("password", ""), request.POST.get("confirmation", "")
            )
        except InvalidInput as refused:
            context.update(error=refused.message, status=400)
        else:
            messages.success(request, _("密码已设置,请用新密码登录"))
            return redirect(f"/login/?next=/&username={user.username}")
    return render(request, "org/first_login.html", context, status=context.get("status", 200))
