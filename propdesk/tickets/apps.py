from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "propdesk.tickets"
    label = "tickets"
    verbose_name = _("诉求")

    def ready(self) -> None:
        # Categories are cached per process for a minute (every registration names one).
        from .models import Category
        from .services.register import clear_category_cache

        def clear(**kwargs) -> None:
            # Now, and again at commit: a request served meanwhile may have read the old row.
            clear_category_cache()
            transaction.on_commit(clear_category_cache)

        uid = "propdesk.tickets.clear.Category"
        post_save.connect(clear, sender=Category, weak=False, dispatch_uid=uid)
        post_delete.connect(clear, sender=Category, weak=False, dispatch_uid=uid)
