"""Intakes on SQLite wait their turn in a queue the kernel keeps, not in SQLite's busy loop.

SQLite has one write lock for the whole database. A writer that finds it taken sleeps in SQLite's busy handler
(1, 2, 5, 10 … 100 ms between tries) and often sleeps on after the lock was freed: with a few concurrent intakes
most of a request's time went to those sleeps, and the slowest requests waited seconds. `turn()` makes the
intakes of every process and thread on this machine take an exclusive `flock` on a file next to the database
first: the kernel wakes the next one the moment the previous one lets go, and then the database lock is free
(other writers — the SLA sweep, other actions — still meet the intake at SQLite's lock as before).

Only outside a transaction: inside one the connection already holds the database lock and must not wait for
another intake that in turn waits for that lock. On PostgreSQL, which locks rows, it does nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

_local = threading.local()


def _lock_file() -> int | None:
    name = connection.settings_dict.get("NAME")
    if not name or str(name).startswith(":memory:") or "mode=memory" in str(name):
        return None
    fd = getattr(_local, "fd", None)
    if getattr(_local, "name", None) != name:
        if fd is not None:
            os.close(fd)
        # One open file description per thread: flock excludes across them, threads of one process included.
        fd = os.open(f"{Path(str(name))}.intake-lock", os.O_RDWR | os.O_CREAT, 0o600)
        _local.fd, _local.name = fd, name
    return fd


@contextlib.contextmanager
def turn() -> Iterator[None]:
    """Hold the intake queue's turn (SQLite, outside a transaction) for the duration of the block."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    fd = _lock_file()
    if fd is None:
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
