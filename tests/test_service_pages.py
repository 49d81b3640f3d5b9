"""Service order pages as people use them: the staff list and detail with their forms, an order made from the
complaint page, a repair chosen on the public form, the technician's day in route order, and the customer's signed
link (quote confirmation, receipt, evaluation) and tracking page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from kesu.channels import links
from kesu.complaints.models import Complaint
from kesu.service import actions, selectors
from kesu.service.models import ServiceOrder, Technician
from tests.factories import UserFactory, make_complaint


@pytest.fixture
def wang(users):
    user = UserFactory(username="wang", role="handler", display_name="王师傅", departments=["LOG"])
    Technician.objects.create(user=user, skills=["冰箱"], areas=["浦东"])
    return user


def new_order(users, **extra):
    return actions.do_create_order(
        actor=users["agent"],
        now=timezone.now(),
        customer={"name": "赵女士", "phone": "13912345678"},
        product=extra.pop("product", "双门冰箱"),
        fault="不制冷",
        address=extra.pop("address", "浦东新区张杨路 100 号"),
        area="浦东",
        skill="冰箱",
        **extra,
    )


def test_the_list_and_detail_pages_show_the_order_and_its_next_steps(web, users, wang):
    order = new_order(users)
    client = web("agent")
    page = client.get("/service-orders").content.decode()
    assert order.number in page and "双门冰箱" in page
    page = client.get(f"/service-orders/{order.number}").content.decode()
    assert 'id="form-dispatch"' in page and 'id="form-schedule"' in page
    assert "王师傅" in page and "冰箱" in page  # the suggestion and its reason
    assert "13912345678" not in page  # the phone is masked on the staff page


def test_a_step_through_its_form_and_a_refused_one_shows_its_error(web, users, wang):
    order = new_order(users)
    client = web("agent")
    r = client.post(f"/service-orders/{order.number}/actions/dispatch", {"technician": "wang"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == "dispatched" and order.technician == wang
    when = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/service-orders/{order.number}/actions/schedule", {"appointment_at": when})
    assert r.status_code == 400 and 'id="action-error"' in r.content.decode()
    order.refresh_from_db()
    assert order.appointment_at is None


def test_a_handler_does_not_see_other_peoples_orders(web, users, wang):
    order = new_order(users)
    assert web("handler").get(f"/service-orders/{order.number}").status_code == 404
    assert web("handler").get(f"/service-orders/{order.number}/receipt.pdf").status_code == 404


def test_the_complaint_page_offers_the_order_and_makes_it(web, users):
    complaint = make_complaint(users["agent"], demand="repair", product="燃气灶")
    client = web("agent")
    page = client.get(f"/complaints/{complaint.number}").content.decode()
    assert 'id="create-service-order"' in page
    r = client.post(f"/complaints/{complaint.number}/service-order", {"mode": "onsite", "address": "徐汇区"})
    assert r.status_code == 302
    order = ServiceOrder.objects.get(complaint=complaint)
    page = client.get(f"/complaints/{complaint.number}").content.decode()
    assert order.number in page  # listed on the complaint page, and its step on the complaint's timeline
    assert "已创建派工单" in page or "Service order created" in page


def test_a_complaint_without_repair_shows_no_create_button(web, users):
    complaint = make_complaint(users["agent"], demand="refund")
    page = web("agent").get(f"/complaints/{complaint.number}").content.decode()
    assert 'id="create-service-order"' not in page


def test_repair_on_the_public_form_opens_a_service_order(db, users):
    anon = Client(REMOTE_ADDR="203.0.113.9")
    body = {
        "name": "李女士",
        "phone": "13800138000",
        "description": "洗衣机脱水时剧烈晃动。",
        "product": "滚筒洗衣机",
        "demand": "repair",
        "consent": True,
    }
    r = anon.post("/api/v1/public/complaints", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    complaint = Complaint.objects.get(number=r.json()["number"])
    order = ServiceOrder.objects.get(complaint=complaint)
    assert order.created_by is None and order.product == "滚筒洗衣机" and order.status == "new"
    # The customer's tracking page shows it.
    page = anon.get(f"/t/{links.track_token(complaint)}").content.decode()
    assert order.number in page


def test_the_technicians_day_is_in_route_order(web, users, wang):
    now = timezone.localtime()
    base = now.replace(hour=23, minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    if base <= now:
        pytest.skip("too late in the day to book two slots today")
    late = new_order(users, address="第二站")
    early = new_order(users, address="第一站")
    for order, at in ((late, base), (early, base - dt.timedelta(minutes=30))):
        if at <= now:
            pytest.skip("too late in the day to book two slots today")
        actions.do_schedule(order, actor=users["agent"], now=timezone.now(), appointment_at=at)
        actions.do_dispatch(order, actor=users["agent"], now=timezone.now(), technician="wang")
    page = web("handler").get("/technician").content.decode()  # another handler: none of these
    assert early.number not in page
    client = web("agent")
    client.force_login(wang)
    page = client.get("/technician").content.decode()
    assert page.index("第一站") < page.index("第二站")
    assert 'href="tel:13912345678"' in page and "139****5678" in page


def test_the_customer_confirms_the_quote_and_rates_through_the_link(db, users, wang):
    order = new_order(users)
    now = timezone.now()
    actions.do_dispatch(order, actor=users["agent"], now=now, technician="wang")
    actions.do_arrive(order, actor=wang, now=now)
    actions.do_quote(order, actor=wang, now=now, lines=[{"kind": "part", "description": "温控器", "unit_price": "85"}])
    anon = Client(REMOTE_ADDR="203.0.113.10")
    token = selectors.tracking_token(order)
    page = anon.get(f"/service/t/{token}").content.decode()
    assert 'id="confirm-quote"' in page and "85.00" in page
    assert anon.post(f"/service/t/{token}/confirm_quote").status_code == 302
    order.refresh_from_db()
    assert order.quote_state == "confirmed" and order.quote_confirmed_at is not None
    actions.do_repair(order, actor=wang, now=now, work_done="换温控器")
    actions.do_check(order, actor=users["quality"], now=now, passed=True)
    actions.do_complete(order, actor=wang, now=now, signed_by="赵女士")
    assert anon.post(f"/service/t/{token}/evaluate", {"score": "1", "comment": "太慢"}).status_code == 302
    order.refresh_from_db()
    assert order.status == "evaluated" and order.follow_up_complaint is not None
    # A forged link reveals nothing.
    assert anon.get(f"/service/t/{token[:-3]}xyz").status_code == 404
    assert anon.post(f"/service/t/{token}/cancel").status_code == 404
