"""E-mail and webhook deliveries against real peers: an SMTP server (aiosmtpd) and an HTTP server on
127.0.0.1, started by the tests. Nothing is mocked: messages cross real sockets."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Complaint
from kesu.notifications import delivery
from kesu.notifications.models import Delivery, DepartmentWebhook, Notification
from kesu.notifications.services import notify
from kesu.notifications.signing import verify_generic
from tests.factories import UserFactory, advance, make_complaint

BODY = "客户来电催促，请今天之内联系客户并给出处理方案。"


# ── peers ────────────────────────────────────────────────────────────────────────────────────────────


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class SmtpPeer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.inbox.messages


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free port, not started yet: `smtp.start()` (a test may want it down)."""
    peer = SmtpPeer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # pytest-django set locmem
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = peer.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "kesu@example.com"
    settings.KESU_BASE_URL = "https://kesu.example.com"
    yield peer
    peer.stop()


ANSWERS = {
    "/wecom": (200, {"errcode": 0, "errmsg": "ok"}),
    "/dingtalk": (200, {"errcode": 0, "errmsg": "ok"}),
    "/feishu": (200, {"code": 0, "msg": "success", "data": {}}),
    "/generic": (200, {"received": True}),
    "/refuse": (200, {"errcode": 310000, "errmsg": "sign not match"}),
    "/broken": (500, {"error": "boom"}),
    "/moved": (302, {}),
}


class HttpPeer:
    """An HTTP server in a thread recording every request: (path, query, headers, raw body)."""

    def __init__(self):
        self.requests: list[dict] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = urlsplit(self.path)
                peer.requests.append(
                    {"path": url.path, "query": parse_qs(url.query), "headers": dict(self.headers), "raw": raw}
                )
                status, answer = ANSWERS.get(url.path, (404, {}))
                out = json.dumps(answer).encode()
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "/generic")
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

    def at(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http(settings):
    settings.KESU_BASE_URL = "https://kesu.example.com"
    settings.KESU_WEBHOOK_TIMEOUT = 5
    peer = HttpPeer()
    yield peer
    peer.close()


@pytest.fixture
def huey_now():
    """The worker in-process: an enqueued task runs at once (as HUEY_IMMEDIATE=1 does)."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture
def handler(users):
    user = users["handler"]
    user.email = "handler@example.com"
    user.save(update_fields=["email"])
    return user


def tell(users, complaint, *, key="assigned:1", kind="assigned", now=None):
    notify(
        users,
        kind=kind,
        title=f"{complaint.number} 已派给你处理",
        body=BODY,
        complaint=complaint,
        key=key,
        now=now or timezone.now(),
    )


# ── e-mail ───────────────────────────────────────────────────────────────────────────────────────────


def test_an_email_arrives_after_commit_with_the_number_in_the_subject_and_a_chinese_body(
    smtp, huey_now, handler, complaint, django_capture_on_commit_callbacks
):
    smtp.start()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell([handler], complaint)
        assert smtp.messages == []  # nothing leaves before the commit
    assert len(callbacks) == 1

    [message] = smtp.messages
    assert complaint.number in message["Subject"]
    assert message["To"] == "handler@example.com"
    assert message["From"] == "kesu@example.com"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert BODY in text
    assert "冰箱漏水" in text  # the complaint's title
    assert f"https://kesu.example.com/complaints/{complaint.number}" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert BODY in html and f'href="https://kesu.example.com/complaints/{complaint.number}"' in html

    row = Delivery.objects.get()
    assert (row.channel, row.target, row.status, row.attempts) == ("email", "handler@example.com", "sent", 1)
    assert row.notification.user == handler and row.sent_at is not None


def test_one_commit_queues_one_kick_however_many_notifications(
    smtp, huey_now, handler, users, complaint, django_capture_on_commit_callbacks
):
    smtp.start()
    supervisor = users["supervisor"]
    supervisor.email = "supervisor@example.com"
    supervisor.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        tell([handler], complaint, key="a")
        tell([handler, supervisor], complaint, key="b")
    assert len(callbacks) == 1
    assert sorted(m["To"] for m in smtp.messages) == ["handler@example.com"] * 2 + ["supervisor@example.com"]


def test_with_the_smtp_server_down_the_email_is_retried_with_back_off_until_it_arrives(smtp, handler, complaint):
    t0 = timezone.now()
    tell([handler], complaint, now=t0)
    assert Notification.objects.filter(user=handler).count() == 1  # the in-app notification is there at once

    result = delivery.deliver_due(now=t0)
    assert (result.sent, result.failed) == (0, 1)
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.next_attempt_at == t0 + dt.timedelta(minutes=1)
    assert "refused" in row.last_error.lower() or "connect" in row.last_error.lower()

    assert delivery.deliver_due(now=t0 + dt.timedelta(seconds=59)).claimed == 0  # not due yet

    t1 = t0 + dt.timedelta(minutes=1)
    assert delivery.deliver_due(now=t1).failed == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 2, t1 + dt.timedelta(minutes=2))

    smtp.start()
    assert delivery.deliver_due(now=t1 + dt.timedelta(minutes=1)).claimed == 0  # back-off is respected
    assert delivery.deliver_due(now=t1 + dt.timedelta(minutes=2)).sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 3)
    assert [complaint.number in m["Subject"] for m in smtp.messages] == [True]


def test_after_the_last_attempt_a_delivery_is_dead_until_retried(smtp, settings, handler, complaint):
    settings.KESU_DELIVERY_MAX_ATTEMPTS = 2
    t0 = timezone.now()
    tell([handler], complaint, now=t0)
    delivery.deliver_due(now=t0)
    result = delivery.deliver_due(now=t0 + dt.timedelta(minutes=1))
    assert result.dead == 1
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("dead", 2)
    assert delivery.deliver_due(now=t0 + dt.timedelta(days=1)).claimed == 0

    smtp.start()
    later = t0 + dt.timedelta(days=1)
    assert delivery.retry_now([row.id], now=later) == 1
    assert delivery.deliver_due(now=later).sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(smtp.messages) == 1


def test_running_the_processor_twice_sends_each_email_once(smtp, handler, users, complaint):
    smtp.start()
    now = timezone.now()
    for i in range(5):
        tell([handler], complaint, key=f"k{i}", now=now)
    assert delivery.deliver_due(now=now).sent == 5
    assert delivery.deliver_due(now=now).claimed == 0
    assert delivery.deliver_due(now=now + dt.timedelta(hours=2)).claimed == 0
    assert len(smtp.messages) == 5
    # the same notification sent again (a job that ran twice) is neither stored nor mailed twice
    tell([handler], complaint, key="k0", now=now)
    assert delivery.deliver_due(now=now).claimed == 0
    assert Delivery.objects.count() == 5 and len(smtp.messages) == 5


def test_a_user_who_turned_email_off_or_has_no_address_gets_only_the_in_app_notification(
    smtp, handler, users, complaint
):
    from kesu.notifications.services import set_preferences

    smtp.start()
    set_preferences(handler, email=False)
    tell([handler, users["agent"]], complaint)  # agent has no address
    assert Notification.objects.filter(key__startswith="assigned:1:").count() == 2
    assert Delivery.objects.count() == 0
    delivery.deliver_due(now=timezone.now())
    assert smtp.messages == []


# ── webhooks ─────────────────────────────────────────────────────────────────────────────────────────


def hook(http, kind, path, *, secret="", department=None, kinds=None):
    return DepartmentWebhook.objects.create(
        name=f"{kind} robot", kind=kind, url=http.url(path), secret=secret, department=department, kinds=kinds or []
    )


def test_a_generic_webhook_arrives_signed_and_a_receiver_can_verify_it(http, users, complaint):
    secret = "s3cret-值"
    hook(http, "generic", "/generic", secret=secret)
    now = timezone.now()
    tell([users["agent2"], users["supervisor"], users["director"]], complaint, now=now)
    assert delivery.deliver_due(now=now).sent == 1  # one call per event, not per recipient

    [req] = http.at("/generic")
    headers, raw = req["headers"], req["raw"]
    assert headers["Content-Type"].startswith("application/json")
    # What a receiver does: HMAC-SHA256 over "<X-Kesu-Timestamp>." + the raw body, with the shared secret.
    timestamp = headers["X-Kesu-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Kesu-Signature"], expected)
    assert abs(time.time() - int(timestamp)) < 300
    assert verify_generic(secret, timestamp=timestamp, signature=headers["X-Kesu-Signature"], body=raw)
    assert not verify_generic(secret, timestamp=timestamp, signature=headers["X-Kesu-Signature"], body=raw + b" ")
    assert not verify_generic("other", timestamp=timestamp, signature=headers["X-Kesu-Signature"], body=raw)
    assert not verify_generic(
        secret, timestamp=timestamp, signature=headers["X-Kesu-Signature"], body=raw, now=time.time() + 3600
    )

    payload = json.loads(raw)
    assert payload["kind"] == "assigned" and payload["body"] == BODY
    assert payload["complaint"] == {
        "number": complaint.number,
        "title": "冰箱漏水",
        "url": f"https://kesu.example.com/complaints/{complaint.number}",
    }
    assert headers["X-Kesu-Delivery"] == payload["id"] == Delivery.objects.get().key
    assert headers["X-Kesu-Event"] == "assigned"


def test_wecom_dingtalk_and_feishu_robots_get_their_own_formats_and_valid_signatures(http, users, complaint):
    hook(http, "wecom", "/wecom")
    hook(http, "dingtalk", "/dingtalk?access_token=abc", secret="SECding")
    hook(http, "feishu", "/feishu", secret="feishu-secret")
    now = timezone.now()
    tell([users["agent2"]], complaint, now=now)
    assert delivery.deliver_due(now=now).sent == 3
    link = f"https://kesu.example.com/complaints/{complaint.number}"

    [wecom] = http.at("/wecom")
    body = json.loads(wecom["raw"])
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"content"}
    content = body["markdown"]["content"]
    assert complaint.number in content and "冰箱漏水" in content and BODY in content and f"]({link})" in content

    [ding] = http.at("/dingtalk")
    body = json.loads(ding["raw"])
    assert body["msgtype"] == "markdown"
    assert complaint.number in body["markdown"]["title"]
    assert "冰箱漏水" in body["markdown"]["text"] and f"]({link})" in body["markdown"]["text"]
    assert ding["query"]["access_token"] == ["abc"]
    [ts], [sign] = ding["query"]["timestamp"], ding["query"]["sign"]  # parse_qs has URL-decoded the sign
    assert abs(int(ts) - now.timestamp() * 1000) < 1000
    expected = hmac.new(b"SECding", f"{ts}\nSECding".encode(), hashlib.sha256).digest()
    assert base64.b64decode(sign) == expected

    [feishu] = http.at("/feishu")
    body = json.loads(feishu["raw"])
    assert body["msg_type"] == "text"
    text = body["content"]["text"]
    assert complaint.number in text and "冰箱漏水" in text and link in text
    expected = hmac.new(f"{body['timestamp']}\nfeishu-secret".encode(), b"", hashlib.sha256).digest()
    assert base64.b64decode(body["sign"]) == expected
    assert abs(int(body["timestamp"]) - now.timestamp()) < 2


def test_customer_text_cannot_inject_links_into_a_robot_message(http, users):
    hook(http, "wecom", "/wecom")
    c = make_complaint(users["agent"], title="[点我领奖](http://evil.example) **急**")
    now = timezone.now()
    tell([users["agent2"]], c, now=now)
    delivery.deliver_due(now=now)
    content = json.loads(http.at("/wecom")[0]["raw"])["markdown"]["content"]
    assert "](http://evil.example)" not in content and "点我领奖" in content


def test_webhooks_receive_their_department_and_kinds_only(http, users, departments):
    c = advance(make_complaint(users["agent"]), users["admin"], "assigned", department="LOG")
    logistics = hook(http, "wecom", "/wecom", department=departments["LOG"])
    hook(http, "generic", "/generic", secret="x", department=departments["PROD"])
    hook(http, "feishu", "/feishu", kinds=["sla_breach"])  # every department, breaches only
    now = timezone.now()
    tell([users["agent2"]], c, kind="assigned", key="a", now=now)
    tell([users["agent2"]], c, kind="sla_breach", key="b", now=now)
    delivery.deliver_due(now=now)
    assert len(http.at("/wecom")) == 2  # LOG's robot: both kinds
    assert http.at("/generic") == []  # PROD's hook: not its complaint
    [breach] = http.at("/feishu")
    assert "sla_breach" not in breach["raw"].decode()  # Chinese text, not the code
    assert Delivery.objects.filter(target=str(logistics.id)).count() == 2


def test_a_robot_refusing_or_a_server_error_is_a_failed_delivery_with_the_reason(http, users, complaint):
    refused = hook(http, "dingtalk", "/refuse", secret="wrong")
    broken = hook(http, "generic", "/broken", secret="x")
    moved = hook(http, "generic", "/moved", secret="x")
    now = timezone.now()
    tell([users["agent2"]], complaint, now=now)
    assert delivery.deliver_due(now=now).failed == 3
    assert "310000" in Delivery.objects.get(target=str(refused.id)).last_error
    assert "HTTP 500" in Delivery.objects.get(target=str(broken.id)).last_error
    assert "HTTP 302" in Delivery.objects.get(target=str(moved.id)).last_error
    assert http.at("/generic") == []  # a redirect is not followed (the POST would turn into a GET)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}


def test_a_webhook_nobody_listens_on_fails_fast_and_a_deleted_one_is_given_up(http, users, complaint):
    dead_end = DepartmentWebhook.objects.create(
        name="nowhere", kind="generic", secret="x", url=f"http://127.0.0.1:{free_port()}/hook"
    )
    gone = hook(http, "wecom", "/wecom")
    now = timezone.now()
    tell([users["agent2"]], complaint, key="one", now=now)
    tell([users["agent2"]], complaint, key="two", now=now)
    gone_id = gone.id
    gone.delete()
    started = time.monotonic()
    result = delivery.deliver_due(now=now)
    assert time.monotonic() - started < 5
    assert (result.failed, result.dead) == (2, 2)
    assert set(Delivery.objects.filter(target=str(dead_end.id)).values_list("status", flat=True)) == {"failed"}
    assert set(Delivery.objects.filter(target=str(gone_id)).values_list("status", flat=True)) == {"dead"}
    assert http.requests == []


# ── with real commits ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.django_db(transaction=True)
def test_a_failing_delivery_never_rolls_back_the_action_that_caused_it(smtp, http, huey_now, settings):
    """Real transactions: the action commits, the kick runs the worker in-process after the commit,
    the SMTP server and the webhook are down — and the complaint, its event and the notification stay."""
    agent = UserFactory(username="agent-tx", role="agent", departments=["CS"])
    boss = UserFactory(username="boss-tx", role="supervisor", departments=["CS"], email="boss@example.com")
    DepartmentWebhook.objects.create(
        name="down", kind="generic", secret="x", url=f"http://127.0.0.1:{free_port()}/hook"
    )
    c = make_complaint(agent, type_code="")  # no seeded types: real commits flush them between tests
    with transaction.atomic():
        actions.do_acknowledge(c, actor=agent, now=timezone.now())
        tell([boss], c, key="ack")
    c = Complaint.objects.get(pk=c.pk)
    assert c.status == "acknowledged"
    assert c.events.filter(action="acknowledge").exists()
    assert Notification.objects.filter(key=f"ack:{boss.pk}").exists()
    rows = list(Delivery.objects.order_by("channel"))
    assert [(d.channel, d.status, d.attempts) for d in rows] == [("email", "failed", 1), ("webhook", "failed", 1)]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_once(smtp):
    smtp.start()
    agent = UserFactory(username="agent-w", role="agent")
    people = [UserFactory(username=f"p{i}", email=f"p{i}@example.com") for i in range(4)]
    c = make_complaint(agent, type_code="")
    now = timezone.now()
    for i in range(10):
        tell(people, c, key=f"burst{i}", now=now)
    assert Delivery.objects.count() == 40

    results = []

    def work():
        try:
            results.append(delivery.deliver_due(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(r.sent for r in results) == 40
    assert len(smtp.messages) == 40
    assert all(sum(m["To"] == p.email for m in smtp.messages) == 10 for p in people)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
