"""Sign-in with 企业微信 (WeCom) and 钉钉 (DingTalk): the provider's OAuth web login, then its token and
user-info endpoints, then the kesu user that person is.

The flow (kesu.web.oauth_views): the login page's button → `authorize_url` (the provider's login page,
with a one-time `state` kept in the session) → the provider sends the browser back with a `code` →
`identify` exchanges it for the person at the provider → `user_for` finds the kesu user: the binding
an administrator set (ExternalIdentity), else — when the provider allows it — the one active user with
the same mobile number or e-mail, who is then bound for next time. Anyone else is refused.

WeCom: GET /cgi-bin/gettoken (corpid, corpsecret) → access_token; GET /cgi-bin/auth/getuserinfo
(access_token, code) → userid (and user_ticket); the mobile and e-mail from POST
/cgi-bin/auth/getuserdetail (user_ticket) when matching needs them. DingTalk: POST
/v1.0/oauth2/userAccessToken (clientId, clientSecret, code) → accessToken and corpId; GET
/v1.0/contact/users/me → unionId, mobile, email.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import ExternalIdentity, SignInProvider, SignInProviderKind, User

TIMEOUT = 8.0  # seconds per call to the provider


class SignInFailed(Exception):
    """The provider said no or could not be reached; `message` is for the person signing in."""

    def __init__(self, message: str, *, status: int = 502) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Person:
    """Who the provider says signed in."""

    external_id: str
    name: str = ""
    mobile: str = ""
    email: str = ""


def enabled_providers() -> list[SignInProvider]:
    return [p for p in SignInProvider.objects.filter(enabled=True).order_by("kind") if not p.missing_settings()]


def authorize_url(provider: SignInProvider, *, redirect_uri: str, state: str, in_app: bool = False) -> str:
    """The provider's login page, which sends the browser back to `redirect_uri` with a code and `state`."""
    base = provider.endpoint("authorize_url")
    if provider.kind == SignInProviderKind.WECOM:
        if in_app:
            # Inside the WeCom app the person is known already: its silent OAuth, no QR code.
            query = {
                "appid": provider.corp_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_privateinfo",
                "state": state,
                "agentid": provider.agent_id,
            }
            if not provider.authorize_url:
                base = "https://open.weixin.qq.com/connect/oauth2/authorize"
            return f"{base}?{urllib.parse.urlencode(query)}#wechat_redirect"
        query = {
            "login_type": "CorpApp",
            "appid": provider.corp_id,
            "agentid": provider.agent_id,
            "redirect_uri": redirect_uri,
            "state": state,
        }
    else:
        query = {
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "client_id": provider.app_key,
            "scope": "openid corpid",
            "state": state,
            "prompt": "consent",
        }
        if provider.corp_id:
            query["corpId"] = provider.corp_id
    return f"{base}{'&' if '?' in base else '?'}{urllib.parse.urlencode(query)}"


def _call(url: str, *, body: dict | None = None, headers: dict[str, str] | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {}
        detail = answer.get("message") or answer.get("errmsg") or f"HTTP {exc.code}"
        raise SignInFailed(_("The sign-in service refused: %(detail)s") % {"detail": detail}) from None
    except (urllib.error.URLError, OSError, ValueError):
        raise SignInFailed(_("The sign-in service cannot be reached. Try again in a moment.")) from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise SignInFailed(_("The sign-in service gave an answer kesu cannot read.")) from None
    if not isinstance(answer, dict):
        raise SignInFailed(_("The sign-in service gave an answer kesu cannot read."))
    return answer


def _wecom_checked(answer: dict) -> dict:
    if answer.get("errcode", 0) != 0:
        raise SignInFailed(
            _("WeCom refused: %(detail)s") % {"detail": f"{answer.get('errmsg', '')} ({answer.get('errcode')})"}
        )
    return answer


def _wecom(provider: SignInProvider, code: str, *, details: bool) -> Person:
    api = provider.endpoint("api_base_url")
    token = _wecom_checked(
        _call(
            f"{api}/cgi-bin/gettoken?"
            + urllib.parse.urlencode({"corpid": provider.corp_id, "corpsecret": provider.secret})
        )
    ).get("access_token")
    if not token:
        raise SignInFailed(_("WeCom gave no access token."))
    info = _wecom_checked(
        _call(f"{api}/cgi-bin/auth/getuserinfo?" + urllib.parse.urlencode({"access_token": token, "code": code}))
    )
    userid = str(info.get("userid") or info.get("UserId") or "")
    if not userid:
        # An openid only: someone outside the organisation scanned the code.
        raise SignInFailed(_("This WeCom account is not a member of the organisation."), status=403)
    mobile = email = ""
    if details and info.get("user_ticket"):
        detail = _wecom_checked(
            _call(
                f"{api}/cgi-bin/auth/getuserdetail?" + urllib.parse.urlencode({"access_token": token}),
                body={"user_ticket": info["user_ticket"]},
            )
        )
        mobile = str(detail.get("mobile") or "")
        email = str(detail.get("email") or detail.get("biz_mail") or "")
    return Person(external_id=userid, mobile=mobile, email=email)


def _dingtalk(provider: SignInProvider, code: str) -> Person:
    api = provider.endpoint("api_base_url")
    token = _call(
        f"{api}/v1.0/oauth2/userAccessToken",
        body={
            "clientId": provider.app_key,
            "clientSecret": provider.secret,
            "code": code,
            "grantType": "authorization_code",
        },
    )
    access = token.get("accessToken")
    if not access:
        raise SignInFailed(_("DingTalk gave no access token."))
    if provider.corp_id and token.get("corpId") and token["corpId"] != provider.corp_id:
        raise SignInFailed(_("This DingTalk account belongs to another organisation."), status=403)
    me = _call(f"{api}/v1.0/contact/users/me", headers={"x-acs-dingtalk-access-token": access})
    union = str(me.get("unionId") or "")
    if not union:
        raise SignInFailed(_("DingTalk did not say who signed in."))
    return Person(
        external_id=union,
        name=str(me.get("nick") or ""),
        mobile=str(me.get("mobile") or ""),
        email=str(me.get("email") or ""),
    )


def identify(provider: SignInProvider, code: str) -> Person:
    """The person the code stands for, asked of the provider (real HTTP)."""
    if not code:
        raise SignInFailed(_("The sign-in was cancelled or the provider sent no code."), status=400)
    if provider.kind == SignInProviderKind.WECOM:
        return _wecom(provider, code, details=provider.match_by_mobile or provider.match_by_email)
    return _dingtalk(provider, code)


def _digits(phone: str) -> str:
    only = "".join(ch for ch in phone if ch.isdigit())
    return only[2:] if only.startswith("86") and len(only) == 13 else only


def user_for(provider: SignInProvider, person: Person, *, now) -> User | None:
    """The kesu user this person signs in as, or None (refused). A match by mobile or e-mail is kept as
    a binding, so it is made once and then shown (and revocable) in the admin."""
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider, external_id=person.external_id)
        .first()
    )
    if identity is not None:
        if not identity.user.is_active:
            return None
        ExternalIdentity.objects.filter(pk=identity.pk).update(last_login_at=now)
        return identity.user
    candidates: list[tuple[str, Q]] = []
    if provider.match_by_mobile and len(_digits(person.mobile)) >= 7:
        mobile = _digits(person.mobile)
        candidates.append(("mobile", Q(phone=mobile) | Q(phone=f"+86{mobile}") | Q(phone=f"86{mobile}")))
    if provider.match_by_email and "@" in person.email:
        candidates.append(("email", Q(email__iexact=person.email.strip())))
    for how, condition in candidates:
        users = list(User.objects.filter(condition, is_active=True)[:2])
        if len(users) != 1:
            continue  # nobody, or ambiguous: an administrator decides
        user = users[0]
        if ExternalIdentity.objects.filter(provider=provider, user=user).exists():
            return None  # that user is bound to another account at this provider
        try:
            with transaction.atomic():
                ExternalIdentity.objects.create(
                    provider=provider, external_id=person.external_id, user=user, matched_by=how, last_login_at=now
                )
        except IntegrityError:
            # Two first sign-ins at once: the other one made the binding.
            pass
        return user
    return None
