"""A per-process cache of configuration, kept correct across processes by one cheap stamp read.

What an intake reads of the configuration (the active playbook, its rules and clocks, the types, the business
calendar, the number prefix, the triage model) changes seldom, and reading it costs a dozen queries. Database
triggers on those tables (`WATCHED`, installed by migrations of this app) give the one row of ConfigStamp a new
random token in every transaction that writes to one of them — in the same transaction, whoever writes: a
playbook load, the admin, a rule edit, a calendar sync, a retrained model, a flush. `cached(key, build)` reads
the token (one query of one row) and returns what `build()` made under that token in this process, or builds it
again. A token is random, not a counter, so a change rolled back and another one made cannot meet the old value.

The token is read before the configuration, so a change committed in between is stored under the old token
and read again by the next request. Nothing is cached while the stamp cannot be trusted: no row (a flushed
database before its next change) or a trigger missing (SQLite drops a table's triggers when a migration remakes
the table: such a migration must install them again with `install_triggers`; tests/test_config_cache.py fails
until it does).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The tables whose rows make the intake's configuration, and the ones those rows lead to.
WATCHED = (
    "rules_playbook",
    "rules_ruleset",
    "rules_rule",
    "complaints_category",
    "complaints_category_collaborating_departments",
    "accounts_department",
    "sla_clockdefinition",
    "sla_businesscalendar",
    "sla_calendarday",
    "sla_calendaryear",
    "core_organization",
    "triage_triagemodel",
)
TRIGGER_PREFIX = "kesu_config_"
STAMP_TABLE = "core_configstamp"
_SQLITE_OPERATIONS = ("insert", "update", "delete")

_lock = threading.Lock()
_cache: dict[str, tuple[int, Any]] = {}
_warned: set[str] = set()


def expected_triggers(vendor: str) -> int:
    return len(WATCHED) * (len(_SQLITE_OPERATIONS) if vendor == "sqlite" else 1)


def stamp() -> int | None:
    """The configuration's current token, or None when it cannot be trusted (no row, a trigger missing)."""
    vendor = connection.vendor
    if vendor == "sqlite":
        triggers = f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name GLOB '{TRIGGER_PREFIX}*'"
    elif vendor == "postgresql":
        triggers = f"SELECT count(*) FROM pg_trigger WHERE tgname LIKE '{TRIGGER_PREFIX}%' AND NOT tgisinternal"
    else:  # pragma: no cover - kesu runs on SQLite and PostgreSQL
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token, ({triggers}) FROM {STAMP_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return None
    token, count = row
    if count != expected_triggers(vendor):
        if vendor not in _warned:
            _warned.add(vendor)
            logger.warning(
                "configuration triggers: %s of %s installed; the configuration is read on every request",
                count,
                expected_triggers(vendor),
            )
        return None
    return int(token)


def cached(key: str, build: Callable[[], T]) -> T:
    """What `build()` returns, made once per configuration token in this process (shared by its threads: treat
    it as read-only)."""
    token = stamp()
    if token is not None:
        hit = _cache.get(key)
        if hit is not None and hit[0] == token:
            return hit[1]
    value = build()
    if token is not None:
        with _lock:
            _cache[key] = (token, value)
    return value


def forget() -> None:
    """Drop what this process cached (the next read builds it again)."""
    with _lock:
        _cache.clear()


# ---------------------------------------------------------------------------------------------------------------
# The triggers (called by this app's migrations)


def install_triggers(schema_editor, tables: tuple[str, ...] = WATCHED) -> None:
    """Create (or create again) the triggers of `tables` that give the stamp a new token on every change."""
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    if vendor == "sqlite":
        for table in tables:
            for operation in _SQLITE_OPERATIONS:
                name = quote(f"{TRIGGER_PREFIX}{table}_{operation}")
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {operation.upper()} ON {quote(table)} BEGIN "
                    f"INSERT INTO {STAMP_TABLE} (id, token) VALUES (1, random()) "
                    "ON CONFLICT (id) DO UPDATE SET token = excluded.token; END"
                )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION kesu_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO {STAMP_TABLE} (id, token) VALUES (1, (random() * 9.2e18)::bigint) "
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token; RETURN NULL; END $$"
        )
        for table in tables:
            name = quote(f"{TRIGGER_PREFIX}{table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                "FOR EACH STATEMENT EXECUTE FUNCTION kesu_config_changed()"
            )


def drop_triggers(schema_editor, tables: tuple[str, ...] = WATCHED) -> None:
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    for table in tables:
        if vendor == "sqlite":
            for operation in _SQLITE_OPERATIONS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(f'{TRIGGER_PREFIX}{table}_{operation}')}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(f'{TRIGGER_PREFIX}{table}')} ON {quote(table)}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS kesu_config_changed()")
