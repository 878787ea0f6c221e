from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "propdesk.sla"
    label = "sla"
    verbose_name = _("时限")

    def ready(self) -> None:
        from propdesk.core.worker import on_start
        from propdesk.notify.rendering import add_labels
        from propdesk.tickets.lifecycle import subscribe

        from . import actions, lifecycle, notices, queries

        # First of the subscribers: the others read the clocks a move has just started.
        subscribe("sla", lifecycle.on_event, order=10)
        subscribe("sla.notices", notices.on_event, order=15)
        on_start("sla", _start_worker, order=10)
        add_labels(notices.clock_labels)
        actions.register()
        queries.register_ticket_reads()
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
        from propdesk.worktime.services import calendar_changed

        calendar_changed.connect(
            _replan_later, weak=False, dispatch_uid="propdesk.sla.replan_after_calendar_change"
        )


def _start_worker(reconcile: bool) -> str | None:
    """Before the worker takes tasks: catch up with clocks that fell due while no worker ran,
    and book the periodic sweeps."""
    from .services import ensure_periodic
    from .services import reconcile as reconcile_clocks

    line = None
    if reconcile:
        result = reconcile_clocks()
        line = (
            f"reconcile: breached {result.breached}, warned {result.warned}, "
            f"rescheduled {result.rescheduled}, pruned {result.pruned}"
        )
    ensure_periodic()
    return line


def _clearing(clear):
    def receiver(**kwargs) -> None:
        # Now, and again at commit: a request served meanwhile may have read the old row.
        clear()
        transaction.on_commit(clear)

    return receiver


def _replan_later(since, **kwargs) -> None:
    """Replanning reads every clock open over the changed days: the worker does it, once now
    and once more when every process has read the calendar again (a clock started in the
    meantime on a process's cached copy is on the old calendar). A clock already replanned
    does not move the second time."""
    from datetime import timedelta

    from django.utils import timezone

    from propdesk.worktime.services import CACHE_SECONDS

    from .tasks import replan_clocks

    replan_clocks.enqueue(since.isoformat())
    later = timezone.now() + timedelta(seconds=CACHE_SECONDS + 30)
    replan_clocks.using(run_after=later).enqueue(since.isoformat())
