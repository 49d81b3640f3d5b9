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


def reserve(prefix: str, day: dt.date, count: int) -> int:
    """Take `count` consecutive values of the counter for (prefix, day) in one atomic statement; returns the
    first of them (a bulk import numbers a day's complaints first … first + count - 1)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, day, value) VALUES (%s, %s, %s) "
            f"ON CONFLICT (prefix, day) DO UPDATE SET value = {table}.value + %s RETURNING value",
            [prefix, day, count, count],
        )
        return int(cursor.fetchone()[0]) - count + 1
