"""Data: the follow-up clock's default rules (SPEC §4, seed 002 6.5.2 4): an open complaint is
followed up at least once a week, one in long disagreement at least once a month — calendar
time, ending at the close of working hours. A company edits them in the admin."""

from django.db import migrations

WEEKLY = "跟进:未关闭的投诉每周至少一次"
MONTHLY = "跟进:长期未达成一致的投诉每月至少一次"
SOURCE = "seed 002 6.5.2 4)"


def add(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaPolicy.objects.get_or_create(
        name=WEEKLY,
        company=None,
        project=None,
        defaults={
            "clock": "follow_up",
            "kind": "complaint",
            "unit": "calendar_days",
            "amount": 7,
            "source": SOURCE,
        },
    )
    SlaPolicy.objects.get_or_create(
        name=MONTHLY,
        company=None,
        project=None,
        defaults={
            "clock": "follow_up",
            "kind": "complaint",
            "only_long_disagreement": True,
            "unit": "calendar_months",
            "amount": 1,
            "source": SOURCE,
        },
    )


def remove(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaPolicy.objects.filter(company=None, project=None, name__in=[WEEKLY, MONTHLY]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0012_follow_up_clock")]

    operations = [migrations.RunPython(add, remove)]
