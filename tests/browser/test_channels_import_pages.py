"""The import of old records in a real browser (Chinese UI): a sheet with a bad row is reported and not imported;
the corrected sheet is checked and imported. The report and the columns page are photographed."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from kesu.complaints.models import Complaint
from kesu.rules import playbooks

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def test_upload_check_and_import(live_server, django_db_serialized_rollback, users, page, screenshot, tmp_path):
    playbooks.load("service")
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "secret-pass-1")
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")
    page.click('a.nav-link[href="/imports/"]')
    page.wait_for_url(f"{base}/imports/")

    good = (DATA / "old_records.csv").read_text(encoding="utf-8")
    bad = tmp_path / "投诉记录表.csv"
    bad.write_text(good.replace("2024/3/6", "2024/3/36"), encoding="utf-8")
    page.set_input_files("#import-file", str(bad))
    page.click("#import-upload-submit")
    page.wait_for_selector("#import-map")
    screenshot(page, "import-columns")
    page.click("#import-check")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("受理时间")
    expect(errors).to_contain_text("2024/3/36")
    expect(page.locator("#import-start")).to_have_count(0)
    screenshot(page, "import-errors")
    assert not Complaint.objects.exists()

    page.goto(f"{base}/imports/")
    page.set_input_files("#import-file", str(DATA / "old_records.csv"))
    page.click("#import-upload-submit")
    page.wait_for_selector("#import-map")
    page.click("#import-check")
    expect(page.locator("#import-ready")).to_contain_text("张伟")
    page.click("#import-start")
    expect(page.locator("#import-done")).to_be_visible()
    assert Complaint.objects.count() == 3
