"""Classification at intake and at triage, playbook by playbook: each criterion on its own, with its reason.

The criteria are driven by flags and structured fields. The few cases that depend on words in the text
say so in their name; the text analyser itself is tested elsewhere and is replaced by a stub where a
rule reads one of its risks.
"""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Event
from kesu.rules import classify as classify_module
from kesu.rules import feedback
from kesu.rules.models import TermFeedback
from kesu.rules.risk import RiskHit

_phones = itertools.count(13700000001)
NEUTRAL_TITLE = "外壳颜色与样品不一致"  # words no rule or risk is about


def create(actor, *, customer=None, received_at=None, **fields):
    """A complaint recorded through the create action; `customer` is a dict of CustomerInput fields."""
    customer = {"name": "李先生", "phone": str(next(_phones)), **(customer or {})}
    fields.setdefault("title", NEUTRAL_TITLE)
    fields.setdefault("channel", "phone")
    fields.setdefault("type_code", "quality")
    data = actions.ComplaintInput(customer=actions.CustomerInput(**customer), received_at=received_at, **fields)
    complaint, _created = actions.do_create(data, actor=actor, now=timezone.now())
    return complaint


def hit_codes(complaint):
    return [h["rule"] for h in complaint.rule_hits]


@pytest.fixture
def risks(monkeypatch):
    """risks({"emotional": "气死我了"}) → the text analyser reports these risks for every text."""

    def install(found):
        hits = [RiskHit(risk=risk, term=term, start=0, reason=f"“{term}”") for risk, term in found.items()]
        monkeypatch.setattr(classify_module, "analyse", lambda text, disabled_terms=frozenset(): list(hits))

    return install


# -- the complaint object through the API ----------------------------------------------------------


def test_the_api_complaint_carries_classification_repeats_rule_hits_and_deadlines(api, playbook):
    playbook("manufacturing")
    body = {
        "title": NEUTRAL_TITLE,
        "channel": "phone",
        "customer": {"name": "张三", "phone": "13812341234"},
        "type_code": "quality",
        "product_code": "BCD470",
        "amount": "5200.00",
    }
    r = api("agent").post("/complaints", body)
    assert r.status_code == 201, r.content
    created = r.json()
    got = api("agent").get(f"/complaints/{created['number']}").json()
    for c in (created, got):
        assert (c["severity"], c["priority"], c["level"]) == ("A", None, None)
        assert c["repeat_count"] == 0
        assert c["rule_hits"] == [
            {"rule": "amount_ge_5000", "result": {"severity": "A"}, "reason": "可能造成公司损失≥5000元(¥5200.00)"}
        ]
        clocks = {d["clock"]: d for d in c["deadlines"]}
        assert {"relay", "first_response", "classification", "assignment", "customer_contact", "initial_report"} == set(
            clocks
        )
        assert set(clocks["first_response"]) == {
            "clock",
            "name",
            "name_en",
            "started_at",
            "due_at",
            "met_at",
            "breached",
            "breached_at",
            "paused",
            "stopped",
        }
        assert (clocks["first_response"]["name"], clocks["first_response"]["name_en"]) == ("首次响应", "First response")
        assert clocks["first_response"]["met_at"] is None
        assert clocks["first_response"]["breached"] is False and clocks["first_response"]["paused"] is False
        assert c["next_due_at"] == min(d["due_at"] for d in c["deadlines"])
    assert got == created | {"allowed_actions": got["allowed_actions"]}

    again = api("agent").post("/complaints", body).json()  # same customer, same product code
    assert again["repeat_count"] == 1
    assert "repeat_b_3" not in [h["rule"] for h in again["rule_hits"]]


# -- manufacturing: A/B ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"flags": ["line_stop"]}, "line_stop"),
        ({"flags": ["batch"]}, "batch_quality"),
        ({"amount": "5000"}, "amount_ge_5000"),
        ({"amount": "5000.00"}, "amount_ge_5000"),
        ({"flags": ["rohs_reach"]}, "rohs_reach"),
    ],
)
def test_manufacturing_each_a_criterion_alone_makes_class_a(users, playbook, fields, rule):
    playbook("manufacturing")
    c = create(users["agent"], **fields)
    assert c.severity == "A"
    assert hit_codes(c) == [rule]
    assert c.rule_hits[0]["reason"]
    assert c.suggestion["severity"] == "A"
    assert c.suggestion["reasons"]["severity"] == c.rule_hits[0]["reason"]


@pytest.mark.parametrize("fields", [{}, {"amount": "4999.99"}, {"flags": ["media"]}, {"channel": "regulator"}])
def test_manufacturing_otherwise_class_b(users, playbook, fields):
    playbook("manufacturing")
    c = create(users["agent"], **fields)
    assert c.severity == "B"
    assert hit_codes(c) == ["class_b"]
    assert c.flags == fields.get("flags", [])


def test_manufacturing_rohs_named_in_the_text_is_class_a_depends_on_text(users, playbook):
    playbook("manufacturing")
    c = create(users["agent"], title="第三方检测RoHS不合格")
    assert c.severity == "A"
    assert hit_codes(c) == ["rohs_reach"]
    assert "rohs_reach" in c.flags


def test_manufacturing_the_third_occurrence_of_the_same_b_problem_is_class_a(users, playbook):
    playbook("manufacturing")
    agent = users["agent"]
    customer = {"name": "一汽配套部", "phone": "13911112222", "kind": "business"}
    t0 = timezone.now() - dt.timedelta(days=200)

    def occurrence(days, **fields):
        fields = {"product_code": "BRK-220", **fields}
        return create(agent, customer=customer, received_at=t0 + dt.timedelta(days=days), **fields)

    first = occurrence(0)
    second = occurrence(1)
    third = occurrence(2)
    assert [(c.repeat_count, c.severity) for c in (first, second, third)] == [(0, "B"), (1, "B"), (2, "A")]
    assert hit_codes(third) == ["repeat_b_3"]
    assert set(third.linked.all()) == {first, second}
    # 91 days after the third, nothing earlier is within the 90-day window.
    fourth = occurrence(2 + 91)
    assert (fourth.repeat_count, fourth.severity) == (0, "B")
    # The same customer about another product, and another customer about this one, are no repeats.
    assert occurrence(3, product_code="OTHER-1").repeat_count == 0
    other = create(
        agent, customer={"phone": "13922223333"}, product_code="BRK-220", received_at=t0 + dt.timedelta(days=3)
    )
    assert other.repeat_count == 0


def test_manufacturing_the_same_order_counts_as_a_repeat_whoever_calls(users, playbook):
    playbook("manufacturing")
    create(users["agent"], order_no="PO-7788")
    c = create(users["agent"], order_no="PO-7788")
    assert c.repeat_count == 1


# -- retail: levels 1/2/3 --------------------------------------------------------------------------


def test_retail_level_1_an_ordinary_repair_request(users, playbook):
    playbook("retail")
    c = create(users["agent"], type_code="after_sales", demand="repair", title="空调需要上门维修")
    assert c.level == 1
    assert hit_codes(c) == ["ordinary"]


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"type_code": "service"}, "service_attitude"),
        ({"type_code": "policy", "customer": {"kind": "franchisee"}}, "policy"),
    ],
)
def test_retail_level_2(users, playbook, fields, rule):
    playbook("retail")
    c = create(users["agent"], **fields)
    assert c.level == 2
    assert hit_codes(c) == [rule]


def test_retail_level_2_a_repeat_of_the_same_event(users, playbook):
    playbook("retail")
    customer = {"phone": "13933334444"}
    first = create(users["agent"], customer=customer, type_code="after_sales", product_code="KT-35")
    again = create(users["agent"], customer=customer, type_code="after_sales", product_code="KT-35")
    assert (first.level, again.level) == (1, 2)
    assert hit_codes(again) == ["repeat_same_event"]


def test_retail_level_2_an_emotional_complaint_with_the_analyser_stubbed(users, playbook, risks):
    playbook("retail")
    risks({"emotional": "气死我了"})
    c = create(users["agent"], type_code="after_sales")
    assert c.level == 2
    assert hit_codes(c) == ["emotional"]
    assert "气死我了" in c.rule_hits[0]["reason"]
    assert c.suggestion["signals"] == [{"risk": "emotional", "term": "气死我了", "reason": "“气死我了”"}]


@pytest.mark.parametrize(
    ("fields", "rule", "flag"),
    [
        ({"channel": "regulator"}, "regulator_12315", "regulator"),
        ({"flags": ["regulator"]}, "regulator_12315", "regulator"),
        ({"flags": ["batch"], "customer": {"kind": "franchisee"}}, "franchisee_mass_quality", "batch"),
        ({"flags": ["media"]}, "reputation_risk", "media"),
        ({"flags": ["safety"]}, "reputation_risk", "safety"),
    ],
)
def test_retail_level_3(users, playbook, fields, rule, flag):
    playbook("retail")
    c = create(users["agent"], **fields)
    assert c.level == 3
    assert hit_codes(c) == [rule]
    assert flag in c.flags


def test_retail_a_consumers_batch_flag_alone_is_not_level_3(users, playbook):
    playbook("retail")
    assert create(users["agent"], flags=["batch"]).level == 1


def test_retail_level_3_a_franchisee_reports_department_inaction_depends_on_text(users, playbook):
    playbook("retail")
    c = create(users["agent"], customer={"kind": "franchisee"}, title="补货申请提交两周没人处理")
    assert c.level == 3
    assert hit_codes(c) == ["department_inaction"]
    # The same words from a consumer are not about the company's departments.
    consumer = create(users["agent"], title="补货申请提交两周没人处理")
    assert consumer.level != 3 and "department_inaction" not in hit_codes(consumer)


# -- service: urgent / important / routine ---------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "priority", "rule"),
    [
        ({"flags": ["safety"]}, "urgent", "personal_safety"),
        ({"flags": ["media"]}, "urgent", "public_opinion"),
        ({"channel": "regulator"}, "urgent", "regulator_threat"),
        ({"flags": ["regulator"]}, "urgent", "regulator_threat"),
        ({"amount": "5000"}, "important", "amount_ge_5000"),
        ({"customer": {"relationship": "vip"}}, "important", "vip_churn"),
        ({"flags": ["batch"]}, "important", "batch_problem"),
        ({}, "routine", "routine"),
        ({"amount": "4999.99"}, "routine", "routine"),
    ],
)
def test_service_priority(users, playbook, fields, priority, rule):
    playbook("service")
    c = create(users["agent"], **fields)
    assert c.priority == priority
    assert hit_codes(c) == [rule]


def test_service_important_a_repeated_complaint(users, playbook):
    playbook("service")
    customer = {"phone": "13944445555"}
    assert create(users["agent"], customer=customer, product_code="TV-55").priority == "routine"
    again = create(users["agent"], customer=customer, product_code="TV-55")
    assert (again.repeat_count, again.priority) == (1, "important")
    assert hit_codes(again) == ["repeat_complaint"]


def test_service_urgent_wins_over_important_and_every_hit_is_listed(users, playbook):
    playbook("service")
    c = create(users["agent"], amount="8000", flags=["safety"], customer={"relationship": "vip"})
    assert c.priority == "urgent"
    assert hit_codes(c) == ["personal_safety", "amount_ge_5000", "vip_churn"]


def test_without_an_active_playbook_nothing_is_classified(users):
    c = create(users["agent"], amount="9000", flags=["safety"])
    assert (c.severity, c.priority, c.level, c.rule_hits, c.ruleset) == ("", "", None, [], None)


# -- triage: confirm or correct --------------------------------------------------------------------


def triage(api, number, **body):
    return api("agent").act(number, "triage", body)


def test_triage_confirms_the_suggestion_without_a_reason(api, playbook):
    playbook("manufacturing")
    c = api("agent").post("/complaints", {**_body(), "flags": ["line_stop"]}).json()
    api("agent").act(c["number"], "acknowledge")
    r = triage(api, c["number"])
    assert r.status_code == 200, r.content
    assert r.json()["severity"] == "A" and r.json()["status"] == "triaged"
    event = Event.objects.filter(complaint__number=c["number"], action="triage").get()
    assert event.data["final"] == {"type_code": "quality", "severity": "A", "priority": "", "level": None}
    # The type suggestion is the analyser's own (none here: the agent chose the type at intake).
    assert event.data["suggested"] == event.data["final"] | {"type_code": event.data["suggested"]["type_code"]}
    assert event.data["changes"] == {}


def _body(**overrides):
    return {
        "title": NEUTRAL_TITLE,
        "channel": "phone",
        "customer": {"name": "张三", "phone": "13812340000"},
        "type_code": "quality",
        **overrides,
    }


def test_a_correction_needs_a_reason_and_the_event_keeps_suggested_and_final(api, playbook):
    playbook("manufacturing")
    c = api("agent").post("/complaints", _body(amount="6000")).json()
    c = api("agent").act(c["number"], "acknowledge").json()
    events_before = Event.objects.filter(complaint__number=c["number"]).count()

    r = triage(api, c["number"], severity="B")
    assert r.status_code == 400
    assert "reason" in r.json()["error"]["fields"]
    unchanged = api("agent").get(f"/complaints/{c['number']}").json()
    assert (unchanged["severity"], unchanged["status"], unchanged["version"]) == ("A", "acknowledged", c["version"])
    assert Event.objects.filter(complaint__number=c["number"]).count() == events_before

    r = triage(api, c["number"], severity="B", reason="客户报价含税,实际损失不足5000元")
    assert r.status_code == 200, r.content
    assert r.json()["severity"] == "B"
    event = Event.objects.filter(complaint__number=c["number"], action="triage").get()
    assert event.data["suggested"]["severity"] == "A"
    assert event.data["final"]["severity"] == "B"
    assert event.data["changes"] == {"severity": ["A", "B"]}
    assert event.data["reason"] == "客户报价含税,实际损失不足5000元"
    # The rules still say what they found; the agent's value stands.
    assert [h["rule"] for h in r.json()["rule_hits"]] == ["amount_ge_5000"]


def test_triage_refreshes_the_rule_hits_and_the_agents_values_win(api, playbook):
    playbook("retail")
    c = api("agent").post("/complaints", _body(type_code="after_sales")).json()
    assert (c["level"], [h["rule"] for h in c["rule_hits"]]) == (1, ["ordinary"])
    api("agent").act(c["number"], "acknowledge")
    r = triage(api, c["number"], type_code="service", level=2, reason="实为对店员服务态度的投诉")
    assert r.status_code == 200, r.content
    after = r.json()
    assert (after["type_code"], after["level"]) == ("service", 2)
    assert [h["rule"] for h in after["rule_hits"]] == ["service_attitude"]
    event = Event.objects.filter(complaint__number=c["number"], action="triage").get()
    assert event.data["suggested"]["level"] == 1
    assert event.data["final"] == {"type_code": "service", "severity": "", "priority": "", "level": 2}

    # A later re-classification needs its reason too, and is not the first triage any more.
    r = triage(api, c["number"], level=3, reason="加盟商已向12315投诉")
    assert r.status_code == 200
    later = Event.objects.filter(complaint__number=c["number"], action="triage").order_by("id").last()
    assert "suggested" not in later.data and later.data["changes"] == {"level": [2, 3]}


def test_triage_filling_an_empty_value_is_classifying_not_correcting(api, playbook):
    playbook("manufacturing")
    c = api("agent").post("/complaints", _body()).json()
    api("agent").act(c["number"], "acknowledge")
    r = triage(api, c["number"], priority="important")  # manufacturing leaves priority empty
    assert r.status_code == 200, r.content
    assert r.json()["priority"] == "important"


def test_the_agents_verdict_on_a_text_risk_is_counted_with_the_analyser_stubbed(users, playbook, risks):
    playbook("manufacturing")
    risks({"line_stop": "停线"})
    agent = users["agent"]
    kept = create(agent)
    overturned = create(agent)
    assert kept.severity == overturned.severity == "A"
    now = timezone.now()
    for c in (kept, overturned):
        actions.do_acknowledge(c, actor=agent, now=now)
    actions.do_triage(kept, actor=agent, now=now)
    actions.do_triage(overturned, actor=agent, now=now, severity="B", reason="只是客户担心会停线,实际未停")
    row = TermFeedback.objects.get(term="停线", risk="line_stop")
    assert (row.confirmed, row.rejected) == (1, 1)
    # Only the first triage counts.
    actions.do_triage(kept, actor=agent, now=now, severity="B", reason="复核后降级")
    row.refresh_from_db()
    assert (row.confirmed, row.rejected) == (1, 1)
    feedback.forget_cache()


def test_was_downgraded():
    suggestion = {"severity": "A", "priority": "urgent", "level": 3}
    assert not feedback.was_downgraded(suggestion, dict(suggestion))
    assert feedback.was_downgraded(suggestion, {**suggestion, "severity": "B"})
    assert feedback.was_downgraded(suggestion, {**suggestion, "priority": "important"})
    assert feedback.was_downgraded(suggestion, {**suggestion, "level": 2})
    assert not feedback.was_downgraded({"severity": "B", "level": None}, {"severity": "A", "level": 2})
