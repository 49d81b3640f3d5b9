"""Sign-in with 企业微信 (WeCom) and 钉钉 (DingTalk) against a local fake of their login page, token and user-info
endpoints (real HTTP), on SQLite and PostgreSQL."""

import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest

from kesu.accounts.models import ExternalIdentity, SignInProvider

from .oauth_fake import FakeProvider


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _follow_provider(url: str) -> str:
    """Open the provider's login page (the fake signs the person in at once) → where it sends the browser."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302
        return exc.headers["Location"]
    raise AssertionError("the provider did not redirect")


@pytest.fixture
def fake():
    server = FakeProvider().start()
    yield server
    server.stop()


@pytest.fixture
def wecom(fake, db):
    return SignInProvider.objects.create(
        kind="wecom",
        enabled=True,
        corp_id=fake.corp_id,
        agent_id="1000002",
        secret=fake.secret,
        authorize_url=f"{fake.url}/authorize",
        api_base_url=fake.url,
    )


@pytest.fixture
def dingtalk(fake, db):
    return SignInProvider.objects.create(
        kind="dingtalk",
        enabled=True,
        corp_id=fake.corp_id,
        app_key=fake.app_key,
        secret=fake.secret,
        authorize_url=f"{fake.url}/authorize",
        api_base_url=fake.url,
    )


def _sign_in(client, fake, kind, person, *, next_url=""):
    fake.login_as = person
    start = client.get(f"/auth/{kind}/start" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    back = urlparse(_follow_provider(start["Location"]))
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()}), start["Location"]


def _signed_in_as(client):
    from django.contrib.auth import get_user

    class _R:
        session = client.session

    user = get_user(_R())
    return user.username if user.is_authenticated else None


def test_login_page_shows_a_button_per_enabled_provider(client, wecom, dingtalk):
    html = client.get("/login/?next=/c/KS-1/").content.decode()
    assert 'id="oauth-wecom"' in html and 'id="oauth-dingtalk"' in html
    assert "/auth/wecom/start?next=/c/KS-1/" in html
    dingtalk.enabled = False
    dingtalk.save()
    html = client.get("/login/").content.decode()
    assert 'id="oauth-wecom"' in html and 'id="oauth-dingtalk"' not in html
    assert client.get("/auth/dingtalk/start").status_code == 404


def test_wecom_bound_user_signs_in_and_lands_on_the_complaint(client, users, fake, wecom, complaint):
    ExternalIdentity.objects.create(provider=wecom, external_id="ZhangSan", user=users["agent"])
    target = f"/complaints/{complaint.number}"
    r, authorize = _sign_in(client, fake, "wecom", {"id": "ZhangSan"}, next_url=target)
    query = parse_qs(urlparse(authorize).query)
    assert query["appid"] == [fake.corp_id] and query["agentid"] == ["1000002"] and query["state"][0]
    assert r.status_code == 302 and r["Location"] == target
    assert _signed_in_as(client) == "agent"
    # The code was exchanged at the provider's token and user-info endpoints.
    assert fake.paths()[-2:] == ["/cgi-bin/gettoken", "/cgi-bin/auth/getuserinfo"]
    assert ExternalIdentity.objects.get(external_id="ZhangSan").last_login_at is not None


def test_a_robot_link_opened_signed_out_goes_through_sign_in_to_the_complaint(client, users, fake, wecom, complaint):
    from kesu.notifications.messages import complaint_url

    ExternalIdentity.objects.create(provider=wecom, external_id="ZhangSan", user=users["agent"])
    path = urlparse(complaint_url(complaint.number)).path
    login = client.get(path)
    assert login.status_code == 302
    next_url = parse_qs(urlparse(login["Location"]).query)["next"][0]
    assert next_url == path
    assert f"/auth/wecom/start?next={path}" in client.get(login["Location"]).content.decode()
    r, _ = _sign_in(client, fake, "wecom", {"id": "ZhangSan"}, next_url=next_url)
    assert r["Location"] == path


def test_a_callback_with_another_state_signs_no_one_in(client, users, fake, wecom):
    ExternalIdentity.objects.create(provider=wecom, external_id="ZhangSan", user=users["agent"])
    fake.login_as = {"id": "ZhangSan"}
    start = client.get("/auth/wecom/start")
    back = urlparse(_follow_provider(start["Location"]))
    params = {k: v[0] for k, v in parse_qs(back.query).items()}
    asked = len(fake.requests)
    r = client.get(back.path, {**params, "state": "forged"})
    assert r.status_code == 400
    assert "not the one kesu started" in r.content.decode() or "不是" in r.content.decode()
    assert _signed_in_as(client) is None
    assert len(fake.requests) == asked  # the code was not even exchanged
    # Nor can the real state be used once it has been spent.
    assert client.get(back.path, params).status_code == 400
    assert _signed_in_as(client) is None


def test_a_callback_without_a_started_sign_in_is_refused(client, fake, wecom):
    r = client.get("/auth/wecom/callback", {"code": "x", "state": "y"})
    assert r.status_code == 400 and _signed_in_as(client) is None


def test_an_unknown_person_is_refused_with_a_clear_page(client, users, fake, wecom):
    r, _ = _sign_in(client, fake, "wecom", {"id": "Stranger"})
    assert r.status_code == 403
    body = r.content.decode()
    assert 'id="oauth-refused"' in body and "Stranger" in body
    assert _signed_in_as(client) is None
    assert not ExternalIdentity.objects.exists()


def test_match_by_mobile_when_allowed_binds_the_person(client, users, fake, wecom):
    users["quality"].phone = "13800001111"
    users["quality"].save()
    # Not allowed: refused although the phone matches.
    r, _ = _sign_in(client, fake, "wecom", {"id": "LiSi", "mobile": "13800001111"})
    assert r.status_code == 403
    wecom.match_by_mobile = True
    wecom.save()
    r, _ = _sign_in(client, fake, "wecom", {"id": "LiSi", "mobile": "+86 138 0000 1111"})
    assert r.status_code == 302 and _signed_in_as(client) == "quality"
    assert "/cgi-bin/auth/getuserdetail" in fake.paths()
    binding = ExternalIdentity.objects.get(external_id="LiSi")
    assert binding.user == users["quality"] and binding.matched_by == "mobile"


def test_match_by_mobile_refuses_when_two_users_share_the_number(client, users, fake, wecom):
    wecom.match_by_mobile = True
    wecom.save()
    for name in ("agent", "agent2"):
        users[name].phone = "13800002222"
        users[name].save()
    r, _ = _sign_in(client, fake, "wecom", {"id": "WangWu", "mobile": "13800002222"})
    assert r.status_code == 403 and _signed_in_as(client) is None


def test_an_inactive_user_cannot_sign_in_through_a_binding(client, users, fake, wecom):
    ExternalIdentity.objects.create(provider=wecom, external_id="ZhangSan", user=users["agent"])
    users["agent"].is_active = False
    users["agent"].save()
    r, _ = _sign_in(client, fake, "wecom", {"id": "ZhangSan"})
    assert r.status_code == 403 and _signed_in_as(client) is None


def test_someone_outside_the_organisation_is_refused(client, users, fake, wecom):
    r, _ = _sign_in(client, fake, "wecom", {"openid": "o-outsider"})
    assert r.status_code == 403 and _signed_in_as(client) is None


def test_a_wrong_secret_shows_what_the_provider_said(client, users, fake, wecom):
    ExternalIdentity.objects.create(provider=wecom, external_id="ZhangSan", user=users["agent"])
    wecom.secret = "not-the-secret"
    wecom.save()
    r, _ = _sign_in(client, fake, "wecom", {"id": "ZhangSan"})
    assert r.status_code == 502
    assert "invalid credential" in r.content.decode()
    assert _signed_in_as(client) is None


def test_an_unreachable_provider_is_a_clear_page(client, users, fake, wecom):
    ExternalIdentity.objects.create(provider=wecom, external_id="ZhangSan", user=users["agent"])
    fake.login_as = {"id": "ZhangSan"}
    start = client.get("/auth/wecom/start")
    back = urlparse(_follow_provider(start["Location"]))
    wecom.api_base_url = "http://127.0.0.1:9"  # nothing listens there
    wecom.save()
    r = client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})
    assert r.status_code == 502 and 'id="oauth-refused"' in r.content.decode()
    assert _signed_in_as(client) is None


def test_dingtalk_bound_user_signs_in(client, users, fake, dingtalk):
    ExternalIdentity.objects.create(provider=dingtalk, external_id="union-77", user=users["supervisor"])
    r, authorize = _sign_in(client, fake, "dingtalk", {"id": "union-77", "name": "赵六"})
    query = parse_qs(urlparse(authorize).query)
    assert query["client_id"] == [fake.app_key] and query["response_type"] == ["code"]
    assert r.status_code == 302 and r["Location"] == "/"
    assert _signed_in_as(client) == "supervisor"
    assert fake.paths()[-2:] == ["/v1.0/oauth2/userAccessToken", "/v1.0/contact/users/me"]


def test_dingtalk_account_of_another_organisation_is_refused(client, users, fake, dingtalk):
    ExternalIdentity.objects.create(provider=dingtalk, external_id="union-77", user=users["supervisor"])
    r, _ = _sign_in(client, fake, "dingtalk", {"id": "union-77", "corp": "ding-other-corp"})
    assert r.status_code == 403 and _signed_in_as(client) is None


def test_dingtalk_match_by_email(client, users, fake, dingtalk):
    dingtalk.match_by_email = True
    dingtalk.save()
    users["director"].email = "Director@example.com"
    users["director"].save()
    r, _ = _sign_in(client, fake, "dingtalk", {"id": "union-88", "email": "director@example.com"})
    assert r.status_code == 302 and _signed_in_as(client) == "director"
    assert ExternalIdentity.objects.get(external_id="union-88").matched_by == "email"


def test_next_outside_the_site_is_not_followed(client, users, fake, wecom):
    ExternalIdentity.objects.create(provider=wecom, external_id="ZhangSan", user=users["agent"])
    r, _ = _sign_in(client, fake, "wecom", {"id": "ZhangSan"}, next_url="https://evil.example.com/")
    assert r.status_code == 302 and r["Location"] == "/"


def test_admin_enables_a_provider_only_with_its_credentials_and_never_shows_the_secret(web, fake, db):
    client = web("admin")
    r = client.post(
        "/admin/accounts/signinprovider/add/",
        {
            "kind": "wecom",
            "enabled": "on",
            "corp_id": "ww1",
            "agent_id": "",
            "secret": "",
            "authorize_url": "",
            "api_base_url": "",
            "identities-TOTAL_FORMS": "0",
            "identities-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 200 and not SignInProvider.objects.exists()
    assert "agent id" in r.content.decode().lower() or "AgentId" in r.content.decode()
    data = {
        "kind": "wecom",
        "enabled": "on",
        "corp_id": "ww1",
        "agent_id": "1000002",
        "secret": "top-secret-value",
        "authorize_url": "",
        "api_base_url": "",
        "identities-TOTAL_FORMS": "0",
        "identities-INITIAL_FORMS": "0",
    }
    r = client.post("/admin/accounts/signinprovider/add/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    provider = SignInProvider.objects.get()
    page = client.get(f"/admin/accounts/signinprovider/{provider.pk}/change/").content.decode()
    assert "top-secret-value" not in page
    # Saved again with the secret left empty: the stored one stays.
    r = client.post(f"/admin/accounts/signinprovider/{provider.pk}/change/", {**data, "secret": ""})
    assert r.status_code == 302
    provider.refresh_from_db()
    assert provider.secret == "top-secret-value"
    assert provider.endpoint("api_base_url") == "https://qyapi.weixin.qq.com"
