# Hand-written: the saved filters moved to tickets with the queue pages. The table is renamed
# here, while the model is still the console's, and the console forgets the model;
# tickets 0016 takes it over without touching the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="savedfilter", table="tickets_savedfilter"),
            ],
            state_operations=[
                migrations.DeleteModel(name="SavedFilter"),
            ],
        ),
    ]
