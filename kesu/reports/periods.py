"""Report periods: an ISO week (2026-W49) or a calendar month (2026-12), in the organisation's time zone.

Pure: parsing and arithmetic only; "now" is always an argument. A bad value raises ValidationFailed naming
the field it came from, so the edges answer 400 with that field.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import suppress
from dataclasses import dataclass
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.dates import days_bounds
from kesu.core.errors import ValidationFailed

Kind = Literal["weekly", "monthly"]
KINDS: tuple[Kind, ...] = ("weekly", "monthly")

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# Reports start where kesu's intake dates do (received_at is refused before 2000) and stop well before
# datetime's own limit.
MIN_YEAR, MAX_YEAR = 2000, 2999


@dataclass(frozen=True)
class Period:
    kind: Kind
    key: str  # "2026-W49" or "2026-12": what the API and the delivery records carry
    first: dt.date  # first day, inclusive
    last: dt.date  # last day, inclusive

    def bounds(self, tz: dt.tzinfo | None = None) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: local midnight of the first day and of the day after the last."""
        return days_bounds(self.first, self.last, tz or timezone.get_current_timezone())

    @property
    def label(self) -> str:
        """Translated, for titles: 2026年第49周（12月1日至12月7日） / Week 49 of 2026 (1 Dec – 7 Dec)."""
        if self.kind == "weekly":
            year, week, _day = self.first.isocalendar()
            return _("Week %(week)d of %(year)d (%(first)s – %(last)s)") % {
                "week": week,
                "year": year,
                "first": self.first.isoformat(),
                "last": self.last.isoformat(),
            }
        return _("%(year)d-%(month)02d (%(first)s – %(last)s)") % {
            "year": self.first.year,
            "month": self.first.month,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }

    @property
    def title(self) -> str:
        """The report's name, as the seeds call them: 投诉周报 / 投诉信息月汇总报表."""
        return _("Weekly complaint report") if self.kind == "weekly" else _("Monthly complaint summary")

    def filename(self, extension: str) -> str:
        return f"kesu-{self.kind}-{self.key}.{extension}"


def week(year: int, number: int) -> Period:
    first = dt.date.fromisocalendar(year, number, 1)
    return Period("weekly", f"{year:04d}-W{number:02d}", first, first + dt.timedelta(days=6))


def month(year: int, number: int) -> Period:
    first = dt.date(year, number, 1)
    following = dt.date(year + (number == 12), number % 12 + 1, 1)
    return Period("monthly", f"{year:04d}-{number:02d}", first, following - dt.timedelta(days=1))


def parse_week(value: str | None, *, field: str = "week") -> Period:
    """'2026-W49' → that ISO week (Monday to Sunday)."""
    match = _WEEK.match((value or "").strip())
    if match:
        year, number = int(match[1]), int(match[2])
        if MIN_YEAR <= year <= MAX_YEAR:
            with suppress(ValueError):  # week 00, 54, or 53 of a year that has 52: refused below
                return week(year, number)
    raise ValidationFailed(
        _("Give an ISO week as YYYY-Www, e.g. 2026-W49 (weeks 01–52, or 53 in long years)."), field=field
    )


def parse_month(value: str | None, *, field: str = "month") -> Period:
    """'2026-12' → that calendar month."""
    match = _MONTH.match((value or "").strip())
    if match:
        year, number = int(match[1]), int(match[2])
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= number <= 12:
            return month(year, number)
    raise ValidationFailed(_("Give a month as YYYY-MM, e.g. 2026-12."), field=field)


def parse(kind: Kind, value: str | None, *, field: str | None = None) -> Period:
    if kind == "weekly":
        return parse_week(value, field=field or "week")
    return parse_month(value, field=field or "month")


def previous(kind: Kind, *, now: dt.datetime, tz: dt.tzinfo | None = None) -> Period:
    """The last complete week (Monday–Sunday) or month before `now`, by the local calendar."""
    today = timezone.localtime(now, tz or timezone.get_current_timezone()).date()
    if kind == "weekly":
        year, number, _day = (today - dt.timedelta(days=7)).isocalendar()
        return week(year, number)
    last_of_previous = today.replace(day=1) - dt.timedelta(days=1)
    return month(last_of_previous.year, last_of_previous.month)
