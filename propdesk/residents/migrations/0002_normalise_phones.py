"""Residents' phones and tickets' contact phones in the one stored form of residents/phones.py.

Before, a phone was kept as its digits: ``+86 755 1234 5678`` became ``75512345678`` and
``0755-12345678`` became ``075512345678``, two numbers for one line, and ``abc`` became nothing.
Those digit forms are read again here and stored as the one canonical number
(``075512345678``); what cannot be validated is left exactly as it is.

Safe both ways: only rows whose stored text changes are written, running it twice changes
nothing the second time, and going back leaves the new forms in place (the old code reads and
stores them as well: they are digits, or digits and a hyphen before an extension).
"""

from django.db import migrations

#: An 11-digit mobile, nearly every stored phone, is already in its stored form: not read.
MOBILE = r"^1[3-9][0-9]{9}$"
WIDTH = 20
BATCH = 2000


def _normalise(model, field: str) -> None:
    from propdesk.residents.phones import normalise

    # Read first, then written: the few non-mobile phones fit in memory, and no cursor is open
    # on the table while it is updated.
    stored = list(
        model.objects.exclude(**{field: ""})
        .exclude(**{f"{field}__regex": MOBILE})
        .order_by("pk")
        .values_list("pk", field)
    )
    changed = []
    for pk, value in stored:
        number = normalise(value)
        if number.valid and number.canonical != value and len(number.canonical) <= WIDTH:
            changed.append(model(pk=pk, **{field: number.canonical}))
    model.objects.bulk_update(changed, [field], batch_size=BATCH)


def normalise_phones(apps, schema_editor) -> None:
    resident = apps.get_model("residents", "Resident")
    ticket = apps.get_model("tickets", "Ticket")
    for model, field in ((resident, "phone"), (resident, "phone2"), (ticket, "contact_phone")):
        _normalise(model, field)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0001_initial"),
        # Tickets' contact phones are normalised here too (the column exists since 0001).
        ("tickets", "0013_sla_replanned_event"),
    ]

    operations = [
        migrations.RunPython(normalise_phones, migrations.RunPython.noop, elidable=True),
    ]
