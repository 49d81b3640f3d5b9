"""Service orders (派工单) from outside, through the v1 API (API.md "After-sales service and surveys", R-SVC-1..3):
a repair complaint becomes a linked order, the order walks to completed through its actions, a wrong role is
refused and changes nothing, a take-back receipt PDF holds the items, fees follow the service class."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess

import pytest
from django.utils import timezone

from kesu.complaints.models import Complaint, Event
from kesu.service.models import ProductWarranty, ServiceOrder, Technician
from tests.factories import UserFactory, make_complaint

# A 1×1 PNG: what the phone's canvas sends, in its smallest form.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
SIGNATURE = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def techs(users):
    """Two technicians: 王师傅 repairs fridges in 浦东, 李师傅 washing machines in 徐汇."""
    wang = UserFactory(username="wang", role="handler", display_name="王师傅", departments=["LOG"])
    li = UserFactory(username="li", role="handler", display_name="李师傅", departments=["LOG"])
    Technician.objects.create(user=wang, skills=["冰箱"], areas=["浦东"])
    Technician.objects.create(user=li, skills=["洗衣机"], areas=["徐汇"])
    return {"wang": wang, "li": li}


def order_body(**overrides):
    body = {
        "customer": {"name": "赵女士", "phone": "13912345678"},
        "product": "双门冰箱 BCD-520",
        "fault": "冷藏室不制冷",
        "mode": "onsite",
        "address": "上海市浦东新区张杨路 100 号 3 楼",
        "area": "浦东",
        "skill": "冰箱",
    }
    body.update(overrides)
    return body


def create(api, who="agent", **overrides):
    r = api(who).post("/service-orders", order_body(**overrides))
    assert r.status_code == 201, r.content
    return r.json()


def act(client, number, action, body=None):
    return client.post(f"/service-orders/{number}/actions/{action}", body or {})


def later(hours=24):
    return (timezone.localtime() + dt.timedelta(hours=hours)).replace(microsecond=0).isoformat()


def row(number):
    return ServiceOrder.objects.filter(number=number).values().get()


# ---------------------------------------------------------------------------------------------- from a complaint


def test_a_repair_complaint_becomes_a_linked_service_order(api, users):
    complaint = make_complaint(users["agent"], demand="repair", product="滚筒洗衣机", title="洗衣机不排水")
    r = api("agent").post("/service-orders", {"complaint": complaint.number, "mode": "takeback"})
    assert r.status_code == 201, r.content
    order = r.json()
    assert order["number"].startswith("SO-") and order["status"] == "new"
    assert order["complaint"] == complaint.number
    assert order["product"] == "滚筒洗衣机"  # taken from the complaint, as is the customer
    assert order["customer"]["name"] == complaint.customer.name
    assert order["service_class"] == "A"  # no purchase date: no warranty to decide on → paid
    # Linked both ways: the complaint object lists the order, its timeline shows the order's step.
    c = api("agent").get(f"/complaints/{complaint.number}").json()
    assert c["service_orders"] == [order["number"]]
    events = api("agent").get(f"/complaints/{complaint.number}/events").json()
    items = events["items"] if isinstance(events, dict) else events
    assert "service_created" in [e["action"] for e in items]


def test_a_complaint_that_asks_for_no_repair_gives_no_order(api, users):
    complaint = make_complaint(users["agent"], demand="refund")
    r = api("agent").post("/service-orders", {"complaint": complaint.number})
    assert r.status_code == 409
    assert "complaint" in r.json()["error"]["fields"]
    assert not ServiceOrder.objects.exists()


def test_a_complaint_with_a_repair_solution_becomes_an_order(api, users):
    from tests.factories import advance

    complaint = advance(make_complaint(users["agent"]), users["admin"], "investigating")
    from kesu.complaints import actions as complaint_actions

    complaint_actions.do_propose_solution(
        complaint, actor=users["admin"], now=timezone.now(), solution_type="repair", detail="上门维修"
    )
    r = api("supervisor").post("/service-orders", {"complaint": complaint.number, "product": "冰箱"})
    assert r.status_code == 201, r.content


def test_a_complaint_out_of_scope_is_not_found(api, users):
    complaint = make_complaint(users["agent"], demand="repair")
    r = api("handler").post("/service-orders", {"complaint": complaint.number})
    assert r.status_code == 404
    assert not ServiceOrder.objects.exists()


# ---------------------------------------------------------------------------------------------- the whole walk


def test_an_onsite_order_walks_to_completed_through_its_actions(api, api_for, users, techs):
    complaint = make_complaint(users["agent"], demand="repair", product="双门冰箱")
    agent, tech, quality = api("agent"), api_for(techs["wang"]), api("quality")
    order = agent.post(
        "/service-orders",
        {"complaint": complaint.number, "address": "浦东新区张杨路 100 号", "area": "浦东", "skill": "冰箱"},
    ).json()
    n = order["number"]

    r = act(agent, n, "schedule", {"appointment_at": later(20)})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "scheduled"

    # The suggestion list: the fridge technician of the area first, with the reason shown.
    s = agent.get(f"/service-orders/{n}/suggestions").json()["items"]
    assert s[0]["username"] == "wang" and s[0]["skill"] and s[0]["area"]
    assert "冰箱" in s[0]["reason"] and "浦东" in s[0]["reason"]
    r = act(agent, n, "dispatch")  # no name: the first suggestion
    assert r.status_code == 200, r.content
    assert r.json()["technician"] == "wang" and "冰箱" in r.json()["dispatch_reason"]

    assert act(tech, n, "arrive").json()["status"] == "on_site"
    r = act(
        tech,
        n,
        "quote",
        {
            "lines": [
                {"kind": "part", "description": "温控器", "quantity": 1, "unit_price": "85.00"},
                {"kind": "labour", "description": "上门维修工时", "unit_price": "60.00"},
            ]
        },
    )
    assert r.json()["quote"] == {"state": "pending", "total": "145.00", "confirmed_at": None, "confirmed_by": None}
    # Paid work waits for the customer's yes.
    r = act(tech, n, "repair", {"work_done": "更换温控器"})
    assert r.status_code == 409 and "quote" in r.json()["error"]["fields"]
    assert row(n)["status"] == "on_site"
    r = act(agent, n, "confirm_quote", {"by": "客户电话确认"})
    assert r.json()["quote"]["state"] == "confirmed"
    # Not above what the customer confirmed.
    r = act(tech, n, "repair", {"work_done": "更换温控器", "fee": "200.00"})
    assert r.status_code == 400 and "fee" in r.json()["error"]["fields"]
    r = act(tech, n, "repair", {"work_done": "更换温控器,制冷恢复"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "repaired" and r.json()["fee"] == "145.00"

    r = act(quality, n, "check", {"passed": True})
    assert r.json()["status"] == "checked"
    r = act(tech, n, "complete", {"signed_by": "赵女士", "signature": SIGNATURE, "fee": "145.00"})
    assert r.status_code == 200, r.content
    done = r.json()
    assert done["status"] == "completed" and done["signed_by"] == "赵女士" and done["signature"] is True
    assert all(c["met_at"] or c["stopped"] for c in done["clocks"])

    r = act(agent, n, "evaluate", {"score": 5})
    assert r.json()["status"] == "evaluated" and r.json()["follow_up_complaint"] is None
    steps = [e["action"] for e in r.json()["timeline"]]
    assert steps == [
        "created",
        "schedule",
        "dispatch",
        "arrive",
        "quote",
        "confirm_quote",
        "repair",
        "check",
        "complete",
        "evaluate",
    ]
    # The complaint's timeline carries every step too.
    on_complaint = list(
        Event.objects.filter(complaint=complaint, action__startswith="service_").values_list("action", flat=True)
    )
    assert on_complaint == [f"service_{s}" for s in steps]


def test_a_failed_quality_check_sends_the_work_back(api, api_for, techs):
    order = create(api)
    n = order["number"]
    tech = api_for(techs["wang"])
    act(api("agent"), n, "dispatch", {"technician": "wang"})
    act(tech, n, "arrive")
    act(tech, n, "repair", {"work_done": "清理冷凝器", "fee": "0"})
    r = act(api("quality"), n, "check", {"passed": False})
    assert r.status_code == 400 and "note" in r.json()["error"]["fields"]
    r = act(api("quality"), n, "check", {"passed": False, "note": "仍有异响"})
    assert r.json()["status"] == "on_site" and r.json()["check"]["passed"] is False


# ---------------------------------------------------------------------------------------------- who may


def test_a_wrong_role_is_refused_and_nothing_changes(api, api_for, users, techs):
    n = create(api)["number"]
    tech = api_for(techs["wang"])
    before = row(n)
    # A technician does not dispatch; quality does not create; an archivist does not dispatch.
    assert act(tech, n, "dispatch", {"technician": "wang"}).status_code == 404  # not his order: not even seen
    assert act(api("archivist"), n, "dispatch", {"technician": "wang"}).status_code == 403
    assert api("quality").post("/service-orders", order_body()).status_code == 403
    assert row(n) == before
    act(api("agent"), n, "dispatch", {"technician": "wang"})
    before = row(n)
    assert act(tech, n, "dispatch", {"technician": "li"}).status_code == 403
    assert act(api("agent"), n, "arrive").status_code == 403  # only the dispatched technician
    assert act(api("quality"), n, "complete", {"signed_by": "x", "fee": "0"}).status_code == 403
    assert act(tech, n, "evaluate", {"score": 5}).status_code == 403
    # Another handler: the order is not his (and he sees nothing of it).
    other = api_for(techs["li"])
    assert act(other, n, "arrive").status_code == 404
    assert other.get(f"/service-orders/{n}").status_code == 404
    assert row(n) == before


def test_steps_out_of_order_are_a_conflict(api, api_for, techs):
    n = create(api)["number"]
    r = act(api("quality"), n, "check", {"passed": True})
    assert r.status_code == 409
    r = act(api("agent"), n, "evaluate", {"score": 4})
    assert r.status_code == 409
    assert row(n)["status"] == "new"


def test_an_unknown_field_or_action_is_refused(api):
    n = create(api)["number"]
    r = act(api("agent"), n, "dispatch", {"technican": "wang"})
    assert r.status_code == 400 and "technican" in r.json()["error"]["fields"]
    assert act(api("agent"), n, "teleport").status_code == 404
    r = act(api("agent"), n, "dispatch", {"technician": "nobody"})
    assert r.status_code == 400 and "technician" in r.json()["error"]["fields"]


# ---------------------------------------------------------------------------------------------- take-back


def _pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_a_takeback_receipt_pdf_holds_the_items_and_returning_closes_it(api, api_for, techs, tmp_path):
    pytest.importorskip("weasyprint")
    n = create(api, mode="takeback", product="滚筒洗衣机 XQG100", skill="洗衣机", area="徐汇")["number"]
    tech = api_for(techs["li"])
    assert act(api("agent"), n, "dispatch").json()["technician"] == "li"
    r = act(tech, n, "receive", {"items": [{"name": "滚筒洗衣机 XQG100"}]})
    assert r.status_code == 200
    # A second receive is not possible: the goods are with us.
    n2 = create(api, mode="takeback", skill="洗衣机", area="徐汇")["number"]
    act(api("agent"), n2, "dispatch", {"technician": "li"})
    r = act(tech, n2, "receive", {"items": []})
    assert r.status_code == 400 and "items" in r.json()["error"]["fields"]
    promised = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    r = act(
        tech,
        n2,
        "receive",
        {
            "items": [
                {
                    "name": "电动牙刷 T9",
                    "condition": "外壳有划痕",
                    "accessories": "充电座、刷头两个",
                    "serial": "SN8842",
                },
                {"name": "旅行盒", "condition": "完好"},
            ],
            "promised_at": promised,
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "taken_back" and r.json()["promised_at"] == promised

    pdf = tech.get(f"/service-orders/{n2}/receipt.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content, tmp_path)
    for expected in ("电动牙刷 T9", "外壳有划痕", "充电座、刷头两个", "SN8842", "旅行盒", n2, "客户商品领取收据"):
        assert expected in text, expected
    assert "收据已结清" not in text and "已归还" not in text

    # Cancelling while the goods are with us is refused.
    r = act(api("agent"), n2, "cancel", {"reason": "客户不修了"})
    assert r.status_code == 409

    act(tech, n2, "repair", {"work_done": "更换电池", "fee": "0"})
    act(api("quality"), n2, "check", {"passed": True})
    r = act(tech, n2, "complete", {"signed_by": "赵女士", "signature": SIGNATURE})
    assert r.status_code == 200, r.content
    assert r.json()["returned_at"] is not None
    text = _pdf_text(tech.get(f"/service-orders/{n2}/receipt.pdf").content, tmp_path)
    assert "赵女士" in text and "更换电池" in text


def test_the_receipt_of_an_order_out_of_scope_is_not_found(api, api_for, techs):
    n = create(api)["number"]
    assert api_for(techs["li"]).get(f"/service-orders/{n}/receipt.pdf").status_code == 404


# ---------------------------------------------------------------------------------------------- classes and fees


def test_warranty_is_decided_from_the_purchase_date_and_the_products_period(api):
    ProductWarranty.objects.create(product="BCD-520", months=36)
    recent = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    old = (timezone.localdate() - dt.timedelta(days=800)).isoformat()
    assert create(api, purchase_date=recent)["service_class"] == "C"  # 12 months by default
    assert create(api, purchase_date=old)["service_class"] == "A"
    assert create(api, purchase_date=old, product_code="BCD-520")["service_class"] == "C"  # 36 months
    r = api("agent").post("/service-orders", order_body(purchase_date=old, service_class="C"))
    assert r.status_code == 400 and "service_class" in r.json()["error"]["fields"]
    r = api("agent").post("/service-orders", order_body(service_class="C"))
    assert r.status_code == 400 and "purchase_date" in r.json()["error"]["fields"]
    r = api("agent").post("/service-orders", order_body(service_class="B"))
    assert r.status_code == 400 and "contract_no" in r.json()["error"]["fields"]
    assert create(api, service_class="B", contract_no="MC-2026-018")["service_class"] == "B"
    assert create(api, service_class="D")["service_class"] == "D"


@pytest.mark.parametrize("service_class", ["C", "D"])
def test_classes_c_and_d_carry_no_fee(api, api_for, techs, service_class):
    extra = {"purchase_date": (timezone.localdate() - dt.timedelta(days=30)).isoformat()}
    n = create(api, service_class=service_class, **(extra if service_class == "C" else {}))["number"]
    tech = api_for(techs["wang"])
    act(api("agent"), n, "dispatch", {"technician": "wang"})
    act(tech, n, "arrive")
    r = act(tech, n, "repair", {"work_done": "更换门封条", "fee": "30.00"})
    assert r.status_code == 400 and list(r.json()["error"]["fields"]) == ["fee"]
    assert row(n)["status"] == "on_site" and row(n)["fee"] is None
    r = act(tech, n, "repair", {"work_done": "更换门封条", "parts": [{"name": "门封条", "unit_price": "30.00"}]})
    assert r.status_code == 200 and r.json()["fee"] == "0.00"
    act(api("quality"), n, "check", {"passed": True})
    r = act(tech, n, "complete", {"signed_by": "赵女士", "fee": "0.01"})
    assert r.status_code == 400 and "fee" in r.json()["error"]["fields"]
    r = act(tech, n, "complete", {"signed_by": "赵女士", "fee": "0"})
    assert r.status_code == 200 and r.json()["fee"] == "0.00"


def test_money_is_decimal_and_floats_are_refused(api, api_for, techs):
    n = create(api)["number"]
    act(api("agent"), n, "dispatch", {"technician": "wang"})
    tech = api_for(techs["wang"])
    r = act(tech, n, "quote", {"lines": [{"kind": "part", "description": "压缩机", "unit_price": 0.1}]})
    assert r.status_code == 400 and "lines[0].unit_price" in r.json()["error"]["fields"]
    r = act(
        tech, n, "quote", {"lines": [{"kind": "part", "description": "压缩机", "quantity": "3", "unit_price": "0.10"}]}
    )
    assert r.json()["quote"]["total"] == "0.30"


# ---------------------------------------------------------------------------------------------- evaluation


def _completed(api, api_for, techs, **create_extra):
    n = create(api, **create_extra)["number"]
    tech = api_for(techs["wang"])
    act(api("agent"), n, "dispatch", {"technician": "wang"})
    act(tech, n, "arrive")
    act(tech, n, "repair", {"work_done": "清洁", "fee": "0"})
    act(api("quality"), n, "check", {"passed": True})
    assert act(tech, n, "complete", {"signed_by": "赵女士"}).status_code == 200
    return n


def test_a_bad_evaluation_becomes_a_complaint_linked_to_the_order(api, api_for, techs):
    n = _completed(api, api_for, techs)
    r = act(api("agent"), n, "evaluate", {"score": 2, "comment": "师傅迟到两个小时"})
    assert r.status_code == 200, r.content
    number = r.json()["follow_up_complaint"]
    assert Complaint.objects.filter(number=number).exists()
    c = api("agent").get(f"/complaints/{number}").json()
    assert c["service_orders"] == [n]
    assert "迟到" in c["description"] and n in c["title"]
    assert Event.objects.filter(complaint__number=number, action="service_bad_evaluation").exists()


def test_a_good_evaluation_makes_no_complaint(api, api_for, techs):
    n = _completed(api, api_for, techs)
    before = Complaint.objects.count()
    assert act(api("agent"), n, "evaluate", {"score": 3}).json()["follow_up_complaint"] is None
    assert Complaint.objects.count() == before


@pytest.mark.parametrize("score", [0, 6, "5", True, None])
def test_an_evaluation_outside_1_to_5_is_refused(api, api_for, techs, score):
    n = _completed(api, api_for, techs)
    r = act(api("agent"), n, "evaluate", {"score": score})
    assert r.status_code == 400 and "score" in r.json()["error"]["fields"]
    assert row(n)["status"] == "completed"


# ---------------------------------------------------------------------------------------------- clocks


def test_the_sweep_reminds_and_breaches_each_clock_once(api, users):
    from kesu.sla import sweep

    order = create(api)
    n = order["number"]
    response = next(c for c in order["clocks"] if c["clock"] == "response")
    due = dt.datetime.fromisoformat(response["due_at"])
    first = sweep.run(now=due - dt.timedelta(minutes=30))
    assert first.reminders >= 1
    second = sweep.run(now=due + dt.timedelta(minutes=1))
    assert second.breaches >= 1
    again = sweep.run(now=due + dt.timedelta(minutes=2))
    assert again.breaches == 0 and again.reminders == 0
    o = api("agent").get(f"/service-orders/{n}").json()
    assert [c["breached"] for c in o["clocks"] if c["clock"] == "response"] == [True]
    assert [e["action"] for e in o["timeline"]].count("clock_breached") == 1
    from kesu.notifications.models import Notification

    assert Notification.objects.filter(kind="service_clock_breached", user=users["agent"]).count() == 1


def test_a_dispatch_meets_the_response_clock(api):
    n = create(api)["number"]
    Technician.objects.create(user=UserFactory(username="zhou", role="handler"), skills=[], areas=[])
    o = act(api("agent"), n, "dispatch").json()
    clocks = {c["clock"]: c for c in o["clocks"]}
    assert clocks["response"]["met_at"] is not None and not clocks["response"]["breached"]
    assert clocks["arrival"]["met_at"] is None


def test_the_playbook_service_settings_are_validated():
    from kesu.rules.playbooks import PlaybookError, _validate_settings

    def fail(where, message):
        raise PlaybookError(f"{where}: {message}")

    _validate_settings({"service": {"response_hours": 2, "bad_score": 2}}, set(), fail)
    with pytest.raises(PlaybookError, match=r"settings\.service\.response_hours"):
        _validate_settings({"service": {"response_hours": 0}}, set(), fail)
    with pytest.raises(PlaybookError, match=r"settings\.service\.colour"):
        _validate_settings({"service": {"colour": 1}}, set(), fail)


def test_the_playbook_clock_settings_are_used(api, playbook):
    pb = playbook("service").playbook
    pb.settings = {**(pb.settings or {}), "service": {"response_hours": 1}}
    pb.save()
    o = create(api)
    response = next(c for c in o["clocks"] if c["clock"] == "response")
    created = dt.datetime.fromisoformat(o["created_at"])
    assert dt.datetime.fromisoformat(response["due_at"]) - created == dt.timedelta(hours=1)
