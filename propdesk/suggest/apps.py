from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestConfig(AppConfig):
    name = "propdesk.suggest"
    label = "suggest"
    verbose_name = _("登记建议")
