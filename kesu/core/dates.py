"""Calendar days as moments: where a day starts in the organisation's time zone (reports, list filters, intake
limits all count whole local days)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def day_start(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """Midnight at the start of `day`, in `tz` (default: the organisation's time zone)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=tz or timezone.get_default_timezone())


def days_bounds(first: dt.date, last: dt.date, tz: dt.tzinfo | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the days first … last inclusive: midnight of the first day and of the day after the last."""
    return day_start(first, tz), day_start(last + dt.timedelta(days=1), tz)
