"""Data: the follow-up clock (SPEC §4) for the complaints already open when it arrived. Their
clocks are started by the worker (task ``sla.tasks.start_follow_ups``, booked here only when
there are such complaints): starting a clock needs the engine of today's code (calendars,
timers), which a migration must not import, as later migrations may change the models it
reads."""

from django.db import migrations

FOLLOWED = ["accepted", "dispatched", "in_progress", "suspended", "reopened"]


def book(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    if Ticket.objects.filter(kind="complaint", status__in=FOLLOWED).exists():
        from propdesk.sla.tasks import start_follow_ups

        start_follow_ups.enqueue()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0013_default_follow_up_rules"),
        ("tickets", "0019_ticket_long_disagreement"),
        ("django_tasks_database", "__latest__"),
    ]

    operations = [migrations.RunPython(book, migrations.RunPython.noop)]
