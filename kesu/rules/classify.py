"""Classify a complaint: repeat facts + text risks + the active playbook's rules → values with reasons.

Used at intake (the values become the complaint's classification and are kept, with the triage suggestion of
`kesu.triage`, as the complaint's `suggestion`) and at re-triage (the rule hits are refreshed; the agent's explicit
choices win).

    triage_suggestion(complaint) → the contract's suggestion object for the complaint's text (type, risk families …)
    classify(complaint, suggestion=…) → Classification; .suggestion() is what the complaint keeps
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .engine import Facts, RuleSpec, evaluate
from .feedback import disabled_terms
from .playbooks import active_rules
from .risk import RiskHit, analyse


@dataclass
class Classification:
    values: dict[str, Any] = field(default_factory=dict)
    hits: list[dict[str, Any]] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    risks: list[dict[str, Any]] = field(default_factory=list)
    type_code: str | None = None
    type_reason: str = ""
    ruleset: Any = None
    triage: dict[str, Any] = field(default_factory=dict)

    def suggestion(self) -> dict[str, Any]:
        """The triage suggestion (type, confidence, alternatives, risk families, signals …) with the rules' values."""
        return {
            **self.triage,
            "type_code": self.type_code,
            "type_reason": self.type_reason,
            "severity": self.values.get("severity", ""),
            "priority": self.values.get("priority", ""),
            "level": self.values.get("level"),
            "flags": list(self.values.get("flags", [])),
            "reasons": dict(self.reasons),
            "risks": list(self.risks),
            "ruleset_version": self.ruleset.version if self.ruleset else None,
        }


def complaint_text(complaint) -> str:
    return f"{complaint.title}\n{complaint.description}"


def triage_suggestion(
    complaint, *, types: list[str] | None = None, hits: list[RiskHit] | None = None
) -> dict[str, Any]:
    """The suggestion of `kesu.triage` for the complaint's text, over the active playbook's types (or `types`).

    `hits`: text_risks(complaint) when the caller already has them."""
    from kesu.triage import suggest

    text = complaint_text(complaint)
    return suggest(text, types=types, hits=text_risks(complaint) if hits is None else hits)


def text_risks(complaint) -> list[RiskHit]:
    """What the risk analyser finds in the complaint's title and description."""
    return analyse(complaint_text(complaint), disabled_terms=disabled_terms())


def classify(
    complaint,
    *,
    type_code: str | None = None,
    overrides: dict[str, Any] | None = None,
    suggestion: dict[str, Any] | None = None,
    hits: list[RiskHit] | None = None,
    rules: tuple[Any, list[RuleSpec]] | None = None,
) -> Classification:
    """`suggestion`: the complaint's triage suggestion when the caller has it (intake); its type decides the rules'
    type fact when the complaint has none. `hits` (text_risks) and `rules` (playbooks.active_rules()): when the
    caller read them already, e.g. before taking the write lock."""
    text = complaint_text(complaint)
    if hits is None:
        hits = text_risks(complaint)
    triage = suggestion or {}
    suggested_type = triage.get("type_code")
    effective_type = type_code or (complaint.category.code if complaint.category_id else None) or suggested_type
    o = overrides or {}
    facts = Facts(
        amount=complaint.amount,
        flags=frozenset(complaint.flags or []),
        type_code=effective_type,
        customer_kind=complaint.customer.kind,
        relationship=complaint.customer.relationship,
        channel=complaint.channel,
        repeat_count=complaint.repeat_count,
        text=text,
        risks={h.risk: h.term for h in hits},
        severity=o.get("severity", complaint.severity),
        priority=o.get("priority", complaint.priority),
        level=o.get("level", complaint.level),
    )
    ruleset, specs = active_rules() if rules is None else rules
    outcome = evaluate(specs, facts)
    return Classification(
        values=outcome.values,
        hits=outcome.hits,
        reasons=outcome.reasons,
        risks=list(triage.get("risks") or []),
        type_code=suggested_type,
        type_reason=triage.get("type_reason", ""),
        ruleset=ruleset,
        triage=triage,
    )
