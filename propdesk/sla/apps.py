from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "propdesk.sla"
    label = "sla"
    verbose_name = _("时限")

    def ready(self) -> None:
        # Rules are cached per process for a minute (read on every registration); a save or
        # delete anywhere in this process — admin, a command, a test — is seen at once.
        from . import escalation, grades, policies
        from .models import EscalationPolicy, GradeRule, SlaPolicy

        for model, clear in (
            (SlaPolicy, policies.clear_cache),
            (GradeRule, grades.clear_cache),
            (EscalationPolicy, escalation.clear_cache),
        ):
            uid = f"propdesk.sla.clear.{model.__name__}"
            post_save.connect(_clearing(clear), sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(_clearing(clear), sender=model, weak=False, dispatch_uid=uid)


def _clearing(clear):
    def receiver(**kwargs) -> None:
        clear()

    return receiver
