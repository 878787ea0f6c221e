# The survey's corrective actions became propdesk.improvement's (issue 21): its migration 0002
# copied every row, with its id and history; the old table goes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_two_step_approval_and_report"),
        ("improvement", "0002_copy_survey_actions"),
    ]

    operations = [
        migrations.DeleteModel(
            name="CorrectiveAction",
        ),
    ]
