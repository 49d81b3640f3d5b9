"""The complaint page on a phone (390×844, Chinese UI): the next step is on the first screen and in a bar along the
bottom, nothing scrolls sideways, and a photo from the camera is evidence at once. At desktop width the page keeps
its two columns and shows no bar. The phone page is kept as docs/screenshots/complaint_phone.png."""

from __future__ import annotations

import struct
import zlib

import pytest

from kesu.complaints.models import Attachment
from tests.browser.conftest import sign_in
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _png() -> bytes:
    """A real 2×2 PNG, as a phone's camera would hand over (content-checked on upload)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x80\x00" * 2 for _ in range(2))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _sign_in(page, base, username="agent"):
    sign_in(page, base, username)


def _complaint(users):
    c = make_complaint(
        users["agent"],
        title="冰箱冷藏室不制冷,食物变质",
        description="客户反映 5 月购买的双门冰箱冷藏室不制冷,放了一夜的牛奶和肉都坏了,要求上门维修并赔偿食物损失。"
        "客户说如果本周不处理就打 12315 投诉。",
        amount="5200.00",
        product_code="BCD-452WDPF",
    )
    return advance(c, users["admin"], "acknowledged")


def _phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_on_a_phone_the_next_step_is_on_top_and_in_the_bottom_bar(
    live_server, django_db_serialized_rollback, users, browser, screenshot
):
    from playwright.sync_api import expect

    c = _complaint(users)
    context, page = _phone_page(browser)
    try:
        base = live_server.url
        _sign_in(page, base)
        page.goto(f"{base}/complaints/{c.number}")
        steps = page.locator("#next-steps")
        expect(steps).to_be_visible()
        # The steps come before the record: on the first screen, above the customer card.
        box = steps.bounding_box()
        assert box is not None and box["y"] < PHONE["height"], box
        assert box["y"] < page.locator("#sec-customer").bounding_box()["y"]
        expect(page.locator('#actions-accordion .action-primary[data-action="triage"] .next-step-badge')).to_have_text(
            "下一步"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        bar = page.locator(".complaint-bar")
        expect(bar).to_be_visible()
        bar_box = bar.bounding_box()
        assert bar_box["y"] + bar_box["height"] == pytest.approx(PHONE["height"], abs=1)
        for button in bar.locator(".btn").all():
            b = button.bounding_box()
            assert b["height"] >= 40 and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"]
        primary = bar.locator(".bar-primary")
        expect(primary).to_contain_text("分类")
        screenshot(page, "complaint_phone")

        # From the bottom of the page, the bar's button opens the step where it is.
        page.locator("#timeline").scroll_into_view_if_needed()
        primary.tap()
        form = page.locator("#action-triage")
        expect(form).to_be_visible()
        expect(form.locator("#id_triage_type_code")).to_be_in_viewport()
        form.locator("#id_triage_type_code").select_option("quality")
        severity = form.locator("#id_triage_severity")
        if severity.count():
            severity.select_option("B")
        form.locator('button[type="submit"]').tap()
        expect(page.locator("#complaint-body")).to_have_attribute("data-status", "triaged")
        # The bar follows the new state: the next step is now assigning it.
        expect(page.locator(".complaint-bar .bar-primary")).to_contain_text("派单")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_a_photo_from_the_phone_camera_is_evidence_at_once(live_server, django_db_serialized_rollback, users, browser):
    from playwright.sync_api import expect

    c = _complaint(users)
    context, page = _phone_page(browser)
    try:
        base = live_server.url
        _sign_in(page, base)
        page.goto(f"{base}/complaints/{c.number}")
        camera = page.locator("#evidence-camera")
        assert camera.get_attribute("capture") == "environment"
        assert camera.get_attribute("accept") == "image/*"
        expect(page.locator(".camera-button")).to_be_visible()
        camera.set_input_files({"name": "IMG_0412.png", "mimeType": "image/png", "buffer": _png()})
        expect(page.locator("#attachments .attachment-link")).to_have_text("IMG_0412.png")
        attachment = Attachment.objects.get(complaint=c)
        assert attachment.source == "staff" and attachment.captured_at is not None
        expect(page.locator("#attachments")).to_contain_text("员工拍摄")
    finally:
        context.close()


def test_at_desktop_width_the_page_keeps_two_columns_and_no_bar(
    live_server, django_db_serialized_rollback, users, page
):
    from playwright.sync_api import expect

    c = _complaint(users)
    base = live_server.url
    _sign_in(page, base)
    page.goto(f"{base}/complaints/{c.number}")
    expect(page.locator("#next-steps")).to_be_visible()
    expect(page.locator(".complaint-bar")).to_be_hidden()
    expect(page.locator(".camera-button")).to_be_hidden()
    steps = page.locator("#next-steps").bounding_box()
    customer = page.locator("#sec-customer").bounding_box()
    # The record on the left, the steps on the right, both at the top of the page.
    assert customer["x"] < steps["x"] and steps["x"] > 1366 / 2
    assert abs(steps["y"] - customer["y"]) < 300
    timeline = page.locator("#timeline").bounding_box()
    assert timeline["x"] == pytest.approx(steps["x"], abs=2) and timeline["y"] > steps["y"]


def test_an_administrators_full_menu_is_one_row_at_1366(live_server, django_db_serialized_rollback, users, page):
    """Every menu entry (an administrator sees them all) on one line each, the whole bar one row high."""
    _sign_in(page, live_server.url, "admin")
    links = page.locator("#main-nav .navbar-nav .nav-link")
    assert links.count() >= 14
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#main-nav .nav-link')).lineHeight)")
    for link in links.all():
        assert link.bounding_box()["height"] < 2 * line + 8, link.inner_text()
    assert page.locator("nav.kesu-navbar").bounding_box()["height"] < 70
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
