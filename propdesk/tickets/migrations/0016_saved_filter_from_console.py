# Hand-written: the saved filters moved here from the console with the queue pages. The table
# tickets_savedfilter is the console's, renamed by console 0002; only the state changes here.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0015_default_routing_rules"),
        ("console", "0002_saved_filter_to_tickets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SavedFilter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=50, verbose_name="名称")),
                        ("queue", models.CharField(max_length=20, verbose_name="队列")),
                        (
                            "query",
                            models.CharField(blank=True, max_length=500, verbose_name="筛选条件"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "常用筛选",
                        "verbose_name_plural": "常用筛选",
                        "ordering": ["name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "name"), name="saved_filter_name_once"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
