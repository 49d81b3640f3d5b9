"""Browser tests: Playwright's sync API driving Debian's Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the main thread; the Django ORM calls these
# tests make between browser steps are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


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
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
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
    page.set_default_timeout(15_000)
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
