"""The classification rule engine: conditions, the most serious value wins, defaults only fill gaps, reasons."""

from decimal import Decimal

import pytest

from kesu.rules import playbooks
from kesu.rules.engine import Facts, RuleError, RuleSpec, evaluate, matches, validate_rule


def rule(code, when, then, *, reason="", default=False):
    return RuleSpec(code=code, name=code, when=when, then=then, reason=reason, is_default=default)


SEVERITY_RULES = [
    rule("class_b", {}, {"severity": "B"}, reason="B类", default=True),
    rule("amount", {"amount_gte": 5000}, {"severity": "A"}, reason="金额大"),
    rule("batch", {"flags_any": ["batch"]}, {"severity": "A", "flags": ["batch"]}, reason="批量"),
]


def test_a_rule_that_holds_sets_its_value_with_its_reason_and_evidence():
    outcome = evaluate(SEVERITY_RULES, Facts(amount=Decimal("5200.00")))
    assert outcome.values == {"severity": "A"}
    assert outcome.hits == [{"rule": "amount", "result": {"severity": "A"}, "reason": "金额大(¥5200.00)"}]
    assert outcome.reasons == {"severity": "金额大(¥5200.00)"}


def test_the_default_rule_only_fills_fields_no_other_rule_set():
    assert evaluate(SEVERITY_RULES, Facts()).values == {"severity": "B"}
    assert [h["rule"] for h in evaluate(SEVERITY_RULES, Facts()).hits] == ["class_b"]
    # When a real rule set the field, the default neither overrides it nor shows as a hit.
    outcome = evaluate(SEVERITY_RULES, Facts(flags=frozenset({"batch"})))
    assert outcome.values == {"severity": "A", "flags": ["batch"]}
    assert [h["rule"] for h in outcome.hits] == ["batch"]


@pytest.mark.parametrize("order", [[0, 1], [1, 0]])
def test_the_most_serious_value_wins_whatever_the_rule_order(order):
    rules = [
        [
            rule("level2", {"type_in": ["service"]}, {"level": 2}),
            rule("level3", {"flags_any": ["media"]}, {"level": 3}),
        ],
        [
            rule("urgent", {"flags_any": ["safety"]}, {"priority": "urgent"}),
            rule("important", {"amount_gte": 1}, {"priority": "important"}),
        ],
    ]
    facts = Facts(type_code="service", flags=frozenset({"media", "safety"}), amount=Decimal(10))
    assert evaluate([rules[0][i] for i in order], facts).values["level"] == 3
    assert evaluate([rules[1][i] for i in order], facts).values["priority"] == "urgent"


def test_every_rule_that_holds_is_listed_and_flags_are_merged_once():
    rules = [
        rule("a", {"flags_any": ["line_stop"]}, {"severity": "A", "flags": ["line_stop"]}),
        rule("b", {"amount_gte": 100}, {"severity": "A", "flags": ["line_stop", "batch"]}),
    ]
    outcome = evaluate(rules, Facts(flags=frozenset({"line_stop"}), amount=Decimal(100)))
    assert [h["rule"] for h in outcome.hits] == ["a", "b"]
    assert outcome.values["flags"] == ["line_stop", "batch"]
    # The field's reason is the rule that decided it (the first of equally serious ones).
    assert outcome.reasons["severity"].startswith("a")


@pytest.mark.parametrize(
    ("when", "facts", "expected"),
    [
        ({"amount_gte": 5000}, Facts(amount=Decimal("5000.00")), True),
        ({"amount_gte": 5000}, Facts(amount=Decimal("4999.99")), False),
        ({"amount_gte": 5000}, Facts(amount=None), False),
        ({"flags_any": ["batch", "media"]}, Facts(flags=frozenset({"media"})), True),
        ({"flags_any": ["batch"]}, Facts(flags=frozenset()), False),
        ({"type_in": ["service"]}, Facts(type_code="service"), True),
        ({"type_in": ["service"]}, Facts(type_code=None), False),
        ({"customer_kind_in": ["franchisee"]}, Facts(customer_kind="consumer"), False),
        ({"relationship_in": ["vip"]}, Facts(relationship="vip"), True),
        ({"channel_in": ["regulator"]}, Facts(channel="regulator"), True),
        ({"repeat_count_gte": 2}, Facts(repeat_count=1), False),
        ({"repeat_count_gte": 2}, Facts(repeat_count=2), True),
        ({"text_any": ["RoHS"]}, Facts(text="检测报告显示rohs超标"), True),  # case does not matter
        ({"text_any": ["RoHS"]}, Facts(text="外观划伤"), False),
        ({"risk_any": ["media"]}, Facts(risks={"media": "曝光"}), True),
        ({"severity_in": ["A"]}, Facts(severity="B"), False),
        ({"priority_in": ["urgent"]}, Facts(priority="urgent"), True),
        ({"level_gte": 2}, Facts(level=None), False),  # no level counts as level 1
        ({"level_gte": 1}, Facts(level=None), True),
        ({"any": [{"flags_any": ["media"]}, {"channel_in": ["regulator"]}]}, Facts(channel="regulator"), True),
        ({"any": [{"flags_any": ["media"]}, {"channel_in": ["regulator"]}]}, Facts(channel="phone"), False),
        ({"level_gte": 1, "not": {"level_gte": 2}}, Facts(level=1), True),
        ({"level_gte": 1, "not": {"level_gte": 2}}, Facts(level=3), False),
        ({"customer_kind_in": ["franchisee"], "flags_any": ["batch"]}, Facts(customer_kind="franchisee"), False),
        ({}, Facts(), True),
    ],
)
def test_conditions(when, facts, expected):
    assert matches(when, facts)[0] is expected


def test_evidence_names_what_made_a_rule_hold():
    ok, evidence = matches({"any": [{"text_any": ["RoHS", "REACH"]}]}, Facts(text="RoHS 和 REACH 都不合格"))
    assert ok
    assert evidence == ["“RoHS”", "“REACH”"]
    ok, evidence = matches({"risk_any": ["emotional"]}, Facts(risks={"emotional": "气死了"}))
    assert evidence == ["“气死了”"]


@pytest.mark.parametrize(
    ("when", "then", "field", "words"),
    [
        ({"amount_over": 5}, {"severity": "A"}, "amount_over", "unknown condition"),
        ({"flags_any": "batch"}, {"severity": "A"}, "flags_any", "needs a list"),
        ({"amount_gte": "lots"}, {"severity": "A"}, "amount_gte", "needs a number"),
        ({"any": [["batch"]]}, {"severity": "A"}, "any", "condition groups"),
        ({"not": ["batch"]}, {"severity": "A"}, "not", "condition group"),
        ({"any": [{"bogus": 1}]}, {"severity": "A"}, "bogus", "unknown condition"),
        # A condition behind one that does not hold for empty facts is checked all the same.
        ({"flags_any": ["batch"], "bogus": 1}, {"severity": "A"}, "bogus", "unknown condition"),
        ({"flags_any": ["batch"], "amount_gte": "lots"}, {"severity": "A"}, "amount_gte", "needs a number"),
        (["amount_gte"], {"severity": "A"}, "when", "mapping"),
        ({}, {}, "then", "non-empty"),
        ({}, {"severity": "S"}, "then", "severity must be one of"),
        ({}, {"priority": "asap"}, "then", "priority must be one of"),
        ({}, {"level": 4}, "then", "level must be 1, 2 or 3"),
        ({}, {"flags": "batch"}, "then", "flags must be a list"),
        ({}, {"owner": "x"}, "then", "unknown result"),
    ],
)
def test_a_rule_that_cannot_be_evaluated_is_refused_naming_the_part_at_fault(when, then, field, words):
    with pytest.raises(RuleError) as info:
        validate_rule(when, then)
    assert info.value.field == field
    assert words in str(info.value)


def test_every_shipped_playbook_is_valid_and_ends_with_a_default_rule():
    for name in ("manufacturing", "retail", "service"):
        data = playbooks.read(name)
        for r in data["rules"]:
            validate_rule(r.get("when", {}), r["then"])
        assert data["rules"][-1].get("default") is True


def specs(name):
    return [
        RuleSpec(
            r["code"],
            r.get("name", r["code"]),
            r.get("when") or {},
            r["then"],
            r.get("reason", ""),
            r.get("default", False),
        )
        for r in playbooks.read(name)["rules"]
    ]


@pytest.mark.parametrize(
    ("facts", "severity", "rule_code"),
    [
        (Facts(flags=frozenset({"line_stop"})), "A", "line_stop"),
        (Facts(flags=frozenset({"batch"})), "A", "batch_quality"),
        (Facts(amount=Decimal("5000")), "A", "amount_ge_5000"),
        (Facts(amount=Decimal("4999.99")), "B", "class_b"),
        (Facts(flags=frozenset({"rohs_reach"})), "A", "rohs_reach"),
        (Facts(repeat_count=2), "A", "repeat_b_3"),
        (Facts(repeat_count=1), "B", "class_b"),
        (Facts(), "B", "class_b"),
    ],
)
def test_manufacturing_rules_on_facts(facts, severity, rule_code):
    outcome = evaluate(specs("manufacturing"), facts)
    assert outcome.values["severity"] == severity
    assert [h["rule"] for h in outcome.hits] == [rule_code]


@pytest.mark.parametrize(
    ("facts", "level"),
    [
        (Facts(type_code="after_sales", customer_kind="consumer"), 1),
        (Facts(type_code="service"), 2),
        (Facts(repeat_count=1), 2),
        (Facts(risks={"emotional": "气死我了"}), 2),
        (Facts(channel="regulator"), 3),
        (Facts(flags=frozenset({"regulator"})), 3),
        (Facts(customer_kind="franchisee", flags=frozenset({"batch"})), 3),
        (Facts(customer_kind="consumer", flags=frozenset({"batch"})), 1),
        (Facts(customer_kind="franchisee", text="区域督导一直推诿,没人处理"), 3),
        (Facts(flags=frozenset({"media"})), 3),
    ],
)
def test_retail_rules_on_facts(facts, level):
    assert evaluate(specs("retail"), facts).values["level"] == level


@pytest.mark.parametrize(
    ("facts", "priority"),
    [
        (Facts(flags=frozenset({"safety"})), "urgent"),
        (Facts(flags=frozenset({"media"})), "urgent"),
        (Facts(channel="regulator"), "urgent"),
        (Facts(amount=Decimal("5000"), flags=frozenset({"safety"})), "urgent"),
        (Facts(amount=Decimal("5000")), "important"),
        (Facts(relationship="vip"), "important"),
        (Facts(repeat_count=1), "important"),
        (Facts(amount=Decimal("4999.99"), relationship="existing"), "routine"),
    ],
)
def test_service_rules_on_facts(facts, priority):
    assert evaluate(specs("service"), facts).values["priority"] == priority
