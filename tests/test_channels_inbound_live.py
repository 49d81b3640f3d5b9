"""The inbound webhook driven from outside, through a real socket: urllib against a live server.

Concurrency: the same signed event sent twice at the same moment (a caller's retry racing its first try)
stores one complaint; both callers get it back.
"""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from kesu.channels.inbound.models import InboundEvent
from kesu.complaints.models import Complaint
from kesu.notifications.signing import generic_signature

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secret(transactional_db):
    cache.clear()
    out = io.StringIO()
    call_command("create_inbound_source", "ecommerce", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def send(url: str, raw: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=raw, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def signed(secret: str, raw: bytes, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    return {"X-Kesu-Timestamp": stamp, "X-Kesu-Signature": generic_signature(secret, stamp, raw)}


def body(event_id: str) -> bytes:
    return json.dumps(
        {
            "external_event_id": event_id,
            "title": "订单未按时发货",
            "description": "下单一周仍未发货,客服不回复。",
            "customer": {"name": "赵六", "phone": "13511112222", "email": "zhao@example.com"},
            "order_no": "JD-7788",
        },
        ensure_ascii=False,
    ).encode()


def test_through_a_real_socket(live_server, secret):
    url = f"{live_server.url}/api/v1/inbound/ecommerce"
    raw = body("ORDER-7788-1")

    status, created = send(url, raw, signed(secret, raw))
    assert status == 201, created
    assert created["customer"]["email"] != "zhao@example.com"  # masked for the calling system
    status, again = send(url, raw, signed(secret, raw, ts=int(time.time()) + 1))
    assert (status, again["number"]) == (200, created["number"])

    for headers in ({}, signed("wrong", raw), signed(secret, raw, ts=int(time.time()) - 600)):
        status, refused = send(url, body("ORDER-7788-2"), headers)
        assert status == 401 and refused["error"]["code"] == "unauthenticated"
    status, _ = send(f"{live_server.url}/api/v1/inbound/nobody", raw, signed(secret, raw))
    assert status == 401
    assert Complaint.objects.count() == 1 and InboundEvent.objects.count() == 1


def test_the_same_event_sent_twice_at_once_stores_one_complaint(live_server, secret):
    url = f"{live_server.url}/api/v1/inbound/ecommerce"
    raw = body("ORDER-RACE")
    n = 4
    barrier = threading.Barrier(n)
    results: list = [None] * n
    headers = signed(secret, raw)  # the same request, byte for byte

    def target(i):
        try:
            barrier.wait(timeout=30)
            results[i] = send(url, raw, headers)
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    for result in results:
        assert isinstance(result, tuple), result
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (n - 1) + [201], results
    assert len({answer["number"] for _, answer in results}) == 1
    assert Complaint.objects.count() == 1
    assert InboundEvent.objects.count() == 1
