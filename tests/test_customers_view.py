"""The customer view: every complaint of a customer the reader may see (and how many they may not), orders,
products, satisfaction history, repeats, the VIP flag and open alerts; the API; the panel beside a complaint
being recorded; the complaint page's link."""

import pytest
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Customer
from kesu.routing.models import VipChange
from tests.factories import advance, make_complaint

PHONE = "13912345678"


def _record(users, *, department="PROD", **extra):
    customer = actions.CustomerInput(name="李四", phone=PHONE, kind="consumer")
    c = make_complaint(users["agent"], customer=customer, **extra)
    return advance(c, users["admin"], "investigating", department=department)


@pytest.fixture
def history(users):
    """One customer, three complaints: two handled by production, one by logistics (one of them rated)."""
    first = _record(users, order_no="SO-1001", product="冰箱", product_code="BCD-520", batch_no="B2311")
    second = _record(users, order_no="SO-1002", product="洗衣机", product_code="XQB-80")
    third = _record(users, department="LOG", order_no="SO-1003", title="快递压坏了")
    rated = advance(first, users["admin"], "resolved")
    actions.do_rate(rated, actor=users["admin"], now=timezone.now(), score=4, comment="还是有异响")
    customer = Customer.objects.get(phone=PHONE)
    return {"customer": customer, "complaints": [first, second, third]}


def test_the_api_lists_the_complaints_in_scope_and_counts_the_others(api, history):
    cid = history["customer"].pk
    r = api("handler").get(f"/customers/{cid}/complaints")
    assert r.status_code == 200, r.content
    body = r.json()
    numbers = {c["number"] for c in body["complaints"]}
    first, second, _third = history["complaints"]
    assert numbers == {first.number, second.number}
    assert body["complaint_count"] == 3 and body["visible_count"] == 2 and body["hidden_count"] == 1
    assert body["repeat_count"] == 2
    assert set(body["orders"]) == {"SO-1001", "SO-1002"}
    assert "冰箱" in body["products"]
    assert [(s["number"], s["score"]) for s in body["satisfaction_history"]] == [(first.number, 4)]
    # Someone who sees the whole organisation sees all three.
    body = api("agent").get(f"/customers/{cid}/complaints").json()
    assert body["hidden_count"] == 0 and len(body["complaints"]) == 3
    assert {c["status"] for c in body["complaints"]} >= {"investigating"}


def test_a_customer_you_may_not_know_is_not_found(api, users, history):
    r = api("quality").get(f"/customers/{history['customer'].pk}/complaints")
    assert r.status_code == 404
    assert api("agent").get("/customers/999999/complaints").status_code == 404


def test_the_complaint_object_names_its_customer_and_followers(api, history):
    first = history["complaints"][0]
    body = api("agent").get(f"/complaints/{first.number}").json()
    assert body["customer"]["id"] == history["customer"].pk
    assert body["customer"]["complaint_count"] == 3
    assert isinstance(body["followers"], list)
    listed = api("agent").get("/complaints").json()["items"]
    mine = next(i for i in listed if i["number"] == first.number)
    assert mine["customer"]["complaint_count"] == 3 and mine["followers"] == body["followers"]


def test_vip_is_set_by_a_supervisor_and_refused_to_an_agent(api, users, history):
    cid = history["customer"].pk
    r = api("agent").post(f"/customers/{cid}/vip", {"vip": True})
    assert r.status_code == 403
    assert Customer.objects.get(pk=cid).relationship != "vip" and not VipChange.objects.exists()
    r = api("supervisor").post(f"/customers/{cid}/vip", {"vip": True, "reason": "年度大客户"})
    assert r.status_code == 200 and r.json()["vip"] is True
    assert Customer.objects.get(pk=cid).relationship == "vip"
    r = api("supervisor").post(f"/customers/{cid}/vip", {"vip": "maybe"})
    assert r.status_code == 400 and "vip" in str(r.json())
    r = api("supervisor").post(f"/customers/{cid}/vip", {"vip": False})
    assert r.json()["vip"] is False
    assert list(VipChange.objects.order_by("id").values_list("vip", "actor__username")) == [
        (True, "supervisor"),
        (False, "supervisor"),
    ]


def test_the_customer_page(web, history):
    cid = history["customer"].pk
    first, second, third = history["complaints"]
    html = web("handler", "en").get(f"/customers/{cid}").content.decode()
    assert first.number in html and second.number in html and third.number not in html
    assert "1 more outside your data scope" in html
    assert "SO-1001" in html and "BCD-520" in html and "Dissatisfied" in html
    assert "Mark as VIP" not in html  # a handler does not set it
    supervisor = web("supervisor", "en")
    assert "Mark as VIP" in supervisor.get(f"/customers/{cid}").content.decode()
    r = supervisor.post(f"/customers/{cid}/vip", {"vip": "1", "reason": "大客户"})
    assert r.status_code == 302
    html = supervisor.get(f"/customers/{cid}").content.decode()
    assert "vip-badge" in html and "Remove the VIP mark" in html and "大客户" in html
    assert web("quality").get(f"/customers/{cid}").status_code == 404


def test_the_complaint_page_links_to_the_customer(web, history):
    first = history["complaints"][0]
    html = web("agent", "en").get(f"/complaints/{first.number}").content.decode()
    assert f'href="/customers/{history["customer"].pk}"' in html


def test_the_panel_beside_a_new_complaint_shows_the_history(web, history):
    html = web("agent", "en").get("/customers/lookup", {"customer_phone": PHONE}).content.decode()
    assert "李四" in html and "3 earlier complaints" in html
    assert "repeat customer: 2 repeats" in html
    assert f'href="/customers/{history["customer"].pk}"' in html
    html = web("handler", "en").get("/customers/lookup", {"customer_phone": PHONE}).content.decode()
    assert "2 earlier complaints" in html and "and 1 outside your data scope" in html
