"""An intake agent takes a phone call end to end in a real browser, and the pages are photographed."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Complaint
from kesu.rules import playbooks
from tests.factories import make_complaint

pytestmark = pytest.mark.browser

CALLER_PHONE = "13912345678"


def _demo_inbox(users):
    """A handful of complaints in different states, so the inbox looks like a working day (with the
    service playbook's deadlines: one overdue, some due within the hour, some with time)."""
    playbooks.load("service")
    agent, supervisor = users["agent"], users["supervisor"]
    now = timezone.now()
    earlier = make_complaint(
        agent,
        customer=actions.CustomerInput(name="王芳", phone=CALLER_PHONE, kind="consumer"),
        title="洗衣机脱水时异响",
        product="滚筒洗衣机",
    )
    actions.do_acknowledge(earlier, actor=agent, now=now)
    actions.do_triage(
        earlier, actor=agent, now=now, severity="B", priority="important", level=1, reason="客户第二次来电"
    )
    actions.do_assign(earlier, actor=agent, now=now, department="PROD")
    urgent = make_complaint(
        agent,
        customer=actions.CustomerInput(name="李雷", phone="13700001111", kind="business", company="华东汽车"),
        title="批次 B2311 外壳开裂,主机厂停线",
        type_code="quality",
        batch_no="B2311",
        flags=["line_stop", "batch"],
    )
    actions.do_acknowledge(urgent, actor=supervisor, now=now)
    actions.do_triage(urgent, actor=supervisor, now=now, severity="A", priority="urgent", level=3, reason="主机厂停线")
    make_complaint(
        agent,
        customer=actions.CustomerInput(name="赵敏", phone="13600002222"),
        title="快递延误五天未送达",
        type_code="delivery",
    )
    make_complaint(
        agent,
        customer=actions.CustomerInput(name="陈静", phone="13500003333"),
        title="门店店员态度恶劣",
        type_code="service",
        store="南京路店",
        received_at=now - dt.timedelta(hours=3),
    )
    return earlier


def test_agent_records_a_phone_complaint_and_acknowledges_it(
    live_server, django_db_serialized_rollback, users, page, screenshot
):
    earlier = _demo_inbox(users)
    base = live_server.url

    # Sign in.
    page.goto(f"{base}/login/")
    page.fill("#id_username", "agent")
    page.fill("#id_password", "secret-pass-1")
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(f"{base}/?tab=all")  # the inbox lands on the agent's own to-do; everything is one tab away
    assert page.locator(".inbox-table tbody tr").count() == 4
    screenshot(page, "inbox")

    # The filter form narrows the list in place (htmx) and keeps the URL shareable.
    page.select_option("#id_severity", "A")
    page.wait_for_url(re.compile(r"severity=A"))
    page.locator(".inbox-table tbody tr").first.wait_for()
    assert page.locator(".inbox-table tbody tr").count() == 1

    # A new call: typing the phone finds the customer on file and fills in the name.
    page.click("a[href='/complaints/new']")
    page.wait_for_url(f"{base}/complaints/new")
    page.locator("#id_customer_phone").press_sequentially(CALLER_PHONE, delay=20)
    lookup = page.locator("#customer-lookup [data-customer-name]")
    lookup.wait_for()
    assert "王芳" in lookup.inner_text()
    assert earlier.number in lookup.inner_text()
    assert page.input_value("#id_customer_name") == "王芳"

    page.fill("#id_title", "洗衣机再次异响,要求换货")
    page.fill("#id_description", "上次维修后一周又出现异响,客户情绪激动,要求直接换新机。")
    page.select_option("#id_type_code", "quality")
    page.select_option("#id_demand", "exchange")
    page.fill("#id_product", "滚筒洗衣机")
    page.fill("#id_product_model", "XQG100")
    page.fill("#id_amount", "3299.00")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "new-complaint")
    page.click("#submit-complaint")

    # The complaint page, with the success message naming the new number.
    page.wait_for_url(re.compile(r"/complaints/KS-\d{8}-\d{5}$"))
    number = page.url.rsplit("/", 1)[-1]
    assert number in page.locator(".alert-success").inner_text()
    assert page.locator("#complaint-status .status-new").count() == 1

    # Acknowledge: the small form posts with htmx and the page body updates in place.
    page.click("[data-action=acknowledge] .accordion-button")
    page.fill("#id_acknowledge_note", "已致电客户,约定明天上门检测。")
    page.click("[data-action=acknowledge] button[type=submit]")
    page.locator("#complaint-status .status-acknowledged").wait_for()
    assert page.url.endswith(number)
    assert page.locator(".timeline-item[data-event=acknowledge]").count() == 1
    assert Complaint.objects.get(number=number).status == "acknowledged"
    screenshot(page, "complaint", full_page=True)
