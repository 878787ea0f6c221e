from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "propdesk.portal"
    label = "portal"
    verbose_name = _("住户自助")

    def ready(self) -> None:
        from propdesk.notify.rendering import add_ticket_link

        from .links import ticket_link

        # Receipts, progress and results sent to residents carry the request's portal page.
        add_ticket_link(ticket_link)
