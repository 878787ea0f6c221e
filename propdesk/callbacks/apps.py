from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "propdesk.callbacks"
    label = "callbacks"
    verbose_name = _("回访")

    def ready(self) -> None:
        from propdesk.core.worker import on_start
        from propdesk.tickets.lifecycle import subscribe

        from . import actions, lifecycle

        subscribe("callbacks", lifecycle.on_event, order=40)
        actions.register()
        actions.register_ticket_reads()
        actions.register_page_parts()
        on_start("callbacks", _book_sampling, order=40)


def _book_sampling(reconcile: bool) -> None:
    """The daily repair sampling (30% of in-home repairs called back)."""
    from .tasks import ensure_booked

    ensure_booked()
