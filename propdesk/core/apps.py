from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "propdesk.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.core.checks import register
        from django.db.models.signals import pre_save

        from .checks import public_url
        from .fits import check_before_save

        register(public_url)
        # Text and numbers longer than their column: a 400 naming the field, not PostgreSQL's
        # DataError (a 500).
        pre_save.connect(check_before_save, dispatch_uid="propdesk.core.fits")
