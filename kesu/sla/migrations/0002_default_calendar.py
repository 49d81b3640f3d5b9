from django.db import migrations


def seed(apps, schema_editor):
    from kesu.sla.holidays import official_days, official_years

    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    CalendarDay = apps.get_model("sla", "CalendarDay")
    CalendarYear = apps.get_model("sla", "CalendarYear")
    calendar, _ = BusinessCalendar.objects.get_or_create(
        code="CN", defaults={"name": "中国大陆工作日历", "time_zone": "Asia/Shanghai", "is_default": True}
    )
    existing = set(CalendarDay.objects.filter(calendar=calendar).values_list("day", flat=True))
    CalendarDay.objects.bulk_create(
        [CalendarDay(calendar=calendar, day=d, kind=k, name=n) for d, k, n in official_days() if d not in existing]
    )
    for year in sorted(official_years()):
        CalendarYear.objects.get_or_create(calendar=calendar, year=year, defaults={"source": "chinesecalendar"})


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
