"""The reply box in a real browser (Chinese UI): the agent writes to the customer by e-mail, htmx swaps the
page, the message is on the timeline as customer-visible next to the automatic acknowledgement."""

import pytest

from kesu.channels.outbound.models import OutboundMessage
from kesu.complaints import actions
from kesu.rules import playbooks
from tests.factories import make_complaint

pytestmark = pytest.mark.browser


def test_the_agent_writes_to_the_customer_from_the_complaint_page(
    live_server, django_db_serialized_rollback, users, page, screenshot
):
    playbooks.load("service")
    customer = actions.CustomerInput(name="刘女士", phone="13812345678", email="liu@customer.example", kind="consumer")
    c = make_complaint(
        users["agent"], customer=customer, title="洗衣机异响", description="新买的洗衣机脱水时异响很大。"
    )
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "secret-pass-1")
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/complaints/{c.number}")
    box = page.locator("#reply-box")
    assert "l***@customer.example" in box.inner_text()
    assert box.locator("[data-channel=email][data-direction=out]").count() == 1  # the acknowledgement
    page.click("#reply-send")  # nothing typed: the error is at the field, nothing sent
    page.locator("#reply-text_error").wait_for()
    page.fill("#reply-text", "刘女士您好，维修师傅明天上午十点上门检查。")
    page.fill("#reply-subject", "上门检查安排")
    page.click("#reply-send")
    page.locator("#reply-box [data-direction=out]", has_text="维修师傅明天上午十点").wait_for()
    note = page.locator("li.timeline-item[data-event=note]", has_text="维修师傅明天上午十点")
    assert "customer-visible" in note.get_attribute("class")
    assert page.locator("li.timeline-item[data-event=message_sent]").count() == 1
    assert OutboundMessage.objects.get(complaint=c, template="reply").subject == f"[{c.number}] 上门检查安排"
    screenshot(page, "reply_box")
