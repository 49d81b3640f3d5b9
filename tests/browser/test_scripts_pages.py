"""The scripts picker, the macro menu and the letter preview in a real browser (Chinese UI): the agent searches
"延误", inserts the script filled with the complaint's number and sends it; a macro classifies, routes and replies
in one click; a macro refused by the complaint's state shows why and changes nothing."""

import pytest
from django.utils import timezone

from kesu.channels.outbound.models import OutboundMessage
from kesu.complaints import actions
from kesu.complaints.models import Complaint, Event
from kesu.rules import playbooks
from kesu.scripts import starter
from kesu.scripts.models import Script
from tests.factories import make_complaint, snapshot

pytestmark = pytest.mark.browser


def sign_in(page, base, username="agent"):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "secret-pass-1")
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")


def a_late_delivery(users, type_code="delivery"):
    playbooks.load("service")
    starter.load()
    customer = actions.CustomerInput(name="王女士", email="wang@customer.example", kind="consumer")
    c = make_complaint(
        users["agent"],
        customer=customer,
        title="洗衣机迟迟未送达",
        description="下单一周了洗衣机还没送到，物流信息一直没有更新。",
        type_code=type_code,
        channel="email",
    )
    actions.do_acknowledge(c, actor=users["agent"], now=timezone.now())
    return Complaint.objects.get(pk=c.pk)


def test_the_agent_inserts_a_script_into_the_reply_and_sends_it(
    live_server, django_db_serialized_rollback, users, page, screenshot
):
    c = a_late_delivery(users)
    script = Script.objects.get(key="apology-delivery-delay", language="zh-hans")
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/complaints/{c.number}")

    page.click("#script-picker-toggle")
    page.locator("#script-results .script-item").first.wait_for()
    page.fill("#script-q", "延误")
    item = page.locator(f"#script-results .script-item[data-script='{script.pk}']")
    item.wait_for()
    assert page.locator("#script-results .script-item").count() < Script.objects.filter(language="zh-hans").count()
    preview = item.locator(".script-preview").inner_text()
    assert c.number in preview and "王女士" in preview  # the variables filled from the complaint
    screenshot(page, "scripts_picker")

    page.fill("#reply-text", "")
    item.locator(".script-insert").click()
    page.wait_for_function("number => document.getElementById('reply-text').value.includes(number)", arg=c.number)
    text = page.input_value("#reply-text")
    assert text.startswith("王女士") and "{" not in text
    assert page.input_value("#reply-script") == str(script.pk)
    assert Script.objects.get(pk=script.pk).use_count == 1

    page.fill("#reply-subject", "关于您的配送")
    page.click("#reply-send")
    page.locator("li.timeline-item[data-event=script_used]", has_text=script.title).wait_for()
    note = page.locator("li.timeline-item[data-event=note]", has_text="非常抱歉您的货物未能按时送达")
    assert "customer-visible" in note.get_attribute("class")
    used = Event.objects.get(complaint=c, action="script_used")
    assert used.data["script"] == script.title
    sent = OutboundMessage.objects.get(complaint=c, template="reply")
    assert c.number in sent.body and sent.to == "wang@customer.example"


def test_a_macro_applies_its_steps_and_a_refused_one_changes_nothing(
    live_server, django_db_serialized_rollback, users, page
):
    c = a_late_delivery(users, type_code="quality")  # recorded under the wrong type: the macro reclassifies
    base = live_server.url
    sign_in(page, base)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before a macro runs
    page.goto(f"{base}/complaints/{c.number}")

    menu = page.locator("#macro-menu")
    delivery = menu.locator(".macro-item", has_text="物流延误标准处理")
    assert "致歉：物流延误" in delivery.locator(".macro-steps").inner_text()
    delivery.locator(".macro-run").click()
    page.locator("li.timeline-item[data-event=macro_run]").wait_for()
    c.refresh_from_db()
    assert c.category.code == "delivery" and c.department.code == "LOG" and c.status == "assigned"
    assert OutboundMessage.objects.filter(complaint=c, template="reply").count() == 1
    assert page.locator("li.timeline-item[data-event=assign]").count() >= 1

    # Acknowledging again is refused on an assigned complaint: the reason at the macro, nothing changed.
    before = snapshot(c.number), OutboundMessage.objects.count()
    page.locator("#macro-menu .macro-item", has_text="受理并发送受理确认").locator(".macro-run").click()
    error = page.locator("#macro-menu .macro-error")
    error.wait_for()
    assert "第 1 步" in error.inner_text()
    assert (snapshot(c.number), OutboundMessage.objects.count()) == before


def test_the_reply_letter_is_previewed_on_its_page(live_server, django_db_serialized_rollback, users, page, screenshot):
    c = a_late_delivery(users)
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/complaints/{c.number}")
    page.click("#letter-preview-reply")
    page.wait_for_url(f"{base}/complaints/{c.number}/letters/reply")
    frame = page.frame_locator("#letter-frame")
    frame.locator("body").wait_for()
    body = frame.locator("body").inner_text()
    assert c.number in body and "王女士" in body
    screenshot(page, "letter_reply", full_page=True)
    page.click("#letter-lang-en")
    page.wait_for_url(f"{base}/complaints/{c.number}/letters/reply?lang=en")
    assert "Reply to your complaint" in page.frame_locator("#letter-frame").locator("body").inner_text()
