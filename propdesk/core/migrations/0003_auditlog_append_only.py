"""The audit log and ticket events refuse UPDATE and DELETE in the database itself (SPEC §4,
§11), not only in the ORM: a trigger on PostgreSQL and SQLite for each table. Both are added
here, where the guard is defined (core/append_only.py), which also says why whole-table
emptying (TRUNCATE, the test suite's flush) is still allowed. Tickets and users are referenced
with PROTECT, so no cascade reaches either table."""

from django.db import migrations

from propdesk.core import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditlog_user"),
        # The events table as it was when the guard was added; nothing in tickets depends on
        # core, so this makes no cycle.
        ("tickets", "0013_sla_replanned_event"),
    ]

    operations = [
        migrations.RunPython(append_only.install(table), append_only.uninstall(table))
        for table in append_only.TABLES
    ]
