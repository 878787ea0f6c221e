"""Until ``propdesk.api`` mounts the notifications router, the API tests serve it from an API
configured like the real one (same authentication, renderer and error handlers)."""

from django.urls import path
from ninja import NinjaAPI

from propdesk import api as main
from propdesk.notify.api import router

api = NinjaAPI(
    auth=[main.BearerToken(), main.SessionWithCsrf()],
    renderer=main.ReadableJSONRenderer(),
    urls_namespace="notify-tests",
)
for exc_class, handler in main.api._exception_handlers.items():
    api.add_exception_handler(exc_class, handler)
api.add_router("/", router)

urlpatterns = [path("api/v1/", api.urls)]


def mounted() -> bool:
    """Whether the real API serves the notifications router already."""
    return any(r is router for _, r in main.api._routers)
