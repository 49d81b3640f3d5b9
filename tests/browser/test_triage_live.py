"""The live triage suggestion in a real browser: it appears beside the form as the agent types, without a reload,
with the customer's words marked; a click on a suggested type fills the form's type field. Photographed at
desktop width and at 390 px."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# Generous: the machine running the suite may be busy; every wait is for a condition, never a fixed time.
WAIT = 30_000

TITLE = "外卖吃完拉肚子"
DESCRIPTION = "昨天晚上点的黄焖鸡米饭，吃完全家都拉肚子，孩子还吐了。商家一直不回消息，再不处理我就打12315投诉。"


def test_the_suggestion_appears_as_the_agent_types_and_one_click_sets_the_type(
    live_server, django_db_serialized_rollback, users, page, screenshot
):
    base = live_server.url
    sign_in(page, base, "agent")
    page.goto(f"{base}/complaints/new")
    panel = page.locator("#triage-live")
    expect(panel.locator(".triage-empty")).to_be_visible(timeout=WAIT)
    page.evaluate("window.kesuNotReloaded = true")

    page.fill("#id_customer_phone", "13811112222")
    page.fill("#id_customer_name", "刘女士")
    # Typed key by key, the way an agent types during the call.
    page.locator("#id_title").press_sequentially(TITLE, delay=20)
    page.locator("#id_description").click()
    page.keyboard.insert_text(DESCRIPTION[:20])
    page.locator("#id_description").press_sequentially(DESCRIPTION[20:], delay=5)

    # The panel shows the whole text's suggestion (the last answer, never an older one).
    description = panel.locator(".triage-description")
    expect(description).to_have_text(DESCRIPTION, timeout=WAIT)
    expect(description.locator("mark[data-family=food_safety]").first).to_have_text("拉肚子", timeout=WAIT)
    expect(description.locator("mark[data-family=regulator]")).to_have_text("12315", timeout=WAIT)
    expect(panel.locator(".triage-risk[data-family=food_safety] .risk-family")).to_have_text("食品安全")
    expect(panel.locator(".triage-risk[data-family=regulator] .risk-family")).to_have_text("监管投诉")
    expect(panel.locator(".triage-top")).to_contain_text("产品质量")
    assert page.evaluate("window.kesuNotReloaded") is True  # htmx swapped the panel in place

    # One click puts the suggested type in the form; a runner-up can be chosen the same way.
    type_field = page.locator("#id_type_code")
    expect(type_field).to_have_value("")
    panel.locator(".triage-top").click()
    expect(type_field).to_have_value("quality")
    expect(panel.locator(".triage-top")).to_have_attribute("aria-pressed", "true")
    runner_up = panel.locator(".triage-alt").first
    code = runner_up.get_attribute("data-set-type")
    runner_up.click()
    expect(type_field).to_have_value(code)
    expect(panel.locator(".triage-top")).to_have_attribute("aria-pressed", "false")
    panel.locator(".triage-top").click()
    expect(type_field).to_have_value("quality")

    page.evaluate("document.activeElement.blur()")
    page.locator("#content-heading").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -12)")
    screenshot(page, "triage-live")

    # The saved complaint keeps the chosen type, and the page did only this one navigation.
    page.click("#submit-complaint")
    page.wait_for_url(f"{base}/complaints/KS-*", timeout=WAIT)
    expect(page.locator(".complaint-description mark[data-family=regulator]")).to_have_text("12315", timeout=WAIT)


def test_the_suggestion_on_a_phone_and_low_confidence_said_in_words(
    live_server, django_db_serialized_rollback, users, browser, screenshot
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    try:
        base = live_server.url
        sign_in(page, base, "agent")
        page.goto(f"{base}/complaints/new")
        panel = page.locator("#triage-live")
        page.fill("#id_description", "你好，我想反映一下情况。")
        expect(panel.locator("[data-low-confidence]")).to_have_text("低置信度", timeout=WAIT)
        page.fill("#id_title", TITLE)
        page.fill("#id_description", DESCRIPTION)
        expect(panel.locator(".triage-description mark[data-family=regulator]")).to_have_text("12315", timeout=WAIT)
        panel.scroll_into_view_if_needed()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
        screenshot(page, "triage-live-390")
    finally:
        context.close()
