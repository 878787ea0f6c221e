"""Data: SPEC §5 as corrected — every clock counts from the received-at time, not from the
typing in. The running clocks started at registration are moved by the worker (task
``sla.tasks.replan_from_receipt``, booked here only when there are such clocks): moving them
needs the engine of today's code (calendars, timers, events), which a migration must not
import, as later migrations may change the models it reads. Each moved clock gets a 时限重算
event on its ticket (SPEC §4: history, never edited).
"""

from django.db import migrations
from django.db.models import F

KINDS = ["dispatch", "handle", "result_reply", "close", "plan"]


def book(apps, schema_editor):
    SlaClock = apps.get_model("sla", "SlaClock")
    waiting = SlaClock.objects.filter(
        state__in=["running", "paused"],
        kind__in=KINDS,
        work_order__isnull=True,
        started_at=F("ticket__registered_at"),
        ticket__received_at__lt=F("ticket__registered_at"),
    )
    if waiting.exists():
        from propdesk.sla.tasks import replan_from_receipt

        replan_from_receipt.enqueue()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0010_rules_corrected_against_the_seeds"),
        ("tickets", "0014_grade_facts_routing_rules_sensitive_closure"),
        ("django_tasks_database", "__latest__"),
    ]

    operations = [migrations.RunPython(book, migrations.RunPython.noop)]
