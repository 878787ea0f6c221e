from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    """Corrective and preventive actions (纠正/预防措施, SPEC §8): one model whatever opened them
    — a request, a hot issue, a survey item, a line of a monthly report — with its own clock."""

    name = "propdesk.improvement"
    label = "improvement"
    verbose_name = _("纠正预防措施")

    def ready(self) -> None:
        from propdesk.core.worker import on_start
        from propdesk.notify.rendering import add_labels

        from . import pages
        from .services.clock import message_labels

        pages.register()
        add_labels(message_labels)
        on_start("improvement", _book_sweep, order=45)


def _book_sweep(reconcile: bool) -> str | None:
    """Overdue actions found at once when a worker starts, then every few minutes."""
    from .services.clock import sweep
    from .tasks import ensure_booked

    line = None
    if reconcile:
        result = sweep()
        line = (
            f"actions: warned {result.warned}, breached {result.breached}, "
            f"escalated {result.escalated}"
        )
    ensure_booked()
    return line
