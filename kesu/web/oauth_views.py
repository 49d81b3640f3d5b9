"""Sign-in with 企业微信 (WeCom) and 钉钉 (DingTalk): start (to the provider's login page) and callback.

The `state` sent to the provider is a one-time random value kept in the session with the provider and
the page to land on; a callback without the same state (a forged or replayed link, CSRF) signs no one
in. The protocol and the user mapping live in kesu.accounts.oauth."""

from __future__ import annotations

import secrets
import time

from django.contrib.auth import login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kesu.accounts import oauth
from kesu.accounts.models import SignInProvider, SignInProviderKind

SESSION_KEY = "kesu_oauth"
STATE_SECONDS = 600  # a login page left open longer than this starts again


def _provider(kind: str) -> SignInProvider:
    if kind not in SignInProviderKind.values:
        raise Http404
    provider = SignInProvider.objects.filter(kind=kind, enabled=True).first()
    if provider is None or provider.missing_settings():
        raise Http404
    return provider


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("web:inbox")


def in_app(request, kind: str) -> bool:
    """Whether the page is open inside that provider's own app (its browser says so)."""
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    return ("wxwork" in agent) if kind == SignInProviderKind.WECOM else ("dingtalk" in agent)


def _refused(request, provider: SignInProvider | None, message: str, *, status: int):
    return render(
        request,
        "web/oauth_refused.html",
        {"provider": provider, "message": message, "login_url": reverse("web:login")},
        status=status,
    )


@never_cache
@require_GET
def oauth_start(request, kind: str):
    provider = _provider(kind)
    state = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {
        "state": state,
        "kind": kind,
        "next": _safe_next(request, request.GET.get("next", "")),
        "at": time.time(),
    }
    redirect_uri = request.build_absolute_uri(reverse("web:oauth_callback", args=[kind]))
    return HttpResponseRedirect(
        oauth.authorize_url(provider, redirect_uri=redirect_uri, state=state, in_app=in_app(request, kind))
    )


@never_cache
@require_GET
def oauth_callback(request, kind: str):
    provider = _provider(kind)
    pending = request.session.pop(SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if (
        not pending
        or pending.get("kind") != kind
        or not state
        or not secrets.compare_digest(str(pending.get("state", "")), state)
        or time.time() - float(pending.get("at", 0)) > STATE_SECONDS
    ):
        return _refused(
            request,
            provider,
            _("This sign-in link is not the one kesu started, or it is too old. Start again from the sign-in page."),
            status=400,
        )
    code = request.GET.get("code") or request.GET.get("authCode") or ""
    try:
        person = oauth.identify(provider, code)
    except oauth.SignInFailed as exc:
        return _refused(request, provider, exc.message, status=exc.status)
    user = oauth.user_for(provider, person, now=timezone.now())
    if user is None:
        message = _(
            "Your %(provider)s account (%(id)s) is not linked to a kesu user. Ask the administrator to link it "
            "under Administration → Sign-in providers, then sign in again."
        ) % {"provider": provider.get_kind_display(), "id": person.external_id}
        return _refused(request, provider, message, status=403)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(_safe_next(request, pending.get("next", "")))


urlpatterns: list = [
    path("auth/<str:kind>/start", oauth_start, name="oauth_start"),
    path("auth/<str:kind>/callback", oauth_callback, name="oauth_callback"),
]
