"""Rate limits for the public endpoints, counted in Django's cache (the database cache: every process sees
the same counts). No outside service.

A window opens at the first hit of a key and lasts `window` seconds; while it is open, `limit` hits block
further ones until it closes. Keys are hashed: the cache never holds a phone number or an address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.core.cache import cache
from django.utils.translation import gettext as _

from kesu.core.errors import DomainError

PREFIX = "kesu:public-limit"


class RateLimited(DomainError):
    """429: too many attempts; `retry_after` is the number of seconds until the window closes."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            "rate_limited", _("Too many attempts. Please try again in %(minutes)s minute(s).") % {"minutes": minutes}
        )
        self.retry_after = max(1, retry_after)


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a trusted proxy rewrites
    # it, and a spoofable key would make the limit worthless (the same choice as the sign-in limit).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{kind}:{value.strip().lower()}".encode()).hexdigest()[:40]
    return f"{PREFIX}:{kind}:{digest}"


def seconds_blocked(kind: str, value: str, *, limit: int, now: dt.datetime) -> int:
    """How long further hits of this key are refused (0: not blocked; a limit of 0 never blocks)."""
    if not limit or not value:
        return 0
    entry = cache.get(_key(kind, value))
    t = now.timestamp()
    if entry and entry["count"] >= limit and entry["until"] > t:
        return math.ceil(entry["until"] - t)
    return 0


def check(checks: list[tuple[str, str, int]], *, now: dt.datetime) -> None:
    """RateLimited when any (kind, value, limit) is used up."""
    wait = max((seconds_blocked(kind, value, limit=limit, now=now) for kind, value, limit in checks), default=0)
    if wait:
        raise RateLimited(wait)


def hit(kind: str, value: str, *, window: int, now: dt.datetime) -> int:
    """Count one hit of the key; the count within the window so far."""
    if not value:
        return 0
    key = _key(kind, value)
    t = now.timestamp()
    entry = cache.get(key)
    if not entry or entry["until"] <= t:
        entry = {"count": 0, "until": t + max(1, window)}
    entry["count"] += 1
    # An explicit timeout: later hits must not stretch the window.
    cache.set(key, entry, timeout=max(1, math.ceil(entry["until"] - t)))
    return entry["count"]


def reset(kind: str, value: str) -> None:
    cache.delete(_key(kind, value))
