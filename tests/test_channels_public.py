"""The public API (no token): a customer's complaint, its progress in plain words, the customer's messages;
the consent, the contact, the challenge, the honeypot and the rate limits."""

import hashlib
import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kesu.channels import links
from kesu.channels.public import challenge as challenges
from kesu.channels.public.models import PublicFormSettings
from kesu.complaints import actions
from kesu.complaints.models import Complaint
from kesu.notifications.models import Notification
from tests.factories import advance, make_complaint

BODY = {
    "name": "李女士",
    "phone": "138-0013-8000",
    "description": "网上买的电饭煲用了两次就不加热了。",
    "product": "电饭煲 R3",
    "order_no": "JD20261201",
    "store": "京东旗舰店",
    "demand": "exchange",
    "consent": True,
}


def post(client, path, body, **extra):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def anon(db):
    return Client(REMOTE_ADDR="203.0.113.7")


@pytest.fixture
def conf(db):
    conf = PublicFormSettings.current()
    conf.save()
    return conf


def submit(anon, **changes):
    r = post(anon, "/public/complaints", {**BODY, **changes})
    assert r.status_code == 201, r.content
    return r.json()


def test_a_customer_submits_and_gets_the_number_the_first_response_time_and_the_tracking_link(anon, users, playbook):
    playbook("service")
    before = timezone.now()
    body = submit(anon)
    c = Complaint.objects.select_related("customer").get(number=body["number"])
    assert c.channel == "web" and c.created_by is None and c.demand == "exchange"
    assert c.customer.phone == "13800138000" and c.customer.name == "李女士"
    assert (c.product, c.order_no, c.store) == ("电饭煲 R3", "JD20261201", "京东旗舰店")
    create = c.events.get(action="create")
    assert create.data["via"] == "web_form"
    due = timezone.datetime.fromisoformat(body["first_response_due"])
    first = c.deadlines.get(clock="first_response")
    assert due == first.due_at and due > before
    assert body["track_url"].startswith(settings.KESU_BASE_URL + "/t/")
    assert links.read_track_token(body["track_url"].rsplit("/t/", 1)[1]) == c.number


def test_a_free_text_demand_is_kept_in_the_description(anon, users):
    body = submit(anon, demand="希望退款并道歉")
    c = Complaint.objects.get(number=body["number"])
    assert c.demand == "" and "希望退款并道歉" in c.description


@pytest.mark.parametrize("consent", [None, False, "yes", 1])
def test_without_consent_nothing_is_recorded(anon, users, consent):
    body = {**BODY, "consent": consent}
    if consent is None:
        body.pop("consent")
    r = post(anon, "/public/complaints", body)
    assert r.status_code == 400
    assert "consent" in r.json()["error"]["fields"]
    assert Complaint.objects.count() == 0


def test_without_phone_or_email_the_error_names_phone(anon, users):
    r = post(anon, "/public/complaints", {**BODY, "phone": ""})
    assert r.status_code == 400 and "phone" in r.json()["error"]["fields"]
    r = post(anon, "/public/complaints", {**BODY, "phone": "12ab"})
    assert r.status_code == 400 and "phone" in r.json()["error"]["fields"]
    assert Complaint.objects.count() == 0
    body = submit(anon, phone="", email="Li@Example.com")
    assert Complaint.objects.get(number=body["number"]).customer.email == "li@example.com"


def test_the_honeypot_refuses_without_saying_why(anon, users):
    r = post(anon, "/public/complaints", {**BODY, "website": "http://spam.example"})
    assert r.status_code == 400 and "fields" not in r.json()["error"]
    assert Complaint.objects.count() == 0


def test_submits_are_limited_per_address_and_per_phone(anon, users, conf):
    conf.submits_per_address, conf.submits_per_contact = 3, 2
    conf.save()
    submit(anon, phone="13900000001")
    submit(anon, phone="13900000001")
    r = post(anon, "/public/complaints", {**BODY, "phone": "139 0000 0001"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert int(r["Retry-After"]) > 0
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert post(other, "/public/complaints", {**BODY, "phone": "13900000001"}).status_code == 429
    assert post(other, "/public/complaints", {**BODY, "phone": "13900000002"}).status_code == 201
    # The first address may make a third attempt with another phone, then no more with any phone.
    assert post(anon, "/public/complaints", {**BODY, "phone": "13900000003"}).status_code == 201
    assert post(anon, "/public/complaints", {**BODY, "phone": "13900000004"}).status_code == 429
    assert Complaint.objects.count() == 4


def _solve(token: str, bits: int) -> str:
    counter = 0
    while challenges.leading_zero_bits(hashlib.sha256(f"{token}:{counter}".encode()).digest()) < bits:
        counter += 1
    return str(counter)


def test_the_admin_may_require_the_challenge_on_the_api_and_a_challenge_is_spent_once(anon, users, conf):
    conf.require_challenge_on_api, conf.pow_bits = True, 8
    conf.save()
    r = post(anon, "/public/complaints", BODY)
    assert r.status_code == 400 and "challenge" in r.json()["error"]["fields"]
    ch = anon.get("/api/v1/public/challenge").json()
    wrong = post(anon, "/public/complaints", {**BODY, "challenge_token": ch["token"], "challenge_answer": "99"})
    assert wrong.status_code == 400 and "challenge" in wrong.json()["error"]["fields"]
    solved = {**BODY, "challenge_token": ch["token"], "challenge_counter": _solve(ch["token"], ch["bits"])}
    assert post(anon, "/public/complaints", solved).status_code == 201
    replay = post(anon, "/public/complaints", solved)
    assert replay.status_code == 400 and "challenge" in replay.json()["error"]["fields"]
    forged = {**solved, "challenge_token": ch["token"][:-2] + "xx"}
    assert post(anon, "/public/complaints", forged).status_code == 400
    assert Complaint.objects.count() == 1


def test_the_arithmetic_answer_solves_the_challenge_in_chinese_numerals_or_digits(db):
    now = timezone.now()
    ch = challenges.issue(now=now, bits=30)
    assert ch.question.endswith("等于几？")
    a, b = ch.question[:-4].split("加")
    total = challenges.parse_answer(a) + challenges.parse_answer(b)
    checked = challenges.verify(ch.token, answer=str(total), now=now, max_age_minutes=5)
    assert checked["nonce"]
    assert challenges.parse_answer("十二") == 12 and challenges.parse_answer("１５") == 15
    with pytest.raises(Exception) as late:
        challenges.verify(ch.token, answer=str(total), now=now + timezone.timedelta(minutes=6), max_age_minutes=5)
    assert "challenge" in late.value.fields


# -- tracking ------------------------------------------------------------------------------------


def test_the_customer_sees_plain_words_and_public_messages_only(anon, users, playbook):
    playbook("service")
    agent, admin = users["agent"], users["admin"]
    admin.display_name = "客服小王"
    admin.save()
    number = submit(anon)["number"]
    c = Complaint.objects.get(number=number)
    r = anon.get(f"/api/v1/public/complaints/{number}", {"phone": "13800138000"})
    assert r.status_code == 200
    view = r.json()
    assert view["status"] == "new" and view["status_text"] and view["next_step"]
    assert view["due_by"] == c.deadlines.filter(clock="first_response").get().due_at.isoformat()
    assert view["messages"] == [] and view["can_rate"] is False

    now = timezone.now()
    actions.do_note(c, actor=agent, now=now, text="内部:客户之前投诉过三次", internal=True)
    actions.do_note(c, actor=admin, now=now, text="您好,我们已安排工程师上门。", internal=False)
    c = advance(c, admin, "solution_proposed")
    view = anon.get(f"/api/v1/public/complaints/{number}", {"phone": "138 0013 8000"}).json()
    texts = [m["text"] for m in view["messages"]]
    assert "您好,我们已安排工程师上门。" in texts
    assert any("换新机一台" in t for t in texts)
    raw = json.dumps(view, ensure_ascii=False)
    assert "内部" not in raw and "agent" not in raw and "admin" not in raw
    assert set(view["messages"][0]) == {"at", "from", "text"}
    assert {m["from"] for m in view["messages"]} == {"company"}
    assert view["status"] == "solution_proposed"

    c = advance(c, admin, "resolved")
    view = anon.get(f"/api/v1/public/complaints/{number}", {"phone": "13800138000"}).json()
    assert view["can_rate"] is True and view["due_by"] is None


def test_a_wrong_number_and_a_wrong_phone_look_the_same_and_guessing_is_limited(anon, users, conf, complaint):
    conf.tracking_misses_per_address = 3
    conf.save()
    phone = complaint.customer.phone
    missing = anon.get("/api/v1/public/complaints/KS-2099-999999", {"phone": phone})
    wrong = anon.get(f"/api/v1/public/complaints/{complaint.number}", {"phone": "13000000000"})
    assert missing.status_code == wrong.status_code == 404
    assert missing.content == wrong.content
    assert anon.get(f"/api/v1/public/complaints/{complaint.number}").status_code == 404  # no phone at all
    # Three misses: now even the right answer is refused from this address, not from another.
    blocked = anon.get(f"/api/v1/public/complaints/{complaint.number}", {"phone": phone})
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "rate_limited"
    assert (
        Client(REMOTE_ADDR="198.51.100.1")
        .get(f"/api/v1/public/complaints/{complaint.number}", {"phone": phone})
        .status_code
        == 200
    )


def test_other_customers_data_never_shows(anon, users):
    mine = submit(anon, phone="13700000001")["number"]
    other = make_complaint(users["agent"], customer=actions.CustomerInput(name="王五", phone="13700000002"))
    assert anon.get(f"/api/v1/public/complaints/{other.number}", {"phone": "13700000001"}).status_code == 404
    view = anon.get(f"/api/v1/public/complaints/{mine}", {"phone": "13700000001"}).json()
    assert "王五" not in json.dumps(view, ensure_ascii=False) and "13700000002" not in json.dumps(view)


def test_the_customer_writes_a_message_and_the_owner_is_told(anon, users):
    agent = users["agent"]
    c = make_complaint(agent, customer=actions.CustomerInput(name="赵六", email="zhao@example.com"))
    c = advance(c, users["admin"], "assigned", department="CS", owner="agent")
    r = post(anon, f"/public/complaints/{c.number}/messages", {"email": "ZHAO@example.com", "text": "请尽快联系我"})
    assert r.status_code == 201, r.content
    assert r.json()["text"] == "请尽快联系我" and r.json()["from"] == "customer"
    event = c.events.get(action="customer_message")
    assert event.data["text"] == "请尽快联系我" and event.internal is False and event.actor is None
    assert Notification.objects.filter(user=agent, kind="customer_message", complaint=c).count() == 1
    view = anon.get(f"/api/v1/public/complaints/{c.number}", {"email": "zhao@example.com"}).json()
    assert view["messages"][-1] == {"at": event.at.isoformat(), "from": "customer", "text": "请尽快联系我"}

    r = post(anon, f"/public/complaints/{c.number}/messages", {"email": "other@example.com", "text": "x"})
    assert r.status_code == 404
    r = post(anon, f"/public/complaints/{c.number}/messages", {"email": "zhao@example.com", "text": ""})
    assert r.status_code == 400 and "text" in r.json()["error"]["fields"]
    assert c.events.filter(action="customer_message").count() == 1


def test_the_phone_may_be_given_with_the_country_code(anon, users):
    number = submit(anon, phone="13512345678")["number"]
    for phone in ("+86 135 1234 5678", "0086-13512345678", "135-1234-5678"):
        r = anon.get(f"/api/v1/public/complaints/{number}", {"phone": phone})
        assert r.status_code == 200, phone
    assert anon.get(f"/api/v1/public/complaints/{number}", {"phone": "+1 13512345678"}).status_code == 404
