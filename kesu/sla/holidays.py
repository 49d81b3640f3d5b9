"""Chinese public holidays and make-up working days from the `chinesecalendar` package.

The package covers the years the State Council has announced (it stops at 2026 today). A year it does
not cover is entered by an administrator in the admin, or falls back to Monday–Friday with a warning.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def official_years() -> set[int]:
    years = {d.year for d in chinese_calendar.holidays}
    # A year counts as covered only if the package has its Spring Festival (late Jan – Feb).
    return {y for y in years if any(d.year == y and d.month in (1, 2) for d in chinese_calendar.holidays)}


def official_days() -> list[tuple[dt.date, str, str]]:
    """(date, "holiday" | "workday", name) for every covered year."""
    years = official_years()
    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.year in years:
            rows.append((day, "holiday", _name(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.year in years and day.weekday() >= 5:
            rows.append((day, "workday", _name(name)))
    return sorted(rows)


CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _name(value) -> str:
    text = str(value) if value else ""
    return CHINESE_NAMES.get(text, text)
