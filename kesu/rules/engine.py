"""The classification rule engine (R-CLS-2): facts in, results with reasons out. Pure and data-driven.

A rule is `when` (conditions, all must hold) → `then` (results). Conditions are a closed vocabulary —
nothing an administrator writes is ever executed. When several rules set the same field the most
serious value wins (A over B, urgent over important, level 3 over 2); a rule marked `default` only
fills fields no other rule has set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

SEVERITY_RANK = {"C": 1, "B": 2, "A": 3}
PRIORITY_RANK = {"routine": 1, "important": 2, "urgent": 3}
RESULT_FIELDS = ("severity", "priority", "level", "flags")

# condition name → short description (shown in the admin's help text)
CONDITIONS: dict[str, str] = {
    "amount_gte": "amount involved (CNY) is at least this number",
    "flags_any": "the complaint carries any of these flags",
    "type_in": "the complaint type is one of these codes",
    "customer_kind_in": "the customer kind is one of these",
    "relationship_in": "the customer relationship is one of these (new, existing, vip)",
    "channel_in": "the complaint came in through one of these channels",
    "repeat_count_gte": "the customer complained about the same thing at least this many times before",
    "text_any": "title or description contains any of these words",
    "risk_any": "the text analyser found any of these risks",
    "severity_in": "severity is one of these",
    "priority_in": "priority is one of these",
    "level_gte": "handling level is at least this",
    "any": "at least one of these condition groups holds",
    "not": "this condition group does not hold",
}


class RuleError(ValueError):
    """A rule that cannot be evaluated; `field` names the part at fault."""

    def __init__(self, message: str, *, field: str = "when") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Facts:
    amount: Decimal | None = None
    flags: frozenset[str] = frozenset()
    type_code: str | None = None
    customer_kind: str = ""
    relationship: str = ""
    channel: str = ""
    repeat_count: int = 0
    text: str = ""
    risks: Mapping[str, str] = field(default_factory=dict)  # risk → the words that showed it
    severity: str = ""
    priority: str = ""
    level: int | None = None


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    when: Mapping[str, Any]
    then: Mapping[str, Any]
    reason: str = ""
    is_default: bool = False


@dataclass
class Outcome:
    values: dict[str, Any] = field(default_factory=dict)
    hits: list[dict[str, Any]] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # field → reason of the winning rule


def _as_list(value: Any, name: str) -> list:
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    raise RuleError(f"{name} needs a list", field=name)


def _number(value: Any, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleError(f"{name} needs a number", field=name) from None


def matches(when: Mapping[str, Any], facts: Facts) -> tuple[bool, list[str]]:
    """Whether all conditions hold, and the evidence words (for the reason) of those that did."""
    evidence: list[str] = []
    for name, expected in when.items():
        ok: bool
        if name == "amount_gte":
            ok = facts.amount is not None and facts.amount >= _number(expected, name)
            if ok:
                evidence.append(f"¥{facts.amount}")
        elif name == "flags_any":
            found = [f for f in _as_list(expected, name) if f in facts.flags]
            ok = bool(found)
            evidence += found
        elif name == "type_in":
            ok = facts.type_code in _as_list(expected, name)
        elif name == "customer_kind_in":
            ok = facts.customer_kind in _as_list(expected, name)
        elif name == "relationship_in":
            ok = facts.relationship in _as_list(expected, name)
        elif name == "channel_in":
            ok = facts.channel in _as_list(expected, name)
        elif name == "repeat_count_gte":
            ok = facts.repeat_count >= int(_number(expected, name))
        elif name == "text_any":
            found = [w for w in _as_list(expected, name) if w and str(w).lower() in facts.text.lower()]
            ok = bool(found)
            evidence += [f"“{w}”" for w in found[:3]]
        elif name == "risk_any":
            found = [r for r in _as_list(expected, name) if r in facts.risks]
            ok = bool(found)
            evidence += [f"“{facts.risks[r]}”" for r in found]
        elif name == "severity_in":
            ok = facts.severity in _as_list(expected, name)
        elif name == "priority_in":
            ok = facts.priority in _as_list(expected, name)
        elif name == "level_gte":
            ok = (facts.level or 1) >= int(_number(expected, name))
        elif name == "any":
            groups = _as_list(expected, name)
            ok = False
            for group in groups:
                if not isinstance(group, Mapping):
                    raise RuleError("any needs a list of condition groups", field=name)
                sub_ok, sub_evidence = matches(group, facts)
                if sub_ok:
                    ok = True
                    evidence += sub_evidence
                    break
        elif name == "not":
            if not isinstance(expected, Mapping):
                raise RuleError("not needs a condition group", field=name)
            ok = not matches(expected, facts)[0]
        else:
            raise RuleError(f"unknown condition {name!r}; known: {', '.join(CONDITIONS)}", field=name)
        if not ok:
            return False, []
    return True, evidence


def validate_rule(when: Any, then: Any) -> None:
    """Raise RuleError unless the rule can be evaluated (used by the loader and the admin)."""
    if not isinstance(when, Mapping):
        raise RuleError("conditions must be a mapping", field="when")
    _check_conditions(when)
    if not isinstance(then, Mapping) or not then:
        raise RuleError("results must be a non-empty mapping", field="then")
    for key, value in then.items():
        if key == "severity" and value not in SEVERITY_RANK:
            raise RuleError(f"severity must be one of {', '.join(SEVERITY_RANK)}", field="then")
        elif key == "priority" and value not in PRIORITY_RANK:
            raise RuleError(f"priority must be one of {', '.join(PRIORITY_RANK)}", field="then")
        elif key == "level" and value not in (1, 2, 3):
            raise RuleError("level must be 1, 2 or 3", field="then")
        elif key == "flags" and not isinstance(value, list):
            raise RuleError("flags must be a list", field="then")
        elif key not in RESULT_FIELDS:
            raise RuleError(f"unknown result {key!r}; known: {', '.join(RESULT_FIELDS)}", field="then")


def _check_conditions(when: Mapping[str, Any]) -> None:
    """Walk every condition name and value type, each on its own (matches stops at the first that fails)."""
    probe = Facts(amount=Decimal(0))  # an amount, so that amount_gte reads its number
    for name, value in when.items():
        if name == "any":
            for group in _as_list(value, name):
                if not isinstance(group, Mapping):
                    raise RuleError("any needs a list of condition groups", field=name)
                _check_conditions(group)
        elif name == "not":
            if not isinstance(value, Mapping):
                raise RuleError("not needs a condition group", field=name)
            _check_conditions(value)
        else:
            matches({name: value}, probe)


def _more_serious(key: str, old: Any, new: Any) -> bool:
    if old in (None, ""):
        return True
    if key == "severity":
        return SEVERITY_RANK.get(new, 0) > SEVERITY_RANK.get(old, 0)
    if key == "priority":
        return PRIORITY_RANK.get(new, 0) > PRIORITY_RANK.get(old, 0)
    if key == "level":
        return int(new) > int(old)
    return False


def evaluate(rules: Iterable[RuleSpec], facts: Facts) -> Outcome:
    outcome = Outcome()
    flags: list[str] = []
    ordered = sorted(rules, key=lambda r: r.is_default)  # defaults last, otherwise in the given order
    for rule in ordered:
        ok, evidence = matches(rule.when, facts)
        if not ok:
            continue
        applied: dict[str, Any] = {}
        for key, value in rule.then.items():
            if key == "flags":
                new_flags = [f for f in value if f not in flags]
                flags += new_flags
                if new_flags:
                    applied["flags"] = new_flags
                continue
            current = outcome.values.get(key)
            if rule.is_default:
                if current in (None, ""):
                    applied[key] = value
            elif _more_serious(key, current, value):
                applied[key] = value
        if rule.is_default and not applied:
            continue
        reason = rule.reason or rule.name
        if evidence:
            reason = f"{reason}({'、'.join(dict.fromkeys(evidence))})"
        for key, value in applied.items():
            if key != "flags":
                outcome.values[key] = value
                outcome.reasons[key] = reason
        outcome.hits.append({"rule": rule.code, "result": dict(rule.then), "reason": reason})
    if flags:
        outcome.values["flags"] = flags
    return outcome
