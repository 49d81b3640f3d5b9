"""Recording a complaint, the fast way: what the intake reads, writes and computes, and that it still means the same.

The intake reads the configuration and analyses the text before it takes SQLite's write lock, then writes the
complaint once (classified, with its next deadline), and its events, deadlines and repeat links one insert each.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints import actions, writequeue
from kesu.complaints.models import Complaint, Event
from kesu.notifications.models import Notification
from kesu.rules.classify import classify, triage_suggestion
from kesu.sla import clocks
from kesu.sla.models import Deadline

pytestmark = pytest.mark.django_db

# One API create of a level-1 complaint of a new customer without product code or batch, authentication and the
# answer included (14 on SQLite and PostgreSQL; 23/24 before the configuration was cached, 36 before the intake was
# reworked): the token; the configuration stamp (kesu.core.config: the configuration itself is cached per process);
# in the transaction the customer (looked up, inserted in a savepoint), the repeats, the number, the complaint, its
# events and deadlines one insert each (early warning has no group to look at: a new customer, no product code or
# batch); the answer reads the complaint back once.
# +3 since the answer carries the complaint's followers, links and service orders (one query each).
MAX_QUERIES_API_CREATE = 17


@pytest.fixture
def service(playbook, users):
    playbook("service")
    return users


def body(**overrides):
    data = {
        "title": "热水器漏电",
        "description": "洗澡时热水器外壳麻手，家里有小孩，太危险了，再不处理就打12315投诉。",
        "channel": "phone",
        "customer": {"name": "王女士", "phone": "13911112222"},
        "amount": "6000.00",
    }
    data.update(overrides)
    return data


def writes(queries, table: str) -> dict[str, int]:
    counts = {"INSERT": 0, "UPDATE": 0}
    for q in queries:
        sql = q["sql"].lstrip().upper()
        for verb in counts:
            if sql.startswith(verb) and f'"{table.upper()}"' in sql.split("(")[0].split(" SET ")[0]:
                counts[verb] += 1
    return counts


def test_an_api_create_writes_the_complaint_once_and_each_kind_of_row_in_one_insert(service, api):
    client = api("agent")
    client.post("/complaints", body(customer={"name": "热身", "phone": "13900000001"}))  # token, caches
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/complaints", body())
    assert r.status_code == 201, r.content
    queries = ctx.captured_queries
    assert writes(queries, "complaints_complaint") == {"INSERT": 1, "UPDATE": 1}  # the update: major_round (urgent)
    assert writes(queries, "complaints_event")["INSERT"] == 1 + 1  # create; major_reported
    assert writes(queries, "sla_deadline") == {"INSERT": 1, "UPDATE": 0}
    stored = Complaint.objects.get(number=r.json()["number"])
    assert [e.action for e in Event.objects.filter(complaint=stored).order_by("id")] == ["create", "major_reported"]


def test_a_level_one_create_updates_nothing_after_inserting(service, api):
    client = api("agent")
    quiet = body(title="发票开晚了", description="申请的电子发票过了三天才收到。", amount=None)
    client.post("/complaints", quiet | {"customer": {"name": "热身", "phone": "13900000001"}})
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/complaints", quiet)
    assert r.status_code == 201, r.content
    queries = ctx.captured_queries
    assert len(queries) <= MAX_QUERIES_API_CREATE, "\n".join(q["sql"][:120] for q in queries)
    assert writes(queries, "complaints_complaint") == {"INSERT": 1, "UPDATE": 0}
    assert r.json()["level"] in (None, 1)


def test_the_classification_is_what_the_rules_give_for_the_stored_complaint(service, api):
    r = api("agent").post("/complaints", body())
    assert r.status_code == 201, r.content
    answer = r.json()
    c = Complaint.objects.select_related("customer", "category").get(number=answer["number"])
    stored = (c.severity, c.priority, c.level, list(c.flags))
    # The facts as they were at intake: nothing classified yet, no flag the rules added.
    c.severity, c.priority, c.level, c.flags = "", "", None, []
    suggestion = triage_suggestion(c)
    again = classify(c, suggestion=suggestion)
    c.severity, c.priority, c.level, c.flags = stored
    assert (c.severity, c.priority, c.level) == (
        again.values.get("severity", ""),
        again.values.get("priority", ""),
        again.values.get("level"),
    )
    assert c.flags == list(dict.fromkeys(again.values.get("flags", [])))
    assert c.rule_hits == again.hits and answer["rule_hits"] == again.hits
    assert c.suggestion == again.suggestion()
    assert c.priority == "urgent" and answer["priority"] == "urgent"  # safety and a regulator threat
    assert c.type_code == suggestion["type_code"]  # recorded without a type: it takes the suggested one
    assert "safety" in c.flags


def test_the_deadlines_are_those_the_clocks_start_on_create(service, api):
    r = api("agent").post("/complaints", body())
    answer = r.json()
    c = Complaint.objects.select_related("customer", "category").get(number=answer["number"])
    made = sorted((d.clock, d.started_at, d.due_at, d.remind_at) for d in Deadline.objects.filter(complaint=c))
    assert made
    shown = sorted((d["clock"], dt.datetime.fromisoformat(d["due_at"])) for d in answer["deadlines"])
    assert [clock for clock, _due in shown] == [clock for clock, *_rest in made]
    assert all(abs(due - m[2]) < dt.timedelta(milliseconds=1) for (_c, due), m in zip(shown, made, strict=True))
    # The same clocks, timed the same, as the general clock code starts for a complaint without any.
    Deadline.objects.filter(complaint=c).delete()
    clocks.on_events(c, ("create", "classified"), now=c.created_at)
    again = sorted((d.clock, d.started_at, d.due_at, d.remind_at) for d in Deadline.objects.filter(complaint=c))
    assert again == made
    c.refresh_from_db()
    assert c.next_due_at == min(due for _c, _s, due, _r in made)
    assert abs(dt.datetime.fromisoformat(answer["next_due_at"]) - c.next_due_at) < dt.timedelta(milliseconds=1)


def test_repeats_are_linked_both_ways_and_counted_by_customer_and_by_order(service, users):
    agent = users["agent"]
    now = timezone.now()

    def create(name, phone, **kw):
        data = actions.ComplaintInput(
            channel="phone",
            customer=actions.CustomerInput(name=name, phone=phone),
            title="冰箱不制冷",
            description="新买的冰箱冷藏室不制冷。",
            **kw,
        )
        return actions.do_create(data, actor=agent, now=now)[0]

    first = create("李先生", "13922223333", product_code="BCD-520")
    other = create("钱先生", "13944445555", product_code="BCD-520")  # another customer, no order
    ordered = create("周先生", "13977778888", order_no="SO-1")
    second = create("李先生", "13922223333", product_code="BCD-520")  # the same customer and product as `first`
    same_order = create("赵女士", "13988889999", order_no="SO-1")  # another customer, the same order
    assert other.repeat_count == 0 and ordered.repeat_count == 0
    assert second.repeat_count == 1
    assert set(second.linked.values_list("number", flat=True)) == {first.number}
    assert set(first.linked.values_list("number", flat=True)) == {second.number}  # both ways
    assert same_order.repeat_count == 1
    assert set(same_order.linked.values_list("number", flat=True)) == {ordered.number}
    created = Event.objects.get(complaint=second, action="create")
    assert created.data["repeat_of"] == [first.number]


def test_a_repeat_count_stops_at_the_window(service, users):
    agent = users["agent"]
    now = timezone.now()

    def create(received):
        return actions.do_create(
            actions.ComplaintInput(
                channel="phone",
                customer=actions.CustomerInput(name="孙先生", phone="13912121212"),
                title="洗衣机异响",
                description="洗衣机脱水时异响。",
                product_code="XQG100",
                received_at=received,
            ),
            actor=agent,
            now=now,
        )[0]

    create(now - dt.timedelta(days=120))  # outside the service playbook's 90 days
    inside = create(now - dt.timedelta(days=30))
    latest = create(now)
    assert latest.repeat_count == 1
    assert list(latest.linked.values_list("number", flat=True)) == [inside.number]


def test_a_serious_create_still_tells_the_tier_and_leadership_at_once(service, api, users):
    r = api("agent").post("/complaints", body())
    assert r.status_code == 201, r.content
    c = Complaint.objects.get(number=r.json()["number"])
    kinds = set(Notification.objects.filter(complaint=c).values_list("kind", flat=True))
    assert "major_complaint" in kinds  # urgent: the director and the manager
    told = set(
        Notification.objects.filter(complaint=c, kind="major_complaint").values_list("user__username", flat=True)
    )
    assert {"director", "manager"} <= told
    assert c.major_round == c.round


def test_an_unknown_type_is_refused_before_anything_is_written(service, api):
    before = Complaint.objects.count()
    r = api("agent").post("/complaints", body(type_code="nonsense"))
    assert r.status_code == 400, r.content
    assert "type_code" in r.json()["error"]["fields"]
    assert Complaint.objects.count() == before


def test_a_changed_rule_applies_to_the_next_create(service, api, users):
    """The cached configuration follows an edit at once (kesu.core.config)."""
    from kesu.rules.models import Rule, RuleSet
    from kesu.rules.versions import next_version

    client = api("agent")
    quiet = body(title="发票开晚了", description="申请的电子发票过了三天才收到。", amount=None)
    first = client.post("/complaints", quiet).json()
    assert first["priority"] != "urgent"
    ruleset = RuleSet.objects.get(active=True)
    new = next_version(ruleset, actor=users["admin"], note="test")
    Rule.objects.create(
        ruleset=new,
        code="invoice_urgent",
        name="发票",
        order=0,
        when={"text_any": ["发票"]},
        then={"priority": "urgent"},
    )
    second = client.post("/complaints", quiet | {"customer": {"name": "王女士", "phone": "13933334444"}}).json()
    assert second["priority"] == "urgent"
    assert any(h["rule"] == "invoice_urgent" for h in second["rule_hits"])


@pytest.mark.django_db(transaction=True)
def test_intakes_take_turns_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("the intake queue is for SQLite's one write lock")
    inside = threading.Event()
    release = threading.Event()
    entered: list[float] = []

    def first():
        with writequeue.turn():
            inside.set()
            release.wait(5)
        connection.close()

    def second():
        inside.wait(5)
        with writequeue.turn():
            entered.append(time.monotonic())
        connection.close()

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    b.start()
    inside.wait(5)
    time.sleep(0.2)
    assert entered == []  # waiting for the first to finish
    released = time.monotonic()
    release.set()
    a.join(5)
    b.join(5)
    assert entered and entered[0] >= released


def test_the_queue_is_not_taken_inside_a_transaction():
    # pytest-django runs this test in a transaction: an intake nested in one must not wait for another intake
    # (which would be waiting for the database lock this connection holds).
    assert connection.in_atomic_block
    with writequeue.turn(), writequeue.turn():
        pass
