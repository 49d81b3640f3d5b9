"""The suggestion object of the contract ("Triage suggestion") from the lexicon alone — pure Python, no database.

    lexical_suggestion(text, *, types) → {"type_code", "type_confidence", "alternatives", "type_evidence", "risks"}

`types` are the active playbook's type codes; the suggested type is always one of them ("other" only when nothing
fits). `kesu.triage.suggest` adds what the learned model knows on top of this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kesu.rules.risk import analyse, family_of
from kesu.rules.types import rank_types

# Smoothing of lexicon scores into confidences: a type with no words at all still gets a little.
_PRIOR = 0.5


def lexical_suggestion(
    text: str, *, types: Sequence[str], disabled_terms: frozenset[str] = frozenset()
) -> dict[str, Any]:
    allowed = [code for code in types if code != "other"]
    ranked = [score for score in rank_types(text) if score.code in allowed]
    total = sum(score.score + _PRIOR for score in ranked) or 1.0
    scored = [(score.code, (score.score + _PRIOR) / total, score.evidence) for score in ranked]
    if not scored or ranked[0].score == 0:
        fallback = "other" if "other" in types else (types[0] if types else None)
        top = (fallback, 0.0, ())
    else:
        top = scored[0]
    return {
        "type_code": top[0],
        "type_confidence": round(top[1], 3),
        "type_evidence": list(top[2]),
        "alternatives": [
            {"type_code": code, "confidence": round(conf, 3)} for code, conf, _ev in scored if code != top[0]
        ][:3],
        "risks": risks_of(text, disabled_terms=disabled_terms),
    }


def risks_of(text: str, *, disabled_terms: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """One entry per risk family, with the customer's own words as evidence (the earliest hit of the family)."""
    families: dict[str, dict[str, Any]] = {}
    for hit in analyse(text, disabled_terms=disabled_terms):
        family = family_of(hit.risk)
        if family and family not in families:
            families[family] = {
                "family": family,
                "evidence": hit.term,
                "confidence": 0.9,
                "risk": hit.risk,
                "start": hit.start,
            }
    return list(families.values())
