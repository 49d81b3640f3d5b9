"""The inbound webhook: other systems send signed complaints to POST /api/v1/inbound/{source}.

What a caller notices: a signed event becomes a complaint (201), the same event id again answers with the
same complaint (200), and anything unsigned, wrongly signed, old or replayed is 401 with nothing stored.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from kesu.channels.inbound.actions import Unauthenticated, do_receive
from kesu.channels.inbound.models import InboundEvent, InboundSource, SpentSignature
from kesu.complaints.models import Complaint, Event
from kesu.notifications.signing import generic_signature

pytestmark = pytest.mark.django_db

URL = "/api/v1/inbound/{}"


def create_source(name="crm", *extra) -> str:
    out = io.StringIO()
    call_command("create_inbound_source", name, *extra, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def body_of(event_id="EV-1", **over) -> bytes:
    data = {
        "external_event_id": event_id,
        "title": "收到的洗衣机外壳破损",
        "description": "快递送到时外壳就有裂纹,要求换货。",
        "customer": {"name": "李四", "phone": "13912345678"},
        "order_no": "TB-20261201-88",
    }
    data.update(over)
    return json.dumps(data, ensure_ascii=False).encode()


def headers_for(secret, raw: bytes, *, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    return {"X-Kesu-Timestamp": stamp, "X-Kesu-Signature": generic_signature(secret, stamp, raw)}


def post(source, raw: bytes, headers: dict[str, str] | None = None, client=None):
    return (client or Client()).post(URL.format(source), raw, content_type="application/json", headers=headers or {})


def nothing_stored():
    assert Complaint.objects.count() == 0
    assert InboundEvent.objects.count() == 0


@pytest.fixture(autouse=True)
def _fresh_failure_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def secret():
    return create_source("crm")


# --- the command ---


def test_the_command_prints_the_secret_on_its_last_line_and_can_rotate_it(secret):
    source = InboundSource.objects.get(name="crm")
    assert source.secret == secret and len(secret) >= 40
    assert source.default_channel == "api" and source.active

    new = create_source("crm", "--rotate")
    assert new != secret
    raw = body_of()
    assert post("crm", raw, headers_for(secret, raw)).status_code == 401  # the old secret is dead
    assert post("crm", raw, headers_for(new, raw)).status_code == 201

    with pytest.raises(CommandError, match="name"):
        create_source("crm")  # taken
    with pytest.raises(CommandError, match="name"):
        create_source("no spaces")
    with pytest.raises(CommandError, match="name"):
        create_source("ghost", "--rotate")


def test_a_12315_source_records_regulator_complaints(db):
    secret = create_source("gov-12315", "--channel", "regulator")
    raw = body_of("12315-0001")
    r = post("gov-12315", raw, headers_for(secret, raw))
    assert r.status_code == 201, r.content
    assert r.json()["channel"] == "regulator"


# --- the happy path and idempotency ---


def test_a_signed_event_creates_a_complaint_and_the_same_event_again_answers_with_it(secret):
    raw = body_of()
    r = post("crm", raw, headers_for(secret, raw))
    assert r.status_code == 201, r.content
    body = r.json()
    complaint = Complaint.objects.get()
    assert body["number"] == complaint.number
    assert body["status"] == "new" and body["channel"] == "api" and body["order_no"] == "TB-20261201-88"
    assert body["customer"]["name"] == "李四"
    assert body["customer"]["phone"] != "13912345678" and body["customer"]["phone"].startswith("139")
    assert body["allowed_actions"] == [] and body["created_by"] is None
    assert complaint.customer.phone == "13912345678"
    create = Event.objects.get(complaint=complaint, action="create")
    assert create.actor is None
    assert create.data["via"] == "inbound"
    assert create.data["source"] == "crm" and create.data["external_event_id"] == "EV-1"
    event = InboundEvent.objects.get()
    assert (event.source.name, event.external_event_id, event.complaint_id) == ("crm", "EV-1", complaint.id)

    # The caller retries later, signing again: the same complaint, nothing new.
    again = post("crm", raw, headers_for(secret, raw, ts=int(time.time()) + 5))
    assert again.status_code == 200 and again.json()["number"] == complaint.number
    # The very same request (same signature) a second time inside the window: also the same complaint.
    headers = headers_for(secret, raw)
    assert post("crm", raw, headers).status_code == 200
    assert post("crm", raw, headers).json()["number"] == complaint.number
    # Even with a changed body: the event id decides.
    changed = body_of(description="完全不同的内容")
    assert post("crm", changed, headers_for(secret, changed)).json()["number"] == complaint.number
    assert Complaint.objects.count() == 1 and InboundEvent.objects.count() == 1


def test_event_ids_are_per_source(secret):
    other = create_source("shop")
    raw = body_of("SAME-ID")
    assert post("crm", raw, headers_for(secret, raw)).status_code == 201
    assert post("shop", raw, headers_for(other, raw)).status_code == 201
    assert Complaint.objects.count() == 2
    # A number as the event id is its text.
    raw = body_of(12345)
    assert post("crm", raw, headers_for(secret, raw)).status_code == 201
    assert InboundEvent.objects.filter(external_event_id="12345").exists()


def test_the_body_is_read_like_post_complaints(secret):
    raw = body_of(
        "EV-full",
        channel="social",
        amount="1299.00",
        quantity=2,
        demand="exchange",
        received_at="2026-12-07T09:00:00+08:00",
        flags=["media"],
    )
    r = post("crm", raw, headers_for(secret, raw))
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["channel"], body["amount"], body["quantity"], body["demand"], body["flags"]) == (
        "social",
        "1299.00",
        2,
        "exchange",
        ["media"],
    )
    assert body["received_at"].startswith("2026-12-07T09:00:00")


# --- refused: 401, nothing stored ---


def test_unsigned_wrongly_signed_old_and_unknown_requests_are_401_and_store_nothing(secret):
    raw = body_of()
    now = int(time.time())
    refused = {
        "no headers": post("crm", raw),
        "no signature": post("crm", raw, {"X-Kesu-Timestamp": str(now)}),
        "no timestamp": post("crm", raw, {"X-Kesu-Signature": headers_for(secret, raw)["X-Kesu-Signature"]}),
        "wrong secret": post("crm", raw, headers_for("not-the-secret", raw)),
        "signature of another body": post("crm", raw, headers_for(secret, body_of("EV-2"))),
        "bare hex": post(
            "crm",
            raw,
            {**headers_for(secret, raw), "X-Kesu-Signature": headers_for(secret, raw)["X-Kesu-Signature"][7:]},
        ),
        "310 s old": post("crm", raw, headers_for(secret, raw, ts=now - 310)),
        "310 s ahead": post("crm", raw, headers_for(secret, raw, ts=int(time.time()) + 310)),
        "timestamp not a number": post(
            "crm",
            raw,
            {"X-Kesu-Timestamp": "soon", "X-Kesu-Signature": generic_signature(secret, "soon", raw)},
        ),
        "unknown source": post("erp", raw, headers_for(secret, raw)),
    }
    for what, r in refused.items():
        assert r.status_code == 401, what
        assert r.json()["error"]["code"] == "unauthenticated", what
    # An unknown source is answered exactly like a wrong signature: nothing tells which sources exist.
    assert refused["unknown source"].json() == refused["wrong secret"].json()
    nothing_stored()
    assert SpentSignature.objects.count() == 0
    # Inside the window is fine.
    assert post("crm", raw, headers_for(secret, raw, ts=now - 250)).status_code == 201


def test_an_inactive_source_is_refused(secret):
    InboundSource.objects.filter(name="crm").update(active=False)
    raw = body_of()
    assert post("crm", raw, headers_for(secret, raw)).status_code == 401
    nothing_stored()


def test_a_captured_request_replayed_after_the_window_is_refused_even_when_it_was_delivered(secret):
    raw = body_of()
    stamp = int(time.time())
    headers = headers_for(secret, raw, ts=stamp)
    sent_at = dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
    args = {"raw_body": raw, "timestamp": headers["X-Kesu-Timestamp"], "signature": headers["X-Kesu-Signature"]}
    from kesu.api.routers.inbound import complaint_input

    first = do_receive("crm", now=sent_at, parse=complaint_input, **args)
    assert first.created
    assert not do_receive("crm", now=sent_at + dt.timedelta(seconds=300), parse=complaint_input, **args).created
    with pytest.raises(Unauthenticated):
        do_receive("crm", now=sent_at + dt.timedelta(seconds=301), parse=complaint_input, **args)
    # A clock running ahead of ours by up to the window is tolerated, not more.
    assert not do_receive("crm", now=sent_at - dt.timedelta(seconds=300), parse=complaint_input, **args).created
    with pytest.raises(Unauthenticated):
        do_receive("crm", now=sent_at - dt.timedelta(seconds=301), parse=complaint_input, **args)
    assert Complaint.objects.count() == 1


def test_a_refused_request_replayed_is_401_while_a_fresh_signature_is_answered_again(secret):
    raw = body_of("EV-bad", customer={"name": "王五"})  # neither phone nor e-mail nor customer id
    headers = headers_for(secret, raw)
    r = post("crm", raw, headers)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "validation_error"
    assert "customer.phone" in r.json()["error"]["fields"]
    nothing_stored()
    # The same captured request again: a replay.
    replay = post("crm", raw, headers)
    assert replay.status_code == 401
    nothing_stored()
    # The caller's own retry signs again and gets the same explanation.
    assert post("crm", raw, headers_for(secret, raw, ts=int(time.time()) + 1)).status_code == 400
    # Once fixed (same event id, new body), it goes through.
    fixed = body_of("EV-bad")
    assert post("crm", fixed, headers_for(secret, fixed)).status_code == 201


# --- bad bodies: 400 naming the field, nothing stored ---


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        ("\ufffe".encode("utf-16"), "body"),
        (json.dumps({"title": "t", "customer": {"name": "n", "phone": "13912345678"}}).encode(), "external_event_id"),
        (body_of(""), "external_event_id"),
        (body_of(True), "external_event_id"),
        (body_of("x" * 201), "external_event_id"),
        (body_of(colour="red"), "colour"),
        (body_of(channel="pigeon"), "channel"),
        (body_of(amount=True), "amount"),
        (body_of(title="", description=""), "title"),
        (body_of(customer={"name": "李四", "phone": "电话"}), "customer.phone"),
        (body_of(type_code="no-such-type"), "type_code"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(secret, raw, field):
    r = post("crm", raw, headers_for(secret, raw))
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    nothing_stored()


def test_a_body_over_a_megabyte_is_413(secret):
    raw = body_of(description="投诉" * 300_000)
    r = post("crm", raw, headers_for(secret, raw))
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
    nothing_stored()


def test_an_address_that_keeps_failing_is_slowed_down(secret, settings):
    settings.KESU_INBOUND_FAILURES_PER_MINUTE = 3
    raw = body_of()
    for _ in range(3):
        assert post("crm", raw, headers_for("guess", raw)).status_code == 401
    r = post("crm", raw, headers_for(secret, raw))
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    nothing_stored()
    cache.clear()  # a minute later
    assert post("crm", raw, headers_for(secret, raw)).status_code == 201


# --- the mapping ---


@pytest.fixture
def mall_secret(db):
    secret = create_source("mall")
    source = InboundSource.objects.get(name="mall")
    source.field_map = {
        "title": "subject",
        "description": "content",
        "customer.name": "buyer.nick",
        "customer.phone": "buyer.mobile",
        "order_no": "order.id",
        "product": "order.items.0.name",
        "external_event_id": "ticket_id",
    }
    source.fixed_values = {"flags": ["regulator"], "demand": "refund"}
    source.default_channel = "social"
    source.full_clean()
    source.save()
    return secret


def test_a_mapped_source_sends_its_own_json(mall_secret):
    data = {
        "ticket_id": 880001,
        "subject": "退款一直不到账",
        "content": "申请退款七天了还没到账。",
        "buyer": {"nick": "小王", "mobile": 13700001111, "level": "gold"},
        "order": {"id": "E-9", "items": [{"name": "空气净化器", "sku": "AP-1"}]},
        "shop": "旗舰店",
        "demand": "apology",
    }
    raw = json.dumps(data, ensure_ascii=False).encode()
    r = post("mall", raw, headers_for(mall_secret, raw))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["title"] == "退款一直不到账" and body["order_no"] == "E-9" and body["product"] == "空气净化器"
    assert body["channel"] == "social" and body["flags"] == ["regulator"] and body["demand"] == "refund"
    complaint = Complaint.objects.get()
    assert complaint.customer.phone == "13700001111" and complaint.customer.name == "小王"
    assert InboundEvent.objects.get().external_event_id == "880001"

    # Errors name the caller's own fields.
    bad = json.dumps({**data, "ticket_id": 880002, "buyer": {"nick": "小王", "mobile": "打电话"}}).encode()
    r = post("mall", bad, headers_for(mall_secret, bad))
    assert r.status_code == 400 and "buyer.mobile" in r.json()["error"]["fields"]
    no_id = json.dumps({k: v for k, v in data.items() if k != "ticket_id"}).encode()
    r = post("mall", no_id, headers_for(mall_secret, no_id))
    assert r.status_code == 400 and "ticket_id" in r.json()["error"]["fields"]
    assert Complaint.objects.count() == 1


def test_the_mapping_names_a_bad_key():
    source = InboundSource(name="x", secret="s", field_map={"titel": "subject"})
    with pytest.raises(ValidationError) as exc:
        source.full_clean()
    assert "titel" in str(exc.value.message_dict["field_map"])
    source = InboundSource(name="x", secret="s", field_map={"title": ""}, fixed_values={"customer.nme": "a"})
    with pytest.raises(ValidationError) as exc:
        source.full_clean()
    assert "title" in str(exc.value.message_dict["field_map"])
    assert "customer.nme" in str(exc.value.message_dict["fixed_values"])


# --- the admin ---


def test_the_admin_adds_a_source_shows_its_secret_once_and_previews_a_mapping(client, users):
    client.force_login(users["admin"])
    form = {
        "name": "callcentre",
        "description": "呼叫中心",
        "active": "on",
        "default_channel": "phone",
        "field_map": json.dumps({"title": "subject", "customr.phone": "caller"}),
        "fixed_values": "{}",
        "sample": "",
    }
    r = client.post("/admin/channels_inbound/inboundsource/add/", form)
    assert r.status_code == 200 and "customr.phone" in r.content.decode()
    assert not InboundSource.objects.exists()

    form["field_map"] = json.dumps({"title": "subject", "customer.phone": "caller", "external_event_id": "call_id"})
    form["sample"] = json.dumps({"call_id": "C-1", "subject": "来电投诉", "caller": "13600000000"})
    r = client.post("/admin/channels_inbound/inboundsource/add/", form, follow=True)
    assert r.status_code == 200
    source = InboundSource.objects.get(name="callcentre")
    page = r.content.decode()
    assert source.secret in page
    assert "来电投诉" in page and "13600000000" in page and "&quot;channel&quot;: &quot;phone&quot;" in page
    change = client.get(f"/admin/channels_inbound/inboundsource/{source.pk}/change/").content.decode()
    assert source.secret not in change
    assert client.get("/admin/channels_inbound/inboundevent/").status_code == 200

    r = client.post(
        "/admin/channels_inbound/inboundsource/",
        {"action": "rotate_secret", "_selected_action": [source.pk]},
        follow=True,
    )
    source.refresh_from_db()
    assert source.secret_changed_at is not None and source.secret in r.content.decode()
