from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "propdesk.notify"
    label = "notify"
    verbose_name = _("通知")

    def ready(self) -> None:
        from propdesk.core.worker import on_start
        from propdesk.tickets.lifecycle import subscribe

        from . import lifecycle, ticket_pages

        subscribe("notify", lifecycle.on_event, order=20)
        ticket_pages.register()
        on_start("notify", _book_delivery, order=20)


def _book_delivery(reconcile: bool) -> None:
    from .services import resume_delivery

    # What is due goes now (a killed worker's run left it), its stranded messages at the end of
    # their lease, retries within the poll interval.
    resume_delivery()
