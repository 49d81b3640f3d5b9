"""Browser tests: Playwright's sync API driving Debian's Chromium (never a downloaded browser).

Waits are conditions (a URL, an element, a state), never fixed sleeps, each allowed TIMEOUT_MS: on a loaded
machine (the whole suite on 2 cores, PostgreSQL) a page can take many seconds, and a generous limit costs
nothing when it is fast.
"""

import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the main thread; the Django ORM calls these
# tests make between browser steps are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 60_000  # every Playwright wait, navigation and expect(); set once here
LIVE_SERVER_START_SECONDS = 60
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "secret-pass-1"  # the `users` fixture's


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in on the login page as `username` (signed out first) and wait until the inbox has opened."""
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#sign-in")
    page.wait_for_url(re.compile(re.escape(base) + r"/(\?.*)?$"))


def _keep_serialized_contents() -> list:
    """Playwright's sync API runs the tests in another context, where Django hands out new connection
    objects without the snapshot `django_db_serialized_rollback` restores after each browser test's
    flush. Put the snapshot on the connection classes so every connection object finds it."""
    from django.db import connections

    kept = []
    for connection in connections.all(initialized_only=True):
        contents = connection.__dict__.get("_test_serialized_contents")
        if contents is not None and "_test_serialized_contents" not in type(connection).__dict__:
            type(connection)._test_serialized_contents = contents
            kept.append(type(connection))
    return kept


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, on 127.0.0.1 (not `localhost`, which Chromium may try as ::1 first), started
    with a time limit and handed out only once it answers; tried again if it does not come up."""
    from pytest_django.live_server_helper import LiveServer

    problems = []
    for _attempt in range(3):
        server = LiveServer("127.0.0.1", start=False)
        server.thread.start()
        ready = server.thread.is_ready.wait(timeout=LIVE_SERVER_START_SECONDS)
        if ready and server.thread.error is None and _answers(server.url):
            break
        problems.append(repr(server.thread.error) if server.thread.error else "no answer in time")
        server.stop()
    else:
        raise RuntimeError(f"the live server did not start: {'; '.join(problems)}")
    yield server
    server.stop()


def _answers(url: str) -> bool:
    """Whether the server answers HTTP at all (a static file: no database access outside a test)."""
    deadline = time.monotonic() + LIVE_SERVER_START_SECONDS
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/static/vendor/htmx/htmx.min.js", timeout=10).close()
            return True
        except urllib.error.HTTPError:
            return True  # an answer, even an error one
        except OSError:
            time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def browser(django_db_setup):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not installed at {CHROMIUM} (make browser)")
    from playwright.sync_api import sync_playwright

    kept = _keep_serialized_contents()
    try:
        yield from _launch(sync_playwright)
    finally:
        for cls in kept:
            del cls._test_serialized_contents


def _launch(sync_playwright):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            timeout=TIMEOUT_MS,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "inbox") → docs/screenshots/inbox.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
