"""Human-readable, never-colliding numbers: KS-YYYYMMDD-NNNNN."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from .models import DailySequence


def next_in_sequence(prefix: str, day: dt.date) -> int:
    """Bump and return the counter for (prefix, day) in one atomic statement.

    INSERT … ON CONFLICT DO UPDATE … RETURNING is atomic on PostgreSQL and on SQLite (≥ 3.35),
    so concurrent creators each get their own value without a read-then-write race.
    """
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, day, value) VALUES (%s, %s, 1) "
            f"ON CONFLICT (prefix, day) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [prefix, day],
        )
        return int(cursor.fetchone()[0])


def complaint_number(prefix: str, day: dt.date) -> str:
    value = next_in_sequence(prefix, day)
    return f"{prefix}-{day:%Y%m%d}-{value:05d}"


def reserve(prefix: str, counts: dict[dt.date, int]) -> dict[dt.date, int]:
    """Take counts[day] consecutive values of each day's counter for `prefix`, all in one atomic statement;
    returns {day: the first of its values} (a bulk import numbers a day's complaints first … first + n - 1)."""
    days = sorted(day for day, n in counts.items() if n > 0)
    if not days:
        return {}
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    params: list = []
    for day in days:
        params.extend([prefix, day, counts[day]])
    values = ", ".join(["(%s, %s, %s)"] * len(days))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, day, value) VALUES {values} "
            f"ON CONFLICT (prefix, day) DO UPDATE SET value = {table}.value + excluded.value RETURNING day, value",
            params,
        )
        # SQLite answers the day as text, PostgreSQL as a date.
        last = {dt.date.fromisoformat(str(day)[:10]): int(value) for day, value in cursor.fetchall()}
    return {day: last[day] - counts[day] + 1 for day in days}
