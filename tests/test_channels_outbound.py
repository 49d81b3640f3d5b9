"""Messages to the customer against real peers: the acknowledgement and the other automatic messages
arriving at an SMTP server on 127.0.0.1 (aiosmtpd) with their threading headers, the agent's reply through
the API and the complaint page, SMS through a local HTTP server (generic adapter and Alibaba Cloud's signed
request, its signature recomputed here), editable templates in Chinese and English."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.utils import formats, timezone

from kesu.channels import addresses, links
from kesu.channels.outbound import services, texts
from kesu.channels.outbound.models import MessageTemplate, OutboundMessage, SmsGateway
from kesu.complaints import actions
from kesu.complaints.models import Event
from kesu.followup.services import complaint_for_rating
from kesu.notifications import delivery
from kesu.notifications.models import Delivery
from kesu.notifications.signing import verify_generic
from tests.factories import advance, snapshot

CUSTOMER_MAIL = "zhang.san@customer.example"
THEIR_FIRST_MAIL = "<first-mail.123@customer.example>"


# ── peers ────────────────────────────────────────────────────────────────────────────────────────────


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "kesu@kesu.example.com"
    settings.KESU_COMPLAINTS_EMAIL = "complaints@kesu.example.com"
    settings.KESU_BASE_URL = "https://kesu.example.com"
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    controller.stop()


class SmsPeer:
    """An HTTP server in a thread recording every request; `answer` is what it says back."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer: tuple[int, dict] = (200, {"Code": "OK", "Message": "OK", "BizId": "9001", "RequestId": "r-1"})
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                peer.requests.append({"path": urlsplit(self.path).path, "headers": dict(self.headers), "raw": raw})
                status, answer = peer.answer
                out = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_peer(settings):
    settings.KESU_BASE_URL = "https://kesu.example.com"
    peer = SmsPeer()
    yield peer
    peer.close()


# ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

_phones = iter(range(13700000001, 13799999999))


def intake(actor, *, mail=CUSTOMER_MAIL, phone=None, event_data=None, name="张三"):
    """A complaint recorded through the real create action."""
    customer = actions.CustomerInput(name=name, phone=phone if phone is not None else str(next(_phones)), email=mail)
    data = actions.ComplaintInput(
        channel="email" if mail else "phone",
        customer=customer,
        title="冰箱漏水",
        description="买了三天的冰箱一直漏水,地板都泡了。",
        type_code="quality",
    )
    complaint, _created = actions.do_create(data, actor=actor, now=timezone.now(), event_data=event_data)
    return complaint


def deliver():
    return delivery.deliver_due(now=timezone.now() + dt.timedelta(seconds=1))


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def track_token_in(text: str) -> str:
    match = re.search(r"https://kesu\.example\.com/t/(\S+)", text)
    assert match, text
    return match.group(1)


@pytest.fixture
def service(playbook):
    """The service playbook: a 15-minute first-response clock on every complaint."""
    return playbook("service")


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run the after-commit work (the automatic messages) of what the block does, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def aliyun_encode(value: str) -> str:
    # Written from Alibaba Cloud's rules, independently of kesu's code: A-Z a-z 0-9 - _ . ~ kept, every other
    # UTF-8 byte as %XY in upper case (so space → %20, * → %2A, / → %2F).
    return "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in value.encode("utf-8"))


def aliyun_expected_signature(params: dict[str, str], secret: str, method: str) -> str:
    query = "&".join(f"{aliyun_encode(k)}={aliyun_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&%2F&{aliyun_encode(query)}"
    return base64.b64encode(hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()).decode()


# ── the acknowledgement (R-IN-6) ─────────────────────────────────────────────────────────────────────


def test_the_acknowledgement_arrives_with_the_number_the_first_response_time_the_link_and_threading(
    smtp, service, users, after_commit
):
    with after_commit():
        c = intake(users["agent"], event_data={"via": "email", "message_id": THEIR_FIRST_MAIL})
    assert smtp.messages == []  # queued, sent by the worker
    assert deliver().sent == 1

    [mail] = smtp.messages
    assert mail["To"] == CUSTOMER_MAIL
    assert mail["From"] == "complaints@kesu.example.com"
    assert mail["Reply-To"] == "complaints@kesu.example.com"
    assert f"[{c.number}]" in mail["Subject"] and "我们已收到您的投诉" in mail["Subject"]
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["In-Reply-To"] == THEIR_FIRST_MAIL
    assert THEIR_FIRST_MAIL in mail["References"]
    assert addresses.number_from_message_id(mail["Message-ID"]) == c.number  # a reply finds its complaint

    text = body_of(mail)
    assert c.number in text and "尊敬的张三" in text
    due = c.deadlines.get(clock="first_response").due_at
    assert due - c.received_at == dt.timedelta(minutes=15)
    assert f"预计首次响应时间：{formats.date_format(timezone.localtime(due), 'Y-m-d H:i')}" in text
    assert links.track_url(c).rsplit("/", 1)[0] in text
    assert links.read_track_token(track_token_in(text)) == c.number

    sent = Event.objects.get(complaint=c, action="message_sent")
    assert sent.internal is False
    assert sent.data["channel"] == "email" and sent.data["template"] == "acknowledgement"
    assert sent.data["sent_to"] == "z***@customer.example" and CUSTOMER_MAIL not in json.dumps(sent.data)
    assert sent.data["text"] == text.strip()
    message = OutboundMessage.objects.get(complaint=c)
    assert message.message_id == mail["Message-ID"] and message.delivery.status == "sent"


def test_the_acknowledgement_is_sent_once_however_often_its_event_is_handled(smtp, service, users, after_commit):
    with after_commit():
        c = intake(users["agent"])
    create = Event.objects.get(complaint=c, action="create")
    assert services.send_automatic(create) is None  # the event handled again (a retried job)
    assert OutboundMessage.objects.filter(complaint=c).count() == 1
    assert Event.objects.filter(complaint=c, action="message_sent").count() == 1
    assert deliver().sent == 1
    assert deliver().sent == 0
    assert len(smtp.messages) == 1


def test_imports_and_customers_without_a_reachable_contact_get_no_acknowledgement(smtp, service, users, after_commit):
    with after_commit():
        imported = intake(users["agent"], event_data={"via": "import"})
        phone_only = intake(users["agent"], mail="")  # no SMS gateway set up
    for c in (imported, phone_only):
        assert not Event.objects.filter(complaint=c, action="message_sent").exists()
    assert not Delivery.objects.exists()


def test_an_english_customer_gets_the_english_template_the_administrator_edited(smtp, service, users, after_commit):
    MessageTemplate.objects.create(
        key="acknowledgement",
        language="en",
        subject="Thanks, {customer}",
        body="Number {number}, first answer by {预计时间}. {{Track}}: {查询链接}",
    )
    with after_commit():
        c = intake(users["agent"], event_data={"via": "web_form", "language": "en"}, name="Alice")
    deliver()
    [mail] = smtp.messages
    assert mail["Subject"].strip() == f"[{c.number}] Thanks, Alice"
    text = body_of(mail)
    assert text.startswith(f"Number {c.number}, first answer by 20")
    assert "{Track}: https://kesu.example.com/t/" in text


def test_an_inactive_template_falls_back_to_the_default_text(service, users, after_commit):
    MessageTemplate.objects.create(key="acknowledgement", language="zh-hans", subject="x", body="旧文本", active=False)
    with after_commit():
        c = intake(users["agent"])
    assert OutboundMessage.objects.get(complaint=c).body.startswith("尊敬的张三：")


# ── the other automatic messages ─────────────────────────────────────────────────────────────────────


def test_solution_resolution_and_rejection_are_told_with_their_links(smtp, service, users, after_commit):
    admin = users["admin"]
    with after_commit():
        c = intake(admin)
        c = advance(c, admin, "resolved")
    deliver()
    by_template = {m.template: m for m in OutboundMessage.objects.filter(complaint=c)}
    assert set(by_template) == {"acknowledgement", "solution_proposed", "resolved"}
    solution = by_template["solution_proposed"].body
    assert "换新机一台" in solution and links.read_track_token(track_token_in(solution)) == c.number
    resolved = by_template["resolved"].body
    assert "已上门换新" in resolved
    rate = re.search(r"https://kesu\.example\.com/rate/(\S+)", resolved).group(1)
    assert complaint_for_rating(rate)[0] == c  # the rating link opens this complaint's rating
    assert len(smtp.messages) == 3
    # Each answers in the same thread: the acknowledgement's Message-ID is referenced by the later mails.
    first = smtp.messages[0]["Message-ID"]
    assert all(first in m["References"] for m in smtp.messages[1:])
    assert all(m["Auto-Submitted"] == "auto-replied" for m in smtp.messages)

    with after_commit():
        other = intake(admin, mail="li.si@customer.example")
        other = advance(other, admin, "rejected")
    rejected = OutboundMessage.objects.get(complaint=other, template="rejected")
    assert "已向客户说明" in rejected.body and rejected.to == "li.si@customer.example"


# ── the agent's reply (API) ──────────────────────────────────────────────────────────────────────────


def test_the_agent_replies_by_email_in_the_customers_thread_and_the_conversation_lists_both_ways(
    smtp, service, users, api, after_commit
):
    with after_commit():
        c = intake(users["agent"], event_data={"via": "email", "message_id": THEIR_FIRST_MAIL})
    with after_commit():
        actions.do_customer_message(
            c, now=timezone.now(), text="请尽快派人上门", via="email", data={"message_id": "<second@customer.example>"}
        )
        r = api("agent").post(
            f"/complaints/{c.number}/messages",
            {"channel": "email", "text": "您好，师傅明天上午到府。", "subject": "上门安排"},
        )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["direction"] == "out" and body["channel"] == "email" and body["to"] == "z***@customer.example"
    assert body["status"] == "pending" and body["automatic"] is False
    note = Event.objects.filter(complaint=c, action="note").latest("id")
    assert note.internal is False and note.data["text"] == "您好，师傅明天上午到府。"

    deliver()
    reply = smtp.messages[-1]
    assert reply["Subject"].strip() == f"[{c.number}] 上门安排"
    assert reply["In-Reply-To"] == "<second@customer.example>"  # answers the customer's latest mail
    refs = reply["References"].split()
    assert refs[0] == THEIR_FIRST_MAIL and "<second@customer.example>" in refs
    assert smtp.messages[0]["Message-ID"] in refs  # the acknowledgement too
    assert reply["Auto-Submitted"] is None  # a person wrote it
    text = body_of(reply)
    assert text.startswith("您好，师傅明天上午到府。") and links.read_track_token(track_token_in(text)) == c.number

    listing = api("agent").get(f"/complaints/{c.number}/messages").json()
    assert [(m["direction"], m["channel"]) for m in listing] == [("out", "email"), ("in", "email"), ("out", "email")]
    assert [m["status"] for m in listing] == ["sent", "received", "sent"]
    assert listing[1]["text"] == "请尽快派人上门"


def test_a_bad_reply_names_the_field_and_changes_nothing(service, users, api):
    c = intake(users["agent"], mail="")
    before = snapshot(c.number)
    cases = [
        ({"channel": "email", "text": "你好"}, "channel"),  # no e-mail address
        ({"channel": "sms", "text": "你好"}, "channel"),  # no gateway
        ({"channel": "fax", "text": "你好"}, "channel"),
        ({"channel": "email", "text": "   "}, "text"),
    ]
    for payload, field in cases:
        r = api("agent").post(f"/complaints/{c.number}/messages", payload)
        assert r.status_code == 400, (payload, r.content)
        assert field in r.json()["error"]["fields"], (payload, r.json())
    SmsGateway.objects.create(name="gw", kind="generic", endpoint="http://127.0.0.1:9/sms", access_key_secret="s")
    r = api("agent").post(f"/complaints/{c.number}/messages", {"channel": "sms", "text": "长" * 501})
    assert r.status_code == 400 and "text" in r.json()["error"]["fields"]
    assert snapshot(c.number) == before
    assert not OutboundMessage.objects.exists() and not Delivery.objects.exists()


def test_who_may_write_to_the_customer(service, users, api):
    c = intake(users["agent"])
    assert (
        api("handler_log").post(f"/complaints/{c.number}/messages", {"channel": "email", "text": "x"}).status_code
        == 404
    )
    assert api("handler_log").get(f"/complaints/{c.number}/messages").status_code == 404
    assert (
        api("archivist").post(f"/complaints/{c.number}/messages", {"channel": "email", "text": "x"}).status_code == 403
    )
    archived = advance(intake(users["admin"]), users["admin"], "archived")
    r = api("admin").post(f"/complaints/{archived.number}/messages", {"channel": "email", "text": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "read_only"
    assert not OutboundMessage.objects.filter(complaint__in=[c, archived], template="reply").exists()


# ── SMS ──────────────────────────────────────────────────────────────────────────────────────────────


def test_sms_through_the_generic_gateway_is_signed_and_marked_sent(sms_peer, service, users, api, after_commit):
    gateway = SmsGateway.objects.create(
        name="短信网关",
        kind="generic",
        endpoint=sms_peer.url("/send"),
        access_key_id="kesu",
        access_key_secret="s3cret",
        sign_name="某某电器",
    )
    with after_commit():
        c = intake(users["agent"], mail="", phone="13812345678")
    # The acknowledgement goes by SMS when the customer left only a phone.
    ack = OutboundMessage.objects.get(complaint=c)
    assert (ack.channel, ack.template, ack.masked_to) == ("sms", "acknowledgement_sms", "138****5678")
    r = api("agent").post(f"/complaints/{c.number}/messages", {"channel": "sms", "text": "师傅明天上午到府"})
    assert r.status_code == 201, r.content
    assert deliver().sent == 2

    first, second = sms_peer.requests
    for request in (first, second):
        headers = request["headers"]
        assert verify_generic(
            "s3cret", timestamp=headers["X-Kesu-Timestamp"], signature=headers["X-Kesu-Signature"], body=request["raw"]
        )
        assert headers["X-Kesu-Key"] == "kesu"
    sent = json.loads(first["raw"])
    assert sent["to"] == "13812345678" and c.number in sent["text"] and sent["sign_name"] == gateway.sign_name
    assert links.read_track_token(track_token_in(sent["text"])) == c.number
    assert json.loads(second["raw"])["text"].startswith("师傅明天上午到府")
    listing = api("agent").get(f"/complaints/{c.number}/messages").json()
    assert [(m["channel"], m["status"]) for m in listing] == [("sms", "sent"), ("sms", "sent")]


def test_sms_through_alibaba_cloud_carries_the_signature_the_provider_recomputes(sms_peer, service, users, api):
    SmsGateway.objects.create(
        name="阿里云",
        kind="aliyun",
        endpoint=sms_peer.url("/"),
        access_key_id="LTAI-test-id",
        access_key_secret="testsecret",
        sign_name="某某电器",
        template_code="SMS_123456789",
    )
    c = intake(users["agent"], mail="", phone="+8613812345678")
    text = "您好 *师傅* 明天~上午到府 (100% 免费)"
    assert api("agent").post(f"/complaints/{c.number}/messages", {"channel": "sms", "text": text}).status_code == 201
    assert deliver().sent == 1

    [request] = sms_peer.requests
    assert request["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")
    params = dict(parse_qsl(request["raw"].decode(), keep_blank_values=True))
    signature = params.pop("Signature")
    assert signature == aliyun_expected_signature(params, "testsecret", "POST")
    assert params["Action"] == "SendSms" and params["Version"] == "2017-05-25"
    assert params["SignatureMethod"] == "HMAC-SHA1" and params["SignatureVersion"] == "1.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", params["Timestamp"])
    assert re.fullmatch(r"[0-9a-f-]{36}", params["SignatureNonce"])
    assert params["AccessKeyId"] == "LTAI-test-id" and params["PhoneNumbers"] == "13812345678"
    assert params["SignName"] == "某某电器" and params["TemplateCode"] == "SMS_123456789"
    assert json.loads(params["TemplateParam"])["content"].startswith(text)
    # The raw body encodes a space as %20, never "+" (the provider signs the percent-encoded form).
    assert b"+" not in request["raw"].split(b"TemplateParam=")[1].split(b"&")[0]


def test_alibaba_cloud_refusals_are_retried_or_given_up_as_the_code_says(sms_peer, service, users, api):
    SmsGateway.objects.create(
        name="阿里云",
        kind="aliyun",
        endpoint=sms_peer.url("/"),
        access_key_id="id",
        access_key_secret="secret",
        sign_name="某某电器",
        template_code="SMS_1",
    )
    c = intake(users["agent"], mail="")
    sms_peer.answer = (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"})
    api("agent").post(f"/complaints/{c.number}/messages", {"channel": "sms", "text": "第一条"})
    assert deliver().failed == 1
    row = Delivery.objects.get(channel="sms")
    assert row.status == "failed" and "BUSINESS_LIMIT_CONTROL" in row.last_error
    sms_peer.answer = (200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
    api("agent").post(f"/complaints/{c.number}/messages", {"channel": "sms", "text": "第二条"})
    result = delivery.deliver_due(now=timezone.now() + dt.timedelta(seconds=1))
    assert result.dead == 1
    statuses = [m["status"] for m in api("agent").get(f"/complaints/{c.number}/messages").json()]
    assert statuses == ["failed", "dead"]


def test_the_alibaba_signature_matches_the_documented_encoding_rules():
    from kesu.channels.outbound import sms

    assert sms.percent_encode("a b*c~d/é") == "a%20b%2Ac~d%2F%C3%A9"
    gateway = SmsGateway(access_key_id="id", access_key_secret="sec", sign_name="签名", template_code="SMS_1")
    at = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
    params = sms.aliyun_params(gateway, phone="13800000000", text="你好", out_id="x", now=at, nonce="n-1")
    signature = params.pop("Signature")
    assert params["Timestamp"] == "2026-11-16T02:00:00Z"
    assert signature == aliyun_expected_signature(params, "sec", "POST")


# ── templates ────────────────────────────────────────────────────────────────────────────────────────


def test_placeholders_in_chinese_or_english_and_literal_braces():
    values = {"number": "KS-1", "customer": "张三"}
    assert texts.render("{客户称呼}/{customer} {投诉编号} {{x}} {未知}", values) == "张三/张三 KS-1 {x} {未知}"
    assert texts.unknown_placeholders("{未知} {number} {{literal}}") == ["未知"]
    for (key, language), (subject, body) in texts.DEFAULTS.items():
        assert not texts.unknown_placeholders(subject + body), (key, language)
        assert key in texts.KEYS
    assert {(k, lang) for k in texts.KEYS for lang in ("zh-hans", "en")} == set(texts.DEFAULTS)


def test_templates_are_edited_in_the_admin_with_a_preview_and_unknown_placeholders_refused(client, users):
    client.force_login(users["admin"])
    page = client.get("/admin/channels_outbound/messagetemplate/add/?key=resolved&language=en")
    assert page.status_code == 200 and "{rate_url}" in page.content.decode()  # the default text to start from
    r = client.post(
        "/admin/channels_outbound/messagetemplate/add/",
        {"key": "acknowledgement", "language": "zh-hans", "subject": "收到", "body": "编号{单号}", "active": "on"},
    )
    assert r.status_code == 200 and "{单号}" in r.content.decode()
    assert not MessageTemplate.objects.exists()
    r = client.post(
        "/admin/channels_outbound/messagetemplate/add/",
        {"key": "acknowledgement", "language": "zh-hans", "subject": "收到", "body": "编号{投诉编号}", "active": "on"},
    )
    assert r.status_code == 302
    row = MessageTemplate.objects.get()
    page = client.get(f"/admin/channels_outbound/messagetemplate/{row.pk}/change/").content.decode()
    assert "编号KS-20261116-00042" in page  # the preview with a sample complaint
    assert client.get("/admin/channels_outbound/smsgateway/add/").status_code == 200
    assert client.get("/admin/channels_outbound/outboundmessage/").status_code == 200


# ── cost ─────────────────────────────────────────────────────────────────────────────────────────────


def test_the_acknowledgement_adds_no_query_to_the_intake_and_costs_a_fixed_number_after_it(
    service, users, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kesu.complaints import events
    from kesu.core import links

    intake(users["agent"], mail="c0@customer.example")  # warm the reference caches
    links.base_url()  # and the public address links start with, kept per process like them
    handlers = events._subscribers["create"]
    handlers.remove(services.on_event)
    try:
        with CaptureQueriesContext(connection) as without:
            intake(users["agent"], mail="c1@customer.example")
    finally:
        handlers.append(services.on_event)
    costs = []
    for i in (2, 3):
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            CaptureQueriesContext(connection) as with_ack,
        ):
            intake(users["agent"], mail=f"c{i}@customer.example")
        assert len(with_ack) == len(without)  # the intake's own queries: the handler only runs after commit
        with CaptureQueriesContext(connection) as after:
            for callback in callbacks:
                callback()
        costs.append(len(after))
    assert OutboundMessage.objects.filter(template="acknowledgement").count() == 2
    print("acknowledgement after commit:", costs[0], "queries")
    assert costs[0] == costs[1] <= 18, costs
