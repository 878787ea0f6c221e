"""Facts about the HTTP request every app needs (the audit log, login throttling)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: the connection's, or behind ``NUM_PROXIES`` proxies the one the
    outermost of them put in X-Forwarded-For (what a client writes there itself is ignored)."""
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None
