"""The address links in messages start with: the organisation's public address, else the KESU_BASE_URL setting.

Messages are written by the worker, which has no request to read a host from, so the address must be configured:
in the admin (Organization.public_base_url) or in the environment. A message batch builds thousands of links, so
the address is kept in the process for a minute (and forgotten at once when this process saves the organisation):
a change in the admin reaches other processes' messages within that minute.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

KEEP_SECONDS = 60.0

_lock = threading.Lock()
_kept: tuple[float, str] | None = None


def _configured() -> str:
    from .models import Organization

    return (Organization.objects.values_list("public_base_url", flat=True).first() or "").strip()


def forget() -> None:
    global _kept
    with _lock:
        _kept = None


def base_url() -> str:
    """`https://kefu.example.com` (no trailing slash): where customers and staff reach this installation."""
    global _kept
    now = time.monotonic()
    kept = _kept
    if kept is None or now - kept[0] > KEEP_SECONDS:
        kept = (now, _configured())
        with _lock:
            _kept = kept
    return (kept[1] or settings.KESU_BASE_URL).rstrip("/")


def absolute(path: str) -> str:
    """`path` (from reverse()) as an absolute link for a message."""
    return base_url() + path
