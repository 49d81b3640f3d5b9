"""Signing in and out of the web workspace, with the login rate limit (R-Q-4)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

PASSWORD = "secret-pass-1"


def _login(client, username, password, addr="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=addr)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_is_chinese_by_default(client, db):
    r = client.get("/login/")
    assert r.status_code == 200
    assert '<html lang="zh-hans">' in r.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    r = client.get("/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login/?next=/")


def test_agent_signs_in_and_lands_on_the_inbox(client, users):
    r = _login(client, "agent", PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_the_form_again(client, users):
    r = _login(client, "agent", "wrong")
    assert r.status_code == 200
    assert not _signed_in(client)
    assert 'name="username"' in r.content.decode()


def test_too_many_failures_for_one_username_are_refused_with_429(client, users, settings):
    settings.KESU_LOGIN_MAX_FAILURES = 3
    for i in range(3):
        assert _login(client, "agent", "wrong", addr=f"10.0.0.{i + 1}").status_code == 200
    # Even the right password, from yet another address, is refused while the window is open.
    r = _login(client, "agent", PASSWORD, addr="10.0.0.9")
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert not _signed_in(client)
    assert "alert-danger" in r.content.decode()
    # Another user is not affected.
    assert _login(Client(), "agent2", PASSWORD, addr="10.0.0.10").status_code == 302


def test_too_many_failures_from_one_address_are_refused_for_every_username(client, users, settings):
    settings.KESU_LOGIN_MAX_FAILURES = 3
    for name in ("a", "b", "c"):
        _login(client, name, "wrong", addr="10.9.9.9")
    assert _login(client, "agent", PASSWORD, addr="10.9.9.9").status_code == 429
    assert _login(Client(), "agent", PASSWORD, addr="10.1.1.1").status_code == 302


def test_the_block_lifts_when_the_window_has_passed(client, users, settings):
    settings.KESU_LOGIN_MAX_FAILURES = 2
    settings.KESU_LOGIN_WINDOW_SECONDS = 300
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "agent", "wrong")
        _login(client, "agent", "wrong")
        assert _login(client, "agent", PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(seconds=200), tick=False):
        assert _login(client, "agent", PASSWORD).status_code == 429  # later tries do not stretch the window
    with time_machine.travel(start + dt.timedelta(seconds=301), tick=False):
        assert _login(client, "agent", PASSWORD).status_code == 302


def test_sign_out_is_a_post(client, users):
    client.force_login(users["agent"])
    assert client.get("/logout/").status_code == 405
    r = client.post("/logout/")
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert not _signed_in(client)


@pytest.mark.parametrize("language, marker", [("en", '<html lang="en">'), ("zh-hans", '<html lang="zh-hans">')])
def test_language_switch_in_the_navbar(client, users, language, marker):
    client.force_login(users["agent"])
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    r = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert r.status_code == 302
    assert marker in client.get("/").content.decode()
