from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "propdesk.knowledge"
    label = "knowledge"
    verbose_name = _("案例库")

    def ready(self) -> None:
        from propdesk.tickets.lifecycle import subscribe

        from . import lifecycle

        # After callbacks (40): a closed request worth a case becomes a draft.
        subscribe("knowledge", lifecycle.on_event, order=50)
