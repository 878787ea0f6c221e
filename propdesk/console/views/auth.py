"""Staff login with lockout after repeated failures (org.services.sign_in), and logout."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from propdesk.core.errors import NotAuthenticated
from propdesk.org.services import sign_in


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    error = None
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            user = sign_in(username, request.POST.get("password", ""), ip=_client_ip(request))
        except NotAuthenticated as refused:
            error = refused.message
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url)
    status = 401 if error else 200
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
