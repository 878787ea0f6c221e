"""Staff login with lockout after repeated failures (org.logins.sign_in), and logout."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from propdesk.core.errors import NotAuthenticated
from propdesk.core.requests import client_ip
from propdesk.core.web import back_to
from propdesk.org.logins import sign_in


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = back_to(request, "/")
    error, status = None, 200
    # Filled in after a first login (org/first_login.py): the person has just set a password.
    username = request.GET.get("username", "")
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            user = sign_in(username, request.POST.get("password", ""), ip=client_ip(request))
        except NotAuthenticated as refused:
            error, status = refused.message, refused.status_code
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url)
    return render(
        request,
        "console/login.html",
        {"error": error, "username": username, "next": next_url},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("console:login")
