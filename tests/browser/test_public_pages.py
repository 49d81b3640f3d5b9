"""The customer's pages on a phone (390x844, Chinese): the complaint form solves its check by itself (Web
Crypto), takes a photo, shows the number and the first-response time; the tracking page shows the progress
in plain words, takes a message and the answer to a proposal. Each page is photographed."""

import re

import pytest
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Complaint
from kesu.rules import playbooks
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import advance
from tests.test_attachments import png_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    yield page
    context.close()


def test_a_customer_complains_and_follows_the_complaint_on_a_phone(
    live_server, django_db_serialized_rollback, users, phone, screenshot
):
    playbooks.load("service")
    page, base = phone, live_server.url
    page.goto(f"{base}/p/complaint")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("nav.navbar").count() == 0  # not the staff layout
    page.fill("#id_name", "刘女士")
    page.fill("#id_phone", "13912340000")
    page.fill("#id_email", "liu@example.com")
    page.fill("#id_product", "空气炸锅 AF5")
    page.fill("#id_order_no", "JD7788123")
    page.fill("#id_store", "京东自营")
    page.fill("#id_description", "收到的空气炸锅外壳有裂痕，通电后有焦味。")
    page.select_option("#id_demand", "exchange")
    page.set_input_files("#id_photos", files=[{"name": "裂痕.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.check("#id_consent")
    page.wait_for_selector("#challenge-done:not([hidden])")  # the proof of work found by the page's script
    assert page.locator("#challenge-question").is_hidden()
    print(f"proof of work: {page.get_attribute('#public-form', 'data-pow-ms')} ms")
    # The form is one column that fits the screen: nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "public_form", full_page=True)

    page.click("#submit-complaint")
    page.wait_for_selector("#complaint-number")
    c = Complaint.objects.select_related("customer").get()
    assert page.inner_text("#complaint-number") == c.number
    assert c.channel == "web" and c.customer.email == "liu@example.com"
    assert [a.original_name for a in c.attachments.all()] == ["裂痕.png"]
    due = timezone.localtime(c.deadlines.get(clock="first_response").due_at)
    assert due.strftime("%Y-%m-%d %H:%M") in page.inner_text("#first-response")
    screenshot(page, "public_submitted", full_page=True)

    # Staff answer, propose a solution; the customer opens the tracking page from the acknowledgement.
    admin = users["admin"]
    admin.display_name = "客服小周"
    admin.save()
    actions.do_note(c, actor=admin, now=timezone.now(), text="内部：先查同批次库存", internal=True)
    actions.do_note(c, actor=admin, now=timezone.now(), text="刘女士您好，我们已收到照片，正在核实。", internal=False)
    advance(c, admin, "solution_proposed")
    page.click("#track-link")
    page.wait_for_url(re.compile(r"/t/"))
    assert page.locator("#status").get_attribute("data-status") == "solution_proposed"
    body = page.inner_text("body")
    assert "我们已收到照片" in body and "客服小周" in body and "换新机一台" in body
    assert "内部" not in body and "admin" not in body and "13912340000" not in body

    page.fill("#id_text", "好的，希望尽快换货。")
    page.click("#send-message")
    page.wait_for_selector(".bubble-customer")
    assert "希望尽快换货" in page.inner_text(".bubble-customer")
    assert c.events.filter(action="customer_message").count() == 1
    screenshot(page, "public_tracking", full_page=True)

    page.click("#accept-proposal")
    page.wait_for_selector("#proposal", state="detached")
    c.refresh_from_db()
    assert c.customer_accepted is True
