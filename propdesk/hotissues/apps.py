from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotIssuesConfig(AppConfig):
    name = "propdesk.hotissues"
    label = "hotissues"
    verbose_name = _("热点问题")

    def ready(self) -> None:
        from propdesk.tickets.lifecycle import subscribe

        from . import lifecycle, ticket_pages

        subscribe("hotissues", lifecycle.on_event, order=30)
        ticket_pages.register()
