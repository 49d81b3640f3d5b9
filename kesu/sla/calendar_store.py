"""The business calendar as the pure WorkCalendar, read from the database and cached per revision."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F

from .calendars import WorkCalendar
from .models import BusinessCalendar, CalendarDay, CalendarYear, DayKind

_lock = threading.Lock()
_cache: dict[int, tuple[int, WorkCalendar]] = {}


def default_calendar() -> WorkCalendar:
    row = BusinessCalendar.objects.filter(is_default=True).only("id", "revision").first()
    if row is None:
        return WorkCalendar()  # Monday–Friday, 9:00–18:00, Asia/Shanghai
    cached = _cache.get(row.id)
    if cached and cached[0] == row.revision:
        return cached[1]
    with _lock:
        calendar = _build(BusinessCalendar.objects.get(pk=row.id))
        _cache[row.id] = (row.revision, calendar)
        return calendar


def _build(row: BusinessCalendar) -> WorkCalendar:
    days = CalendarDay.objects.filter(calendar=row).values_list("day", "kind")
    return WorkCalendar(
        tz=ZoneInfo(row.time_zone),
        work_start=row.work_start,
        work_end=row.work_end,
        weekdays=frozenset(int(d) for d in row.weekdays),
        holidays=frozenset(d for d, kind in days if kind == DayKind.HOLIDAY),
        workdays=frozenset(d for d, kind in days if kind == DayKind.WORKDAY),
        covered_years=frozenset(CalendarYear.objects.filter(calendar=row).values_list("year", flat=True)),
    )


def touch(calendar_id: int) -> None:
    """Mark a calendar changed so every process reloads it."""
    BusinessCalendar.objects.filter(pk=calendar_id).update(revision=F("revision") + 1)


def missing_years(today: dt.date) -> list[int]:
    """This year and next, when the default calendar has no official data for them (admin warning)."""
    calendar = default_calendar()
    years = [today.year]
    if today.month >= 11:
        years.append(today.year + 1)
    return calendar.uncovered_years(years)


@transaction.atomic
def sync_official(calendar: BusinessCalendar) -> int:
    """Add the days the chinesecalendar package knows and the calendar lacks; returns how many."""
    from .holidays import official_days, official_years

    existing = set(CalendarDay.objects.filter(calendar=calendar).values_list("day", flat=True))
    new = [CalendarDay(calendar=calendar, day=d, kind=k, name=n) for d, k, n in official_days() if d not in existing]
    CalendarDay.objects.bulk_create(new)
    for year in official_years():
        CalendarYear.objects.get_or_create(calendar=calendar, year=year, defaults={"source": "chinesecalendar"})
    touch(calendar.pk)
    return len(new)
