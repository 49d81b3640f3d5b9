"""Merging and suggested duplicates in a real browser (Chinese UI), at desktop size and on a phone (390×844): the
agent merges a duplicate from its page (the form on a desktop, the one-click suggestion on a phone), sees the
banner that points to the survivor and the merge on the survivor's timeline, and sees likely duplicates while
typing the caller's phone into the new-complaint form."""

import pytest

from kesu.complaints import actions
from kesu.complaints.models import Complaint
from tests.factories import make_complaint

pytestmark = pytest.mark.browser

PHONE = "13655556666"
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def sign_in(page, base, username="agent"):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secret-pass-1")
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")


@pytest.fixture(params=list(SIZES))
def sized_page(request, browser):
    context = browser.new_context(viewport=SIZES[request.param], locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


def two_calls(users):
    customer = actions.CustomerInput(name="孙七", phone=PHONE, kind="consumer")
    survivor = make_complaint(users["agent"], customer=customer, title="洗碗机漏水", batch_no="LOT-2612-01")
    duplicate = make_complaint(users["agent"], customer=customer, channel="email", title="洗碗机底部漏水")
    actions.do_note(duplicate, actor=users["agent"], now=duplicate.created_at, text="客户发来漏水照片", internal=True)
    return duplicate, survivor


def test_merging_a_duplicate_from_its_page(live_server, django_db_serialized_rollback, users, sized_page, screenshot):
    page = sized_page
    dup, surv = two_calls(users)
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/complaints/{dup.number}")

    suggestion = page.locator(f"#duplicates-card .duplicate-suggestion[data-number='{surv.number}']")
    suggestion.wait_for()
    if page.size_name == "desktop":
        page.locator("#open-link-forms").click()
        page.locator("#merge-into").fill(surv.number)
        page.locator("#merge-reason").fill("同一台洗碗机,电话和邮件各报一次")
        page.locator("#merge-submit").click()
    else:
        suggestion.scroll_into_view_if_needed()
        suggestion.locator("button.btn-warning").click()

    banner = page.locator("#merged-banner")
    banner.wait_for()
    assert surv.number in banner.inner_text()
    assert page.locator("#complaint-status").inner_text().strip() == "已合并"
    assert page.locator("#merge-form").count() == 0
    assert Complaint.objects.get(pk=dup.pk).status == "merged"
    if page.size_name == "desktop":
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "merge")

    page.locator("#open-survivor").click()
    page.wait_for_url(f"{base}/complaints/{surv.number}")
    page.get_by_text("客户发来漏水照片").first.wait_for()
    page.locator(f"#links-card .link-row[data-number='{dup.number}'][data-kind='duplicate']").wait_for()
    if page.size_name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_the_new_complaint_form_suggests_duplicates_while_typing(
    live_server, django_db_serialized_rollback, users, sized_page, screenshot
):
    page = sized_page
    _dup, surv = two_calls(users)
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/complaints/new")
    page.locator("#id_customer_phone").press_sequentially(PHONE)
    row = page.locator(f"#intake-duplicate-list .intake-duplicate[data-number='{surv.number}']")
    row.wait_for()
    assert "同一客户" in row.inner_text()
    page.locator("#id_batch_no").fill("LOT-2612-01")
    page.locator("#id_batch_no").dispatch_event("input")
    page.locator("#intake-duplicate-list").get_by_text("同一批次").first.wait_for()
    card = page.locator("#intake-duplicates-card")
    card.scroll_into_view_if_needed()
    if page.size_name == "desktop":
        screenshot(page, "intake_duplicates")
    else:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
