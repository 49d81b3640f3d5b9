"""The new-complaint form as an agent meets it: the fields marked required are the ones the record needs, every
mistake is shown in one round, amounts are read as people write them, the live suggestion carries the priority
the rules give with its reason, and the assign form offers only the people of the chosen department."""

import re
from decimal import Decimal

import pytest

from kesu.complaints import actions
from kesu.complaints.models import Complaint, Customer, Event
from kesu.web.forms import parse_amount

from .factories import advance, make_complaint
from .test_web import _form


def _errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="id_([a-z_]+)_error">([^<]+)<', html))


def _label_of(html: str, field: str) -> str:
    return re.search(rf'<label class="form-label" for="id_{field}">(.*?)</label>', html, re.S).group(1)


def test_only_what_the_record_needs_is_marked_required(web):
    html = web("agent").get("/complaints/new").content.decode()
    assert "text-danger" in _label_of(html, "customer_name")
    assert "text-danger" in _label_of(html, "channel")
    for optional in ("customer_kind", "customer_email", "product", "amount", "type_code", "demand", "received_at"):
        assert "text-danger" not in _label_of(html, optional), optional


def test_every_mistake_is_shown_in_one_round_and_nothing_is_saved(web):
    before = (Complaint.objects.count(), Customer.objects.count(), Event.objects.count())
    r = web("agent").post(
        "/complaints/new",
        _form(
            customer_phone="",
            customer_name="",
            quantity="three",
            occurred_at="yesterday",
            amount="about five thousand",
            title="",
            description="",
        ),
    )
    assert r.status_code == 400
    errors = _errors(r.content.decode())
    # The form's own checks (quantity, time, amount) and the record's (name, contact, title) together.
    assert set(errors) >= {"customer_name", "customer_phone", "quantity", "occurred_at", "amount", "title"}, errors
    assert "about five thousand" in errors["amount"]
    assert (Complaint.objects.count(), Customer.objects.count(), Event.objects.count()) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("5,200元", "5200.00"),
        ("5200元", "5200.00"),
        ("￥5,200.50", "5200.50"),
        ("¥ 5,200.50 元", "5200.50"),
        ("5 200", "5200.00"),
        ("5，200", "5200.00"),
        ("RMB 80", "80.00"),
        ("1.2万", "12000.00"),
        ("５２００元", "5200.00"),
    ],
)
def test_amounts_as_people_write_them_are_recorded(web, typed, stored):
    r = web("agent").post("/complaints/new", _form(amount=typed, title=f"金额 {typed}"))
    assert r.status_code == 302, _errors(r.content.decode())
    assert Complaint.objects.get(title=f"金额 {typed}").amount == Decimal(stored)


@pytest.mark.parametrize("typed", ["五千", "5,20,0", "5.200.1", "12abc", "5200.123", "1e5"])
def test_garbage_amounts_are_refused_with_a_clear_message(web, typed):
    before = Complaint.objects.count()
    r = web("agent").post("/complaints/new", _form(amount=typed))
    assert r.status_code == 400
    assert "amount" in _errors(r.content.decode())
    assert Complaint.objects.count() == before


def test_a_negative_amount_is_refused():
    with pytest.raises(Exception, match=r"negative|负"):
        parse_amount("-5,200元")


def test_the_phone_field_keeps_its_lookup_and_enter_does_not_submit(web):
    html = web("agent").get("/complaints/new").content.decode()
    phone = re.search(r'<input[^>]*id="id_customer_phone"[^>]*>', html, re.S).group(0)
    assert 'hx-get="/customers/lookup"' in phone and 'hx-target="#customer-lookup"' in phone
    with open("kesu/web/static/kesu/kesu.js", encoding="utf-8") as f:
        js = f.read()
    assert 'field.id !== "id_customer_phone"' in js and "event.preventDefault()" in js


def test_the_live_suggestion_shows_the_priority_the_rules_give_with_the_reason(web, playbook):
    playbook("service")
    client = web("agent")
    html = client.post(
        "/complaints/new/suggestion",
        {"title": "空调漏水", "description": "再不处理我就找媒体曝光你们", "channel": "phone", "amount": "5,200元"},
    ).content.decode()
    row = re.search(r'<li class="triage-rule" data-result="priority">(.*?)</li>', html, re.S)
    assert row, html
    assert "pri-urgent" in row.group(1)
    assert "舆情" in row.group(1) or "媒体" in row.group(1)  # the rule's reason
    calm = client.post("/complaints/new/suggestion", {"title": "发票", "description": "请补开发票"}).content.decode()
    assert "pri-urgent" not in calm


def test_the_live_suggestion_follows_the_flags_ticked(web, playbook):
    playbook("service")
    client = web("agent")
    base = {"title": "发票", "description": "请补开发票"}
    assert "pri-urgent" not in client.post("/complaints/new/suggestion", base).content.decode()
    flagged = client.post("/complaints/new/suggestion", {**base, "flags": ["media"]}).content.decode()
    row = re.search(r'<li class="triage-rule" data-result="priority">(.*?)</li>', flagged, re.S).group(1)
    assert "pri-urgent" in row
    assert "(media)" not in row and "媒体" in row  # the flag by its name, not its code


# ---------------------------------------------------------------------------------------------
# The assign form


def _triaged(users):
    c = make_complaint(users["agent"])
    return advance(c, users["supervisor"], "triaged")


def test_the_owner_list_follows_the_department(web, users):
    c = _triaged(users)
    client = web("supervisor")
    html = client.get(f"/complaints/{c.number}/assign/owners", {"department": "QA", "owner": ""}).content.decode()
    options = re.findall(r'<option value="([^"]*)"', html)
    assert "quality" in options and "handler" not in options and "handler_log" not in options
    html = client.get(f"/complaints/{c.number}/assign/owners", {"department": "LOG"}).content.decode()
    assert re.findall(r'<option value="([^"]+)"', html) == ["handler_log"]
    page = client.get(f"/complaints/{c.number}").content.decode()
    assert f'hx-get="/complaints/{c.number}/assign/owners"' in page


def test_a_chosen_owner_outside_the_new_department_is_said_at_once(web, users):
    c = _triaged(users)
    html = (
        web("supervisor")
        .get(f"/complaints/{c.number}/assign/owners", {"department": "LOG", "owner": "quality"})
        .content.decode()
    )
    assert 'id="id_assign_owner_error"' in html
    assert "物流部" in html


def test_assigning_someone_of_another_department_is_refused_and_changes_nothing(web, users):
    c = _triaged(users)
    r = web("supervisor").post(
        f"/complaints/{c.number}/actions/assign", {"version": c.version, "department": "LOG", "owner": "quality"}
    )
    assert r.status_code == 400
    assert "物流部" in r.content.decode()
    c.refresh_from_db()
    assert c.status == "triaged" and c.owner_id is None and c.department_id is None


def test_assigning_within_the_department_works(web, users):
    c = _triaged(users)
    r = web("supervisor").post(
        f"/complaints/{c.number}/actions/assign", {"version": c.version, "department": "LOG", "owner": "handler_log"}
    )
    assert r.status_code in (200, 302)
    c.refresh_from_db()
    assert c.owner == users["handler_log"] and c.department.code == "LOG"


# ---------------------------------------------------------------------------------------------
# Names, not codes, on the timeline and in the rules


def test_the_timeline_names_departments_and_people_not_codes(web, users):
    users["handler_log"].display_name = "刘物流"
    users["handler_log"].save()
    c = _triaged(users)
    actions.do_assign(
        c, actor=users["supervisor"], now=c.updated_at, department="LOG", owner="handler_log", version=c.version
    )
    html = web("supervisor").get(f"/complaints/{c.number}").content.decode()
    item = re.search(r'<li class="timeline-item[^"]*" data-event="assign">(.*?)</li>', html, re.S).group(1)
    assert "物流部" in item and "刘物流" in item
    assert not re.search(r">\s*LOG\s*<|: LOG|LOG →|→ LOG", item)
    assert "handler_log" not in item


def test_correcting_a_value_without_reason_names_the_field_in_the_readers_language(web, users):
    c = _triaged(users)
    actions.do_triage(c, actor=users["supervisor"], now=c.updated_at, priority="routine", reason="初判")
    c.refresh_from_db()
    r = web("supervisor").post(f"/complaints/{c.number}/actions/triage", {"version": c.version, "priority": "urgent"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "修改优先级需要填写原因" in html and "priority需要" not in html


def test_the_rule_table_shows_flag_names_not_codes(web, users, playbook):
    playbook("service")
    c = make_complaint(users["agent"], flags=["media"], title="媒体", description="客户说要曝光")
    c.refresh_from_db()
    assert any(h.get("rule") == "public_opinion" for h in c.rule_hits)
    html = web("agent").get(f"/complaints/{c.number}").content.decode()
    table = re.search(r'<section class="card" aria-labelledby="sec-rules" id="rule-hits">(.*?)</section>', html, re.S)
    assert table
    text = table.group(1)
    assert "舆情风险" in text
    assert "(media)" not in text and ">public_opinion<" not in text
