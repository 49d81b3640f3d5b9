"""Working-time arithmetic on a Chinese business calendar (R-SLA-2). Pure: no clock, no database.

Definitions (they decide every working-day deadline in the product):
- A *working day* is a make-up working day (调休), or else a day of the weekly pattern that is not a
  public holiday.
- The *working start* of a moment is the moment itself when it falls inside working hours of a
  working day, otherwise the start of working hours of the next working day (the same day when the
  moment is before opening time).
- *N working days* after a moment = the same clock time as its working start, on the N-th following
  working day. Received Wed 2026-09-30 10:00 + 1 → Thu 2026-10-08 10:00 (National Day in between).
- *Business minutes* count only the minutes inside working hours of working days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

# A year has at most ~260 working days; no deadline looks further ahead than this many days.
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    work_start: dt.time = dt.time(9, 0)
    work_end: dt.time = dt.time(18, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()  # make-up working days (调休)
    covered_years: frozenset[int] = frozenset()  # years whose official holiday data is loaded

    def __post_init__(self) -> None:
        if self.work_end <= self.work_start:
            raise ValueError("working hours must end after they start")

    # -- days ------------------------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() in self.weekdays

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        for offset in range(1, _MAX_SCAN_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("no working day within ten years: check the calendar")

    def uncovered_years(self, years) -> list[int]:
        """Years among `years` without official holiday data: they fall back to the weekly pattern."""
        return sorted(y for y in set(years) if y not in self.covered_years)

    # -- moments ---------------------------------------------------------------------------
    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("aware datetimes only")
        return moment.astimezone(self.tz)

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def working_start(self, moment: dt.datetime) -> dt.datetime:
        local = self._local(moment)
        day, time = local.date(), local.timetz().replace(tzinfo=None)
        if self.is_working_day(day) and time < self.work_end:
            return local if time >= self.work_start else self._at(day, self.work_start)
        return self._at(self.next_working_day(day), self.work_start)

    def is_working_time(self, moment: dt.datetime) -> bool:
        local = self._local(moment)
        time = local.timetz().replace(tzinfo=None)
        return self.is_working_day(local.date()) and self.work_start <= time < self.work_end

    def add_working_days(self, moment: dt.datetime, days: int) -> dt.datetime:
        if days < 0:
            raise ValueError("days must not be negative")
        start = self.working_start(moment)
        day = start.date()
        for _ in range(days):
            day = self.next_working_day(day)
        return self._at(day, start.timetz().replace(tzinfo=None))

    def add_business_minutes(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        """The moment `minutes` of working time after `moment`."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        remaining = dt.timedelta(minutes=minutes)
        current = self.working_start(moment)
        while True:
            day_end = self._at(current.date(), self.work_end)
            available = day_end - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self._at(self.next_working_day(current.date()), self.work_start)

    def business_minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working minutes from `start` to `end` (0 when end is not after start)."""
        if end <= start:
            return 0.0
        total = dt.timedelta()
        current = self.working_start(start)
        end_local = self._local(end)
        for _ in range(_MAX_SCAN_DAYS):
            if current >= end_local:
                break
            day_end = self._at(current.date(), self.work_end)
            total += min(day_end, end_local) - current
            current = self._at(self.next_working_day(current.date()), self.work_start)
        return total.total_seconds() / 60


class Mode:
    """How a clock counts its duration."""

    CALENDAR = "calendar"  # wall-clock minutes, nights and holidays included
    BUSINESS = "business"  # minutes inside working hours only
    WORKING_DAYS = "working_days"  # N working days, same clock time

    ALL = (CALENDAR, BUSINESS, WORKING_DAYS)


def due_at(calendar: WorkCalendar, start: dt.datetime, *, mode: str, minutes: int = 0, days: int = 0) -> dt.datetime:
    if mode == Mode.CALENDAR:
        return start + dt.timedelta(minutes=minutes)
    if mode == Mode.BUSINESS:
        return calendar.add_business_minutes(start, minutes)
    if mode == Mode.WORKING_DAYS:
        return calendar.add_working_days(start, days)
    raise ValueError(f"unknown clock mode {mode!r}")


def extend_for_pause(
    calendar: WorkCalendar, due: dt.datetime, *, mode: str, paused_from: dt.datetime, paused_to: dt.datetime
) -> dt.datetime:
    """The deadline moved on by the time a clock stood paused, counted the way the clock counts."""
    if paused_to <= paused_from:
        return due
    if mode == Mode.CALENDAR:
        return due + (paused_to - paused_from)
    paused = calendar.business_minutes_between(paused_from, paused_to)
    if paused <= 0:
        return due
    return calendar.add_business_minutes(due, paused)
