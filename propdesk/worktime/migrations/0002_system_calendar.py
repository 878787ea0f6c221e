"""Data: the system calendar "CN", seeded with every year the chinese-calendar package knows."""

from django.db import migrations


def seed(apps, schema_editor):
    from chinese_calendar.constants import holidays, workdays

    from propdesk.worktime.services import HOLIDAY_NAMES

    Calendar = apps.get_model("worktime", "Calendar")
    CalendarDay = apps.get_model("worktime", "CalendarDay")
    CalendarYear = apps.get_model("worktime", "CalendarYear")
    calendar, _ = Calendar.objects.get_or_create(
        code="CN", defaults={"name": "中国法定节假日(国务院办公厅)"}
    )
    rows = {}
    for day, name in holidays.items():
        rows[day] = CalendarDay(
            calendar=calendar, date=day, is_workday=False, note=HOLIDAY_NAMES.get(str(name), "")
        )
    for day, name in workdays.items():
        rows[day] = CalendarDay(
            calendar=calendar,
            date=day,
            is_workday=True,
            note=HOLIDAY_NAMES.get(str(name), "") + "调休",
        )
    CalendarDay.objects.filter(calendar=calendar).delete()
    CalendarDay.objects.bulk_create(rows.values(), batch_size=500)
    for year in sorted({d.year for d in rows}):
        CalendarYear.objects.get_or_create(
            calendar=calendar, year=year, defaults={"source": "chinese-calendar"}
        )


def unseed(apps, schema_editor):
    apps.get_model("worktime", "Calendar").objects.filter(code="CN").delete()


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_calendars")]

    operations = [migrations.RunPython(seed, unseed)]
