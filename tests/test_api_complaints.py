"""POST/GET /api/v1/complaints: the complaint object, input checking, idempotency, lists and search."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from kesu.complaints.models import Complaint, Customer, Event, IdempotencyKey
from tests.factories import advance, make_complaint

COMPLAINT_KEYS = {
    "number",
    "status",
    "type_code",
    "severity",
    "priority",
    "level",
    "justified",
    "owner",
    "department",
    "collaborators",
    "customer",
    "amount",
    "repeat_count",
    "rule_hits",
    "deadlines",
    "satisfaction",
    "created_at",
    "updated_at",
    "version",
}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$")


def body(**overrides):
    data = {
        "title": "冰箱漏水",
        "description": "买了三天的冰箱一直漏水,地板都泡了。",
        "channel": "phone",
        "customer": {"name": "张三", "phone": "13812341234"},
        "type_code": "quality",
        "product": "海尔冰箱 BCD-470",
        "product_code": "BCD470",
        "batch_no": "B2026-1108",
        "order_no": "JD10086",
        "amount": "5200.00",
        "demand": "exchange",
        "flags": ["safety"],
    }
    data.update(overrides)
    return data


def test_create_returns_201_with_the_complaint_object(api):
    r = api("agent").post("/complaints", body())
    assert r.status_code == 201, r.content
    c = r.json()
    assert set(c) >= COMPLAINT_KEYS
    assert re.fullmatch(r"KS-\d{8}-\d{5}", c["number"])
    assert c["number"][3:11] == timezone.localdate().strftime("%Y%m%d")
    assert c["status"] == "new"
    assert c["type_code"] == "quality"
    assert c["amount"] == "5200.00"
    assert c["version"] == 1
    assert (c["owner"], c["department"], c["collaborators"]) == (None, None, [])
    assert (c["justified"], c["satisfaction"], c["repeat_count"]) == (None, None, 0)
    assert isinstance(c["rule_hits"], list)
    assert isinstance(c["deadlines"], list)
    assert c["customer"]["name"] == "张三"
    assert c["customer"]["phone"] == "138****1234"
    assert c["flags"] == ["safety"]
    assert (c["product"], c["batch_no"], c["order_no"]) == ("海尔冰箱 BCD-470", "B2026-1108", "JD10086")
    for key in ("created_at", "updated_at", "received_at"):
        assert ISO_WITH_OFFSET.match(c[key]), (key, c[key])
    assert c["created_by"] == "agent"
    # Stored as the API says, and the creation is on the timeline.
    assert api("agent").get(f"/complaints/{c['number']}").json() == c
    [created] = api("agent").get(f"/complaints/{c['number']}/events").json()
    assert (created["action"], created["actor"], created["to_status"]) == ("create", "agent", "new")


@pytest.mark.parametrize(("sent", "stored"), [("5200", "5200.00"), (5200.5, "5200.50"), (0, "0.00"), (None, None)])
def test_amounts_are_decimal_strings(api, sent, stored):
    r = api("agent").post("/complaints", body(amount=sent))
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == stored


def test_received_at_can_be_back_dated(api):
    received = (timezone.localtime() - dt.timedelta(hours=5)).replace(microsecond=0)
    r = api("agent").post("/complaints", body(received_at=received.isoformat()))
    assert r.status_code == 201, r.content
    assert dt.datetime.fromisoformat(r.json()["received_at"]) == received
    assert r.json()["received_at"].endswith("+08:00")
    assert dt.datetime.fromisoformat(r.json()["created_at"]) > received


def test_received_at_in_another_offset_is_shown_in_china_time(api):
    r = api("agent").post("/complaints", body(received_at="2024-03-01T01:30:00Z"))
    assert r.status_code == 201, r.content
    assert r.json()["received_at"] == "2024-03-01T09:30:00+08:00"


def test_description_alone_is_enough_and_gives_the_title(api):
    r = api("agent").post("/complaints", body(title=None, description="快递三天未到\n第二行"))
    assert r.status_code == 201, r.content
    assert r.json()["title"] == "快递三天未到"


@pytest.mark.parametrize("contact", [{"phone": "13800000000"}, {"email": "a@b.cn"}, {"external_id": "CRM-1"}])
def test_any_one_contact_is_enough(api, contact):
    r = api("agent").post("/complaints", body(customer={"name": "张三", **contact}))
    assert r.status_code == 201, r.content


def refused_create(client, data, status, code, field=None, headers=None):
    complaints, customers, events = Complaint.objects.count(), Customer.objects.count(), Event.objects.count()
    r = client.post("/complaints", data, headers=headers)
    assert r.status_code == status, r.content
    error = r.json()["error"]
    assert error["code"] == code, error
    if field:
        assert field in error["fields"], error
        assert all(error["fields"][field]), error
    assert (Complaint.objects.count(), Customer.objects.count(), Event.objects.count()) == (
        complaints,
        customers,
        events,
    )
    return error


def _without(data, *path):
    data = {**data, "customer": {**data["customer"]}}
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return data


BAD_INPUT = [
    (_without(_without(body(), "title"), "description"), "title"),
    (body(title="  ", description=""), "title"),
    (_without(body(), "channel"), "channel"),
    (_without(body(), "customer", "name"), "customer.name"),
    (body(customer={"name": " ", "phone": "13800000000"}), "customer.name"),
    (_without(body(), "customer"), "customer"),
    (body(customer={"name": "张三"}), "customer.phone"),
    (body(customer={"name": "张三", "phone": "call me"}), "customer.phone"),
    (body(customer={"name": "张三", "email": "not-an-email"}), "customer.email"),
    (body(customer={"name": "张三", "phone": "13800000000", "kind": "alien"}), "customer.kind"),
    (body(amount="abc"), "amount"),
    (body(amount="-1"), "amount"),
    (body(amount=-5), "amount"),
    (body(amount="12.345"), "amount"),
    (body(amount="NaN"), "amount"),
    (body(amount=[1]), "amount"),
    (body(type_code="no_such_type"), "type_code"),
    (body(flags=["safety", "aliens"]), "flags"),
    (body(channel="pigeon"), "channel"),
    (body(demand="everything"), "demand"),
    (body(received_at="yesterday"), "received_at"),
    (body(received_at=(timezone.now() + dt.timedelta(days=1)).isoformat()), "received_at"),
    (body(quantity=-3), "quantity"),
    (body(title="长" * 201), "title"),
    (body(unknown_field=1), "unknown_field"),
]


def test_bad_input_is_refused_naming_the_field(api):
    for data, field in BAD_INPUT:
        error = refused_create(api("agent"), data, 400, "validation_error")
        assert any(name == field or name.startswith(field + ".") for name in error["fields"]), (field, error)


def test_all_field_errors_are_reported_together(api):
    error = refused_create(
        api("agent"), body(amount="-1", type_code="nope", customer={"name": "张三"}), 400, "validation_error"
    )
    assert {"amount", "type_code", "customer.phone"} <= set(error["fields"])


def test_roles_that_do_not_record_complaints_are_refused(api):
    refused_create(api("archivist"), body(), 403, "forbidden")


def test_idempotency_key_replays_the_first_complaint(api):
    agent = api("agent")
    first = agent.post("/complaints", body(), headers={"Idempotency-Key": "crm-4711"})
    assert first.status_code == 201, first.content
    again = agent.post("/complaints", body(), headers={"Idempotency-Key": "crm-4711"})
    assert again.status_code == 200, again.content
    assert again.json()["number"] == first.json()["number"]
    assert Complaint.objects.count() == 1
    assert Event.objects.count() == 1

    refused_create(agent, body(title="另一件事"), 422, "idempotency_mismatch", headers={"Idempotency-Key": "crm-4711"})
    # A new key is a new complaint; a key is the caller's own, another user may use the same one.
    assert agent.post("/complaints", body(), headers={"Idempotency-Key": "crm-4712"}).status_code == 201
    assert api("agent2").post("/complaints", body(), headers={"Idempotency-Key": "crm-4711"}).status_code == 201
    assert Complaint.objects.count() == 3
    assert IdempotencyKey.objects.count() == 3


def test_without_idempotency_key_each_post_is_a_new_complaint(api):
    a = api("agent").post("/complaints", body()).json()["number"]
    b = api("agent").post("/complaints", body()).json()["number"]
    assert a != b


def test_an_overlong_idempotency_key_is_refused(api):
    refused_create(
        api("agent"), body(), 400, "validation_error", "Idempotency-Key", headers={"Idempotency-Key": "k" * 201}
    )


def test_the_customer_is_found_again_by_phone(api):
    agent = api("agent")
    first = agent.post("/complaints", body(customer={"name": "张三", "phone": "13812341234"})).json()
    second = agent.post(
        "/complaints", body(title="又漏水了", customer={"name": "张先生", "phone": "13812341234", "email": "z@x.cn"})
    ).json()
    assert Customer.objects.count() == 1
    a, b = Complaint.objects.get(number=first["number"]), Complaint.objects.get(number=second["number"])
    assert a.customer_id == b.customer_id
    customer = Customer.objects.get()
    assert customer.email == "z@x.cn"  # what was missing is filled in
    assert customer.relationship == "existing"
    assert second["customer"]["name"] == "张三"


# ---------------------------------------------------------------------------------------------
# Lists


def numbers(response):
    assert response.status_code == 200, response.content
    return [c["number"] for c in response.json()["items"]]


@pytest.fixture
def variety(users):
    agent, admin = users["agent"], users["admin"]
    from kesu.complaints import actions

    def triaged(**kwargs):
        c = advance(make_complaint(agent, **kwargs.pop("make", {})), admin, "acknowledged")
        actions.do_triage(c, actor=admin, now=timezone.now(), **kwargs)
        c.refresh_from_db()
        return c

    return {
        "a_urgent": triaged(severity="A", priority="urgent"),
        "b_routine": triaged(severity="B", priority="routine", make={"type_code": "service"}),
        "prod": advance(make_complaint(agent), admin, "assigned", department="PROD"),
        "log": advance(make_complaint(agent, type_code="delivery"), admin, "assigned", department="LOG"),
        "new": make_complaint(agent),
    }


LIST_FILTERS = [
    ({"severity": "A"}, ["a_urgent"]),
    ({"priority": "routine"}, ["b_routine"]),
    ({"type_code": "service"}, ["b_routine"]),
    ({"type_code": "delivery"}, ["log"]),
    ({"department": "LOG"}, ["log"]),
    ({"owner": "handler"}, ["prod"]),
    ({"owner": "handler_log"}, ["log"]),
    ({"status": "new"}, ["new"]),
    ({"status": "triaged"}, ["a_urgent", "b_routine"]),
    ({"status": "assigned,new"}, ["prod", "log", "new"]),
    ({"status": "closed"}, []),
    ({"severity": "A", "priority": "routine"}, []),
    ({"overdue": "true"}, []),
]


def test_list_filters(api, variety):
    for params, expected in LIST_FILTERS:
        got = numbers(api("agent").get("/complaints", **params))
        assert sorted(got) == sorted(variety[name].number for name in expected), params


def test_list_is_newest_first(api, variety):
    got = numbers(api("agent").get("/complaints"))
    assert got == sorted((c.number for c in variety.values()), reverse=True)


def test_cursor_pagination_walks_every_item_exactly_once(api, users):
    made = {make_complaint(users["agent"]).number for _ in range(7)}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"page_size": 3, **({"cursor": cursor} if cursor else {})}
        r = api("agent").get("/complaints", **params)
        page = numbers(r)
        assert len(page) <= 3
        seen += page
        pages += 1
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == made
    # New complaints arriving meanwhile do not shift the pages already handed out.
    first = api("agent").get("/complaints", page_size=3)
    make_complaint(users["agent"])
    second = api("agent").get("/complaints", page_size=3, cursor=first.json()["next_cursor"])
    assert not set(numbers(first)) & set(numbers(second))


def test_an_exactly_full_last_page_has_no_next_cursor(api, users):
    for _ in range(4):
        make_complaint(users["agent"])
    r = api("agent").get("/complaints", page_size=4)
    assert len(numbers(r)) == 4
    assert r.json()["next_cursor"] is None


BAD_LIST_PARAMETERS = [
    ({"page_size": 201}, "page_size"),
    ({"page_size": 0}, "page_size"),
    ({"page_size": "many"}, "page_size"),
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"cursor": "aWQ6eHl6"}, "cursor"),  # "id:xyz"
    ({"cursor": "%%%"}, "cursor"),
    ({"overdue": "perhaps"}, "overdue"),
]


def test_bad_list_parameters_are_400(api, complaint):
    for params, field in BAD_LIST_PARAMETERS:
        r = api("agent").get("/complaints", **params)
        assert r.status_code == 400, (params, r.content)
        error = r.json()["error"]
        assert error["code"] == "validation_error"
        assert field in error["fields"], (params, error)


def test_page_size_200_is_allowed(api, complaint):
    assert numbers(api("agent").get("/complaints", page_size=200)) == [complaint.number]


# ---------------------------------------------------------------------------------------------
# Full-text search


@pytest.fixture
def searchable(users):
    from kesu.complaints.actions import CustomerInput

    return {
        "description": make_complaint(users["agent"], title="售后问题", description="洗衣机底部漏水严重"),
        "customer": make_complaint(
            users["agent"],
            title="送货慢",
            description="等了一周",
            customer=CustomerInput(name="欧阳娜娜", phone="13911112222"),
        ),
        "product": make_complaint(users["agent"], title="噪音", description="声音大", product="格力空调KFR-35"),
        "batch": make_complaint(users["agent"], title="异味", description="有味道", batch_no="LOT20261101"),
        "order": make_complaint(users["agent"], title="少件", description="少了配件", order_no="TB889900"),
        "other": make_complaint(users["agent"], title="态度差", description="客服挂电话"),
    }


SEARCHES = [
    ("漏水", ["description"]),
    ("娜娜", ["customer"]),
    ("空调", ["product"]),
    ("kfr-35", ["product"]),
    ("lot20261101", ["batch"]),
    ("TB889900", ["order"]),
    ("889900", ["order"]),
    ("态度", ["other"]),
    ("漏水 底部", ["description"]),
    ("漏水 空调", []),
    ("冰箱", []),
]


def test_q_finds_words_in_text_customer_product_batch_and_order(api, searchable):
    for q, expected in SEARCHES:
        got = numbers(api("agent").get("/complaints", q=q))
        assert sorted(got) == sorted(searchable[name].number for name in expected), q


def test_q_finds_a_complaint_by_its_number(api, searchable):
    number = searchable["other"].number
    assert numbers(api("agent").get("/complaints", q=number)) == [number]


def test_q_treats_like_wildcards_literally(api, searchable):
    assert numbers(api("agent").get("/complaints", q="%")) == []
    assert numbers(api("agent").get("/complaints", q="_")) == []
