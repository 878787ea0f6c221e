from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """Handling plans with their approval (SPEC §4, §5) and compensation claims (SPEC §8:
    ``claims``, ``claims_payment``); corrective actions follow here (issue 21)."""

    name = "propdesk.casework"
    label = "casework"
    verbose_name = _("方案与整改")

    def ready(self) -> None:
        from propdesk.notify.rendering import add_labels

        from . import actions, claims_notices, ticket_pages

        actions.register()
        ticket_pages.register()
        add_labels(claims_notices.labels)
