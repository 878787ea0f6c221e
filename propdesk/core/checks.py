"""Start-up checks of a deployment's settings (shown by ``propdesk check``, ``migrate``,
the web server and the worker)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning as CheckWarning

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}


def public_url(app_configs, **kwargs) -> list[CheckWarning]:
    """Links sent to residents (survey questionnaires) start with PUBLIC_URL: left at its
    development default in production, every SMS would carry a link no phone can open."""
    host = urlsplit(settings.PUBLIC_URL).hostname or ""
    if settings.DEBUG or host not in LOCAL_HOSTS:
        return []
    return [
        CheckWarning(
            f"PUBLIC_URL is {settings.PUBLIC_URL!r}: links sent to residents would not open "
            "on their phones.",
            hint="Set PUBLIC_URL to the address residents reach this site at, "
            "e.g. https://wuye.example.cn",
            id="propdesk.W001",
        )
    ]
