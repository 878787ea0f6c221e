"""What every staff page shares, in whichever app it lives: login required, and a refusal from a
service shown as the 403 or 404 page a person can read (never a stack trace, never another
project's data); paging, query strings and the safe ``next``. The pages are drawn in the
console's frame (``console/403.html``, ``console/404.html``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import NotFound, PermissionDenied
from .paging import BoundedPaginator

PAGE_SIZE = 25


def console_view(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as refused:
            return render(request, "console/403.html", {"reason": refused.message}, status=403)
        except NotFound as missing:
            return render(request, "console/404.html", {"reason": missing.message}, status=404)

    return wrapped


def page_of(request: HttpRequest, rows, per_page: int = PAGE_SIZE, *, bounded: bool = False):
    """One page of a list; a page number out of range gives the last page. ``bounded`` lists
    (the ticket queues, residents, hot issues: a company's can run to millions) count up to
    core.paging.COUNT_LIMIT and show "1000+" past it; the others count everything."""
    from . import paging

    limit = paging.COUNT_LIMIT if bounded else None
    return BoundedPaginator(rows, per_page, limit=limit).get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without some parameters (for sort and page links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def back_to(request: HttpRequest, default: str) -> str:
    """Where to go after an action: the form's (or address's) ``next`` when it is a page of
    this site, else ``default``. Never another site: not ``https://evil.example/``, not
    ``//evil.example``, not ``javascript:``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
