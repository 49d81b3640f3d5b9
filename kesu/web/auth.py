"""Sign-in with a rate limit (R-Q-4): too many failures for one username or one address → 429.

Counts live in Django's cache (the database cache by default, so every worker process sees the
same numbers). A window opens at the first failure and lasts KESU_LOGIN_WINDOW_SECONDS; while it
is open, KESU_LOGIN_MAX_FAILURES failures block further attempts — even with the right password —
until it closes.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext as _


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"kesu:login-failures:{kind}:{digest}"


def _client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a trusted proxy
    # rewrites it, and a spoofable key would make the limit worthless.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _keys(request, username: str) -> list[str]:
    keys = [_key("ip", _client_ip(request))]
    if username:
        keys.append(_key("user", username))
    return keys


def seconds_blocked(request, username: str, *, now: float | None = None) -> int:
    """How long further attempts are refused (0 = not blocked)."""
    now = time.time() if now is None else now
    longest = 0.0
    for key in _keys(request, username):
        entry = cache.get(key)
        if entry and entry["count"] >= settings.KESU_LOGIN_MAX_FAILURES and entry["until"] > now:
            longest = max(longest, entry["until"] - now)
    return math.ceil(longest)


def record_failure(request, username: str, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key in _keys(request, username):
        entry = cache.get(key)
        if not entry or entry["until"] <= now:
            entry = {"count": 0, "until": now + settings.KESU_LOGIN_WINDOW_SECONDS}
        entry["count"] += 1
        # An explicit timeout: the window must not be stretched by later failures.
        cache.set(key, entry, timeout=max(1, math.ceil(entry["until"] - now)))


def clear_failures(request, username: str) -> None:
    if username:
        cache.delete(_key("user", username))


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        wait = seconds_blocked(request, username)
        if wait:
            form = self.get_form_class()(request, initial={"username": username})
            blocked = _("Too many failed sign-in attempts. Try again in %(minutes)s minute(s).") % {
                "minutes": max(1, math.ceil(wait / 60))
            }
            response = self.render_to_response(self.get_context_data(form=form, blocked=blocked))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_failure(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        clear_failures(self.request, self.request.POST.get("username", ""))
        return super().form_valid(form)
