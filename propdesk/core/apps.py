from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "propdesk.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.core.checks import register

        from .checks import public_url

        register(public_url)
