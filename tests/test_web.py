"""The agent workspace pages: inbox, recording a complaint, the customer lookup, scope."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Complaint, Customer, Event
from tests.factories import make_complaint


def _numbers(html: str) -> set[str]:
    return set(re.findall(r'class="complaint-number" href="/complaints/([^"]+)"', html))


def _assign(complaint, actor, department):
    now = timezone.now()
    actions.do_acknowledge(complaint, actor=actor, now=now)
    actions.do_triage(complaint, actor=actor, now=now, severity="B", level=1)
    actions.do_assign(complaint, actor=actor, now=now, department=department)
    complaint.refresh_from_db()
    return complaint


# ---------------------------------------------------------------------------------------------
# Pages render


def test_every_page_renders_for_an_agent_in_chinese(web, complaint):
    client = web("agent")
    for url in ["/", "/?tab=mine", "/?tab=departments", "/complaints/new", f"/complaints/{complaint.number}"]:
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert '<html lang="zh-hans">' in html
        assert "客诉 kesu" in html
        assert 'hx-headers=\'{"X-CSRFToken"' in html
        assert "/static/vendor/htmx/htmx.min.js" in html
        assert "cdn" not in html.lower()


def test_navbar_shows_name_role_and_links_by_role(web):
    html = web("agent").get("/").content.decode()
    assert 'href="/complaints/new"' in html
    assert 'href="/admin/"' not in html
    assert "agent" in html
    html = web("admin").get("/").content.decode()
    assert 'href="/admin/"' in html
    html = web("archivist").get("/").content.decode()
    assert 'href="/complaints/new"' not in html  # archivists do not record complaints


def test_inbox_lists_complaints_with_masked_phones(web, complaint):
    html = web("agent").get("/", {"tab": "all"}).content.decode()
    assert complaint.number in _numbers(html)
    phone = complaint.customer.phone
    assert phone not in html
    assert f"{phone[:3]}****{phone[-4:]}" in html
    assert complaint.customer.name in html
    assert "status-new" in html


# ---------------------------------------------------------------------------------------------
# Inbox filters, tabs, sorting, scope


def test_inbox_filters(web, users):
    agent = users["agent"]
    a = make_complaint(agent, title="冰箱漏水严重", type_code="quality")
    b = make_complaint(agent, title="快递延误", type_code="delivery")
    c = make_complaint(agent, title="店员态度差", type_code="service")
    now = timezone.now()
    actions.do_acknowledge(a, actor=agent, now=now)
    actions.do_triage(a, actor=agent, now=now, severity="A", priority="urgent", level=3)
    actions.do_acknowledge(b, actor=agent, now=now)
    client = web("agent")

    def listed(**params):
        r = client.get("/", {"tab": "all", **params})
        assert r.status_code == 200
        return _numbers(r.content.decode())

    assert listed() >= {a.number, b.number, c.number}
    assert listed(severity="A") == {a.number}
    assert listed(priority="urgent") == {a.number}
    assert listed(status="acknowledged") == {b.number}
    assert listed(status="new") == {c.number}
    assert listed(status="open") >= {a.number, b.number, c.number}
    assert listed(type="delivery") == {b.number}
    assert listed(q="漏水严重") == {a.number}
    assert listed(q=b.number.lower()) == {b.number}
    assert listed(overdue="on") == set()  # nothing has a deadline that passed
    # Nonsense values are ignored, not errors.
    assert listed(severity="Z", sort="title; drop table", page="x") >= {a.number, b.number, c.number}


def test_inbox_sorts_by_whitelisted_columns(web, users):
    agent = users["agent"]
    first = make_complaint(agent, title="一")
    second = make_complaint(agent, title="二")
    client = web("agent")
    html = client.get("/", {"sort": "number"}).content.decode()
    assert html.index(first.number) < html.index(second.number)
    html = client.get("/", {"sort": "-number"}).content.decode()
    assert html.index(second.number) < html.index(first.number)
    for column in ("received_at", "status", "severity", "priority", "level", "updated_at", "next_due_at"):
        for sort in (column, f"-{column}"):
            assert client.get("/", {"sort": sort}).status_code == 200
    # The header links toggle the direction.
    html = client.get("/", {"sort": "number"}).content.decode()
    assert "sort=-number" in html


def test_inbox_tabs(web, users, departments):
    agent, handler = users["agent"], users["handler"]
    owned = _assign(make_complaint(agent, title="生产问题"), agent, "PROD")  # owner: the PROD handler
    other = make_complaint(agent, title="另一件")
    client = web("handler")
    assert owned.owner == handler
    assert _numbers(client.get("/").content.decode()) == {owned.number}  # handlers start on "mine"
    assert _numbers(client.get("/", {"tab": "departments"}).content.decode()) == {owned.number}
    client = web("agent")
    assert _numbers(client.get("/").content.decode()) == set()  # agents too start on their own to-do (我待办)
    assert {owned.number, other.number} <= _numbers(client.get("/", {"tab": "all"}).content.decode())
    assert _numbers(client.get("/", {"tab": "mine"}).content.decode()) == set()


def test_a_handler_never_sees_another_departments_complaint(web, users, departments):
    qa = _assign(make_complaint(users["agent"], title="质量部的投诉"), users["agent"], "QA")
    client = web("handler_log")
    for tab in ("mine", "departments", "all"):
        assert qa.number not in _numbers(client.get("/", {"tab": tab, "q": qa.number}).content.decode())
    # Out of scope and not existing look the same.
    hidden, missing = client.get(f"/complaints/{qa.number}"), client.get("/complaints/KS-19990101-00001")
    assert hidden.status_code == missing.status_code == 404
    assert qa.title not in hidden.content.decode()
    assert web("quality").get(f"/complaints/{qa.number}").status_code == 200


def test_inbox_answers_htmx_with_the_table_only(web, complaint):
    client = web("agent")
    r = client.get("/", {"status": "new"}, headers={"HX-Request": "true", "HX-Target": "inbox-results"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "<html" not in html and "<table" in html
    assert complaint.number in html
    assert "HX-Request" in r["Vary"]
    # The back button after htmx's history cache is gone asks for the whole page.
    r = client.get("/", {"status": "new"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in r.content.decode()


def test_inbox_costs_a_fixed_number_of_queries(web, users, django_assert_max_num_queries):
    agent = users["agent"]
    client = web("agent")
    make_complaint(agent)
    client.get("/")  # warm the session and the content types

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(12):
        c = make_complaint(agent, title=f"投诉{i}")
        if i % 3 == 0:
            _assign(c, agent, "PROD")
    assert count() == few
    # The list and its rows, plus what the page shows beside them whatever their number: the default views'
    # counts (7), the saved views, the urgent strip and the bulk bar's choices.
    with django_assert_max_num_queries(26):
        client.get("/", {"tab": "departments", "severity": "B", "sort": "-status"})


# ---------------------------------------------------------------------------------------------
# Recording a complaint


def _form(**overrides):
    data = {
        "customer_phone": "13911112222",
        "customer_name": "王五",
        "customer_kind": "consumer",
        "customer_relationship": "",
        "customer_email": "",
        "customer_company": "",
        "channel": "phone",
        "received_at": "",
        "title": "电视黑屏",
        "description": "买了一周的电视突然黑屏,无法开机。",
        "type_code": "quality",
        "demand": "exchange",
        "product": "液晶电视",
        "product_model": "L55",
        "product_code": "",
        "batch_no": "B001",
        "order_no": "SO-1",
        "store": "",
        "amount": "3999.00",
        "quantity": "1",
        "occurred_at": "",
        "place": "",
        "people_involved": "",
        "flags": [],
        "idempotency_key": "",
    }
    data.update(overrides)
    return data


def test_new_complaint_form_defaults_for_a_phone_call(web):
    r = web("agent").get("/complaints/new")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.index('name="customer_phone"') < html.index('name="title"')  # the phone comes first
    assert re.search(r'<option value="phone" selected>', html)
    assert 'name="received_at" value="20' in html  # now, filled in
    assert 'hx-get="/customers/lookup"' in html


def test_recording_through_the_form(web, users):
    client = web("agent")
    r = client.post(
        "/complaints/new",
        _form(received_at="2025-03-01T09:30", flags=["safety"], customer_relationship="vip"),
        follow=True,
    )
    assert r.status_code == 200
    complaint = Complaint.objects.get(title="电视黑屏")
    assert r.redirect_chain == [(f"/complaints/{complaint.number}", 302)]
    assert complaint.number in r.content.decode()  # the success message names it
    assert complaint.status == "new"
    assert complaint.customer.phone == "13911112222" and complaint.customer.relationship == "vip"
    assert str(complaint.amount) == "3999.00" and complaint.quantity == 1
    assert "safety" in complaint.flags
    assert timezone.localtime(complaint.received_at).strftime("%Y-%m-%d %H:%M") == "2025-03-01 09:30"
    assert complaint.created_by == users["agent"]


def test_field_errors_are_shown_next_to_the_fields_and_nothing_is_saved(web):
    client = web("agent")
    before = (Complaint.objects.count(), Customer.objects.count(), Event.objects.count())
    r = client.post(
        "/complaints/new", _form(customer_phone="", customer_name="", amount="-5", title="留下的标题", description="")
    )
    assert r.status_code == 400
    assert (Complaint.objects.count(), Customer.objects.count(), Event.objects.count()) == before
    html = r.content.decode()
    for field in ("customer_phone", "customer_name", "amount"):
        assert f'id="id_{field}_error"' in html, field  # the message sits in the field's own block
    assert re.search(r'id="id_amount_error">[^<]+', html)
    assert 'value="留下的标题"' in html  # what was typed is kept
    assert 'value="-5"' in html


def test_future_received_at_is_refused(web):
    before = Complaint.objects.count()
    r = web("agent").post("/complaints/new", _form(received_at="2999-01-01T10:00"))
    assert r.status_code == 400
    assert Complaint.objects.count() == before
    assert "invalid-feedback" in r.content.decode()


def test_a_double_submitted_form_records_one_complaint(web):
    client = web("agent")
    data = _form(idempotency_key="form-1234")
    first = client.post("/complaints/new", data)
    second = client.post("/complaints/new", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Complaint.objects.filter(title="电视黑屏").count() == 1


def test_archivists_do_not_record_complaints(web):
    client = web("archivist")
    assert client.get("/complaints/new").status_code == 403
    before = Complaint.objects.count()
    assert client.post("/complaints/new", _form()).status_code == 403
    assert Complaint.objects.count() == before


# ---------------------------------------------------------------------------------------------
# Customer lookup


def test_lookup_shows_the_customer_on_file_and_earlier_complaints(web, users):
    customer = actions.CustomerInput(name="赵六", phone="13633334444", kind="franchisee")
    first = make_complaint(users["agent"], customer=customer, title="加盟店缺货")
    r = web("agent").get("/customers/lookup", {"phone": "136 3333 4444"}, headers={"HX-Request": "true"})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-customer-name="赵六"' in html and 'data-customer-kind="franchisee"' in html
    assert f'href="/complaints/{first.number}"' in html
    assert "<html" not in html


def test_lookup_of_an_unknown_phone_says_a_new_customer_will_be_created(web):
    html = web("agent").get("/customers/lookup", {"phone": "13000000000"}).content.decode()
    assert "data-customer-name" not in html
    assert "lookup-none" in html
    assert web("agent").get("/customers/lookup", {"phone": "13"}).content.decode().strip() == ""


def test_lookup_lists_only_complaints_in_the_users_scope(web, users, departments):
    customer = actions.CustomerInput(name="钱七", phone="13655556666")
    qa = _assign(make_complaint(users["agent"], customer=customer, title="质量部的"), users["agent"], "QA")
    html = web("handler_log").get("/customers/lookup", {"phone": "13655556666"}).content.decode()
    assert qa.number not in html
    assert web("archivist").get("/customers/lookup", {"phone": "13655556666"}).status_code == 403
