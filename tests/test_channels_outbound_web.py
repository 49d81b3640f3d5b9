"""The reply box and the timeline on the staff complaint page: which channels the customer can be written to,
the masked address, sending, errors next to their field, and messages in and out told apart from internal
notes."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from kesu.channels.outbound.models import OutboundMessage, SmsGateway
from kesu.complaints import actions
from kesu.complaints.models import Event
from tests.factories import snapshot


@pytest.fixture
def mailed(users, django_capture_on_commit_callbacks, settings):
    """A complaint by a customer with e-mail and phone, its acknowledgement sent (after commit)."""
    settings.KESU_BASE_URL = "https://kesu.example.com"
    customer = actions.CustomerInput(name="张三", phone="13812345678", email="zhang.san@customer.example")
    data = actions.ComplaintInput(
        channel="email",
        customer=customer,
        title="冰箱漏水",
        description="买了三天的冰箱一直漏水。",
        type_code="quality",
    )
    with django_capture_on_commit_callbacks(execute=True):
        complaint, _ = actions.do_create(data, actor=users["agent"], now=timezone.now(), event_data={"via": "email"})
    return complaint


def item(page: str, event: str) -> list[str]:
    """The timeline items of one action, as HTML."""
    return re.findall(rf'<li class="timeline-item[^"]*" data-event="{event}">.*?</li>', page, flags=re.S)


def test_the_reply_box_offers_the_customers_channels_with_masked_addresses(web, mailed):
    page = web("agent", "en").get(f"/complaints/{mailed.number}").content.decode()
    box = page[page.index('id="reply-box"') :]
    assert "Write to the customer" in box
    assert 'value="email"' in box and "z***@customer.example" in box
    assert 'value="sms"' not in box  # no SMS gateway set up
    assert "zhang.san@customer.example" not in box and "13812345678" not in page
    assert 'name="text"' in box and 'id="reply-send"' in box
    # The acknowledgement already went out: listed with its channel and delivery status.
    assert "To the customer by e-mail" in box and "automatic" in box and "Pending" in box

    SmsGateway.objects.create(name="gw", kind="generic", endpoint="http://127.0.0.1:9/", access_key_secret="s")
    box = web("agent", "en").get(f"/complaints/{mailed.number}").content.decode()
    assert 'value="sms"' in box and "138****5678" in box


def test_sending_from_the_page_puts_the_message_on_the_timeline_apart_from_internal_notes(web, users, mailed):
    actions.do_note(mailed, actor=users["agent"], now=timezone.now(), text="内部：先查批次", internal=True)
    client = web("agent", "en")
    r = client.post(f"/complaints/{mailed.number}/messages", {"channel": "email", "text": "您好，我们明天上门。"})
    assert r.status_code == 302
    message = OutboundMessage.objects.get(complaint=mailed, template="reply")
    assert message.to == "zhang.san@customer.example" and message.body.startswith("您好，我们明天上门。")
    actions.do_customer_message(mailed, now=timezone.now(), text="好的，谢谢", via="email")

    page = client.get(f"/complaints/{mailed.number}").content.decode()
    assert "Sent to the customer by E-mail (z***@customer.example)." in page
    notes = item(page, "note")
    public = [n for n in notes if "您好，我们明天上门。" in n]
    internal = [n for n in notes if "内部：先查批次" in n]
    assert (
        public and "customer-visible" in public[0] and "Customer-visible" in public[0] and "Internal" not in public[0]
    )
    assert internal and "customer-visible" not in internal[0] and "Internal" in internal[0]
    [automatic] = item(page, "message_sent")
    assert "Sent to the customer (automatic)" in automatic and "Customer-visible" in automatic
    assert "bi-send-arrow-up" in automatic and "zhang.san@customer.example" not in automatic
    [incoming] = item(page, "customer_message")
    assert "Message from the customer" in incoming and "好的，谢谢" in incoming and "bi-chat-left-quote" in incoming
    box = page[page.index('id="reply-box"') :]
    assert box.count("To the customer by e-mail") == 2 and "From the customer" in box


def test_a_bad_send_shows_the_error_at_its_field_and_keeps_the_text(web, mailed):
    before = snapshot(mailed.number)
    client = web("agent", "en")
    r = client.post(f"/complaints/{mailed.number}/messages", {"channel": "email", "text": "  "})
    assert r.status_code == 400
    page = r.content.decode()
    assert 'id="reply-text_error"' in page and "This field is required." in page
    r = client.post(
        f"/complaints/{mailed.number}/messages", {"channel": "sms", "text": "请回电"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert page.lstrip().startswith('<div id="complaint-body"')  # htmx gets the body to swap
    assert 'id="reply-channel_error"' in page and "No SMS gateway is set up." in page and "请回电</textarea>" in page
    assert snapshot(mailed.number) == before
    assert not OutboundMessage.objects.filter(template__startswith="reply").exists()


def test_htmx_send_swaps_the_body_and_other_scopes_cannot_send(web, users, mailed):
    r = web("agent", "en").post(
        f"/complaints/{mailed.number}/messages",
        {"channel": "email", "text": "已安排上门", "subject": "上门"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and "已安排上门" in r.content.decode()
    assert OutboundMessage.objects.get(template="reply").subject == f"[{mailed.number}] 上门"
    events = Event.objects.filter(complaint=mailed).count()
    r = web("handler_log").post(f"/complaints/{mailed.number}/messages", {"channel": "email", "text": "x"})
    assert r.status_code == 404 and Event.objects.filter(complaint=mailed).count() == events


def test_the_reply_box_reads_in_chinese(web, mailed):
    page = web("agent").get(f"/complaints/{mailed.number}").content.decode()
    box = page[page.index('id="reply-box"') :]
    assert "联系客户" in box or "发送" in box
