from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestConfig(AppConfig):
    name = "propdesk.suggest"
    label = "suggest"
    verbose_name = _("登记建议")

    def ready(self) -> None:
        from propdesk.core.worker import on_start

        from . import ticket_pages

        ticket_pages.register()
        on_start("suggest", _book_training, order=60)


def _book_training(reconcile: bool) -> None:
    """The nightly retraining of every company's category model."""
    from .tasks import ensure_booked

    ensure_booked()
