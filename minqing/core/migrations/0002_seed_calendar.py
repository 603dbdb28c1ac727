"""Seed the working-day calendar with every year the chinese-calendar package knows."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    from chinese_calendar import constants

    from minqing.core.calendar import HOLIDAY_NAMES

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    rows = []
    for day, holiday in constants.holidays.items():
        if day.weekday() < 5:
            rows.append(CalendarDay(date=day, kind="holiday", name=HOLIDAY_NAMES.get(str(holiday), str(holiday))))
    for day, holiday in constants.workdays.items():
        name = HOLIDAY_NAMES.get(str(holiday), str(holiday))
        rows.append(CalendarDay(date=day, kind="workday", name=f"{name}调休上班"))
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    years = sorted({d.year for d in constants.holidays})
    now = dt.datetime.now(dt.UTC)
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, source="chinese-calendar 软件包（国务院办公厅节假日安排通知）", loaded_at=now) for y in years],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
