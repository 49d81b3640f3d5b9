"""Bad input from outside: every refusal is a 400 naming the field, in the one JSON shape, and changes nothing."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kesu.complaints.models import Complaint, Customer, Event
from tests.factories import advance, snapshot
from tests.test_api_errors import assert_error_shape

NUL = "\u0000"


def body(**overrides):
    data = {
        "title": "冰箱漏水",
        "description": "买了三天的冰箱一直漏水。",
        "channel": "phone",
        "customer": {"name": "张三", "phone": "13800000000"},
    }
    data.update(overrides)
    return data


def counts():
    return Complaint.objects.count(), Customer.objects.count(), Event.objects.count()


def refused(response, field, status=400, code="validation_error"):
    error = assert_error_shape(response, status, code)
    assert field in error.get("fields", {}), (field, error)
    return error


# --- NUL bytes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,field",
    [
        (body(title=f"漏{NUL}水"), "title"),
        (body(description=f"漏水{NUL}"), "description"),
        (body(product=f"冰箱{NUL}"), "product"),
        (body(customer={"name": f"张{NUL}三", "phone": "13800000000"}), "customer.name"),
        (body(customer={"name": "张三", "phone": "13800000000", "company": f"X{NUL}"}), "customer.company"),
        (body(customer={"name": "张三", "external_id": f"C{NUL}1"}), "customer.external_id"),
        (body(type_code=f"quality{NUL}"), "type_code"),
    ],
)
def test_a_nul_byte_in_a_create_field_is_a_400_naming_it(api, data, field):
    before = counts()
    refused(api("agent").post("/complaints", data), field)
    assert counts() == before


@pytest.mark.parametrize("param", ["q", "status", "type_code", "owner", "department", "cursor", "severity"])
def test_a_nul_byte_in_a_query_parameter_is_a_400_naming_it(api, param):
    refused(api("agent").get("/complaints", **{param: f"x{NUL}"}), param)


def test_a_nul_byte_in_a_path_is_a_400_not_a_500(api, complaint):
    r = api("agent").get(f"/complaints/{complaint.number}%00")
    refused(r, "path")
    r = api("agent").post(f"/complaints/{complaint.number}%00/actions/acknowledge", {})
    refused(r, "path")


def test_a_nul_byte_in_action_and_task_bodies_is_refused(api, complaint):
    before = snapshot(complaint.number)
    refused(api("agent").act(complaint.number, "acknowledge", {"note": f"已{NUL}联系"}), "note")
    refused(api("agent").act(complaint.number, "escalate", {"reason": f"{NUL}"}), "reason")
    refused(
        api("agent").post(f"/complaints/{complaint.number}/tasks", {"title": f"查{NUL}", "department": "QA"}), "title"
    )
    assert snapshot(complaint.number) == before


def test_a_nul_byte_in_an_attachment_form_field_is_refused(api, complaint):
    client = api("agent")
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    r = client.client.post(
        f"/api/v1/complaints/{complaint.number}/attachments",
        {"file": photo, "description": f"照片{NUL}"},
        headers=client.headers,
    )
    refused(r, "description")
    assert complaint.attachments.count() == 0


def test_a_nul_byte_in_the_web_pages_is_a_400(users, complaint):
    client = Client()
    client.force_login(users["agent"])
    assert client.get("/", {"q": f"漏水{NUL}"}).status_code == 400
    assert client.get("/customers/lookup", {"phone": f"138{NUL}00000000"}).status_code == 400
    assert client.get(f"/complaints/{complaint.number}%00").status_code in (400, 404)
    before = counts()
    r = client.post(
        "/complaints/new",
        {"customer_phone": "13800000009", "customer_name": f"李{NUL}四", "channel": "phone", "title": "漏水"},
    )
    assert r.status_code == 400
    assert counts() == before


# --- numbers and dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [2**31, 10_000_001, 2**63, True, "5", 1.5])
def test_quantity_is_a_whole_number_within_bounds(api, quantity):
    before = counts()
    refused(api("agent").post("/complaints", body(quantity=quantity)), "quantity")
    assert counts() == before


def test_the_largest_sensible_quantity_is_accepted(api):
    r = api("agent").post("/complaints", body(quantity=10_000_000))
    assert r.status_code == 201, r.content
    assert r.json()["quantity"] == 10_000_000


@pytest.mark.parametrize("amount", [True, False])
def test_booleans_are_not_money(api, amount):
    before = counts()
    refused(api("agent").post("/complaints", body(amount=amount)), "amount")
    assert counts() == before


@pytest.mark.parametrize(
    "field,value",
    [
        ("received_at", "0001-01-01T00:00:00+00:00"),
        ("received_at", "1900-01-01T08:00:00+08:00"),
        ("received_at", "1999-12-31T23:00:00+08:00"),
        ("occurred_at", "0001-01-01T00:00:00+00:00"),
        ("occurred_at", "1989-12-31T00:00:00+08:00"),
        ("received_at", "9999-12-31T23:59:59+00:00"),
    ],
)
def test_dates_out_of_bounds_are_a_400_naming_the_field(api, field, value):
    before = counts()
    error = refused(api("agent").post("/complaints", body(**{field: value})), field)
    assert all(m for m in error["fields"][field])
    assert counts() == before


def test_the_event_cannot_happen_after_the_complaint_was_received(api):
    received = timezone.now() - dt.timedelta(days=2)
    data = body(received_at=received.isoformat(), occurred_at=(received + dt.timedelta(hours=1)).isoformat())
    refused(api("agent").post("/complaints", data), "occurred_at")


def test_a_sensible_back_date_is_kept_with_the_local_offset(api):
    received = timezone.localtime(timezone.now() - dt.timedelta(days=3)).replace(microsecond=0)
    r = api("agent").post(
        "/complaints", body(received_at=received.isoformat(), occurred_at="2001-05-01T10:00:00+08:00")
    )
    assert r.status_code == 201, r.content
    assert r.json()["received_at"].endswith("+08:00")
    assert dt.datetime.fromisoformat(r.json()["received_at"]) == received


def test_date_messages_speak_the_callers_language(api):
    r = api("agent").post(
        "/complaints", body(received_at="1950-01-01T00:00:00+08:00"), headers={"Accept-Language": "en"}
    )
    en = refused(r, "received_at")["fields"]["received_at"][0]
    r = api("agent").post(
        "/complaints", body(received_at="1950-01-01T00:00:00+08:00"), headers={"Accept-Language": "zh-hans"}
    )
    zh = refused(r, "received_at")["fields"]["received_at"][0]
    assert "2000" in en and "2000" in zh and en != zh


# --- unknown fields and strict types in every body ------------------------------------------------------


@pytest.mark.parametrize(
    "action,data,field",
    [
        ("acknowledge", {"note": "已联系", "notte": "typo"}, "notte"),
        ("acknowledge", {"score": 5}, "score"),
        ("start", {"reason": "x"}, "reason"),
        ("escalate", {"reason": "客户投诉到12315", "level": 3}, "level"),
        ("note", {"text": "进展", "internal": True, "private": True}, "private"),
    ],
)
def test_an_action_body_with_an_unknown_field_is_refused(api, complaint, action, data, field):
    before = snapshot(complaint.number)
    refused(api("agent").act(complaint.number, action, data), field)
    assert snapshot(complaint.number) == before


def test_booleans_are_not_scores_levels_or_amounts(api, users, complaint):
    c = advance(complaint, users["admin"], "resolved")
    before = snapshot(c.number)
    refused(api("agent").act(c.number, "rate", {"score": True}), "score")
    refused(api("agent").act(c.number, "rate", {"score": "2"}), "score")
    assert snapshot(c.number) == before


def test_booleans_are_not_levels(api, complaint):
    before = snapshot(complaint.number)
    refused(api("supervisor").act(complaint.number, "triage", {"level": True, "reason": "核实"}), "level")
    assert snapshot(complaint.number) == before


def test_booleans_are_not_compensation_amounts(api, users, complaint):
    c = advance(complaint, users["admin"], "investigating")
    before = snapshot(c.number)
    data = {"solution_type": "refund", "detail": "退款", "compensation_amount": True}
    refused(api("agent").act(c.number, "propose_solution", data), "compensation_amount")
    assert snapshot(c.number) == before


def test_task_bodies_refuse_unknown_fields(api, complaint):
    client = api("agent")
    before = snapshot(complaint.number)
    r = client.post(f"/complaints/{complaint.number}/tasks", {"title": "查批次", "department": "QA", "priority": 1})
    refused(r, "priority")
    assert snapshot(complaint.number) == before
    r = client.post(f"/complaints/{complaint.number}/tasks", {"title": "查批次", "department": "QA"})
    assert r.status_code == 201, r.content
    task = r.json()
    r = client.patch(f"/complaints/{complaint.number}/tasks/{task['id']}", {"status": "done", "colour": "red"})
    refused(r, "colour")


@pytest.mark.parametrize(
    "method,path,data,field",
    [
        ("post", "/notifications/read", {"ids": [], "all": True}, "all"),
        ("put", "/me/notification-preferences", {"email": True, "sms": True}, "sms"),
        ("post", "/revisits/1", {"status": "done", "result": "好", "extra": 1}, "extra"),
        ("post", "/gm-meeting/agenda/1/decision", {"decision": "整改", "who": "gm"}, "who"),
        ("post", "/penalties/1/waive", {"note": "x", "why": "y"}, "why"),
    ],
)
def test_every_other_body_refuses_unknown_fields(api, method, path, data, field):
    client = api("supervisor")
    if method == "put":
        r = client.client.put(f"/api/v1{path}", data, content_type="application/json", headers=client.headers)
    else:
        r = client.post(path, data)
    refused(r, field)
