from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "propdesk.search"
    label = "search"
    verbose_name = _("搜索")

    def ready(self) -> None:
        from propdesk.knowledge.services import use_word_search
        from propdesk.tickets import extensions
        from propdesk.tickets.lifecycle import subscribe

        from . import hooks, lifecycle
        from .services import finding

        # Last of the subscribers (after knowledge, 50): it only reads the ticket and writes
        # its own index row, inside the move's transaction.
        subscribe("search", lifecycle.on_ticket_event, order=60)
        extensions.text_match.register(finding.text_condition)
        extensions.text_snippets.register(finding.text_snippets)
        use_word_search(finding.case_condition)
        hooks.connect()
