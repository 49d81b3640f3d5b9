"""Followers, @mentions and the customer view in a real browser (Chinese UI), at desktop size and on a phone
(390×844): the agent adds a colleague from the people picker with the keyboard, is told why someone outside the
complaint's scope cannot be added, mentions a colleague in a note by picking them after "@", and sees the
customer's history beside the form while typing the caller's phone, then on the customer page."""

import pytest
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Customer, Event
from kesu.notifications.models import Notification
from kesu.routing.models import Watcher
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.browser

PHONE = "13987654321"
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


def a_customer_with_history(users):
    customer = actions.CustomerInput(name="赵六", phone=PHONE, kind="consumer")
    first = make_complaint(
        users["agent"],
        customer=customer,
        title="冰箱不制冷",
        order_no="SO-2001",
        product="冰箱",
        product_code="BCD-520",
    )
    first = advance(first, users["admin"], "resolved", department="PROD")
    actions.do_rate(first, actor=users["admin"], now=timezone.now(), score=2, comment="处理及时")
    second = make_complaint(users["agent"], customer=customer, title="冰箱又坏了", order_no="SO-2001", product="冰箱")
    second = advance(second, users["admin"], "investigating", department="PROD")
    make_complaint(users["agent"], customer=customer, title="送货员态度差", type_code="service")
    return second


def test_adding_a_follower_and_mentioning_a_colleague(
    live_server, django_db_serialized_rollback, users, sized_page, screenshot
):
    page = sized_page
    complaint = a_customer_with_history(users)
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/complaints/{complaint.number}")

    # The people picker: typing lists who may see the complaint; the keyboard picks one.
    box = page.locator("#follower-username")
    box.scroll_into_view_if_needed()
    box.click()
    box.press_sequentially("hand")
    options = page.locator("#follower-username-options .people-option")
    options.first.wait_for()
    names = options.evaluate_all("els => els.map(e => e.dataset.username)")
    assert names[0] == "handler" and "handler_log" not in names
    page.locator("#follower-username-options .people-option.active[data-username='handler']").wait_for()
    box.press("Enter")
    assert box.input_value() == "handler"
    page.locator("#followers-card form.follower-add button[type=submit]").click()
    page.locator("#followers-card .follower[data-username='handler']").wait_for()
    assert Watcher.objects.filter(complaint=complaint, user=users["handler"]).exists()

    # Someone outside the complaint's data scope: refused, named, nothing added.
    page.fill("#follower-username", "handler_log")
    page.locator("#followers-card form.follower-add button[type=submit]").click()
    error = page.locator("#follower-username-error")
    error.wait_for()
    assert "handler_log" in error.inner_text()
    assert not Watcher.objects.filter(complaint=complaint, user=users["handler_log"]).exists()
    if page.size_name == "desktop":
        page.locator("#followers-card").scroll_into_view_if_needed()
        screenshot(page, "followers")

    # @mention: "@" and a few letters in the note list the colleagues; Enter takes the highlighted one.
    page.fill("#follower-username", "")
    page.locator("[data-action='note'] .accordion-button").click()
    note = page.locator("#id_note_text")
    note.wait_for(state="visible")
    note.click()
    note.press_sequentially("请 @super")
    page.locator(".people-option[data-username='supervisor']").wait_for()
    note.press("Escape")
    assert page.locator(".people-option").count() == 0
    note.fill("")
    note.press_sequentially("请 @hand")
    page.locator(".people-option.active").wait_for()
    picked = page.locator(".people-option.active").get_attribute("data-username")
    note.press("Enter")
    assert note.input_value() == f"请 @{picked} "
    note.press_sequentially("看一下检测报告")
    page.locator("[data-action='note'] button[type=submit]").click()
    page.locator(f"mark.mention[data-mention='{picked}']").wait_for()
    event = Event.objects.filter(complaint=complaint, action="note").latest("id")
    assert event.data["mentions"] == [picked]
    assert Notification.objects.filter(user__username=picked, kind="mention", complaint=complaint).exists()


def test_the_customer_history_beside_a_new_complaint_and_on_its_page(
    live_server, django_db_serialized_rollback, users, sized_page, screenshot
):
    page = sized_page
    a_customer_with_history(users)
    customer = Customer.objects.get(phone=PHONE)
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/complaints/new")
    page.locator("#id_customer_phone").press_sequentially(PHONE)
    panel = page.locator("#customer-lookup .customer-panel")
    panel.wait_for()
    text = panel.inner_text()
    assert "赵六" in text and "3" in panel.locator(".earlier-count").inner_text()
    assert panel.locator(".repeat-count").count() == 1
    assert panel.locator(".earlier-list li").count() == 3

    page.goto(f"{base}/customers/{customer.pk}")
    rows = page.locator(".customer-complaint:visible")  # a table on a desk, cards on a phone
    rows.first.wait_for()
    assert rows.count() == 3
    assert "SO-2001" in page.locator(".customer-orders").inner_text()
    assert page.locator(".satisfaction-history li").count() == 1
    screenshot(page, "customer_view" if page.size_name == "desktop" else "customer_view_phone", full_page=True)
