from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "propdesk.stats"
    label = "stats"
    verbose_name = _("统计")

    def ready(self) -> None:
        from propdesk.core.worker import on_start

        on_start("stats", _book_reports, order=30)


def _book_reports(reconcile: bool) -> None:
    """The monthly reports, written for each company when a month ends."""
    from .tasks import ensure_booked

    ensure_booked()
