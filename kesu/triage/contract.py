"""The suggestion object as the API shows it (API.md "Triage suggestion"), from any suggestion a complaint keeps.

Complaints recorded before triage v2 keep an older suggestion (type_code and type_reason; risks as risk/term/reason);
`public_suggestion` gives every complaint the same shape: risks by family with the customer's words as evidence.
"""

from __future__ import annotations

from typing import Any

from kesu.rules.risk import family_of

from .suggester import DEFAULT_RISK_CONFIDENCE, low_confidence_threshold


def public_suggestion(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    if not stored:
        return None
    risks: dict[str, dict[str, Any]] = {}
    for item in stored.get("risks") or []:
        if not isinstance(item, dict):
            continue
        family = item.get("family") or family_of(item.get("risk") or "")
        evidence = item.get("evidence") or item.get("term") or ""
        if family and evidence and family not in risks:
            confidence = item.get("confidence")
            risks[family] = {
                "family": family,
                "evidence": evidence,
                "confidence": float(confidence) if confidence is not None else DEFAULT_RISK_CONFIDENCE,
            }
    code = stored.get("type_code")
    confidence = stored.get("type_confidence")
    low = stored.get("low_confidence")
    if low is None:
        low = code is None or confidence is None or float(confidence) < low_confidence_threshold()
    return {
        "type_code": code,
        "type_confidence": float(confidence) if confidence is not None else None,
        "alternatives": [
            {"type_code": a["type_code"], "confidence": float(a.get("confidence") or 0.0)}
            for a in stored.get("alternatives") or []
            if isinstance(a, dict) and a.get("type_code")
        ],
        "risks": list(risks.values()),
        "type_evidence": [str(w) for w in stored.get("type_evidence") or []],
        "low_confidence": bool(low),
        "model_version": stored.get("model_version"),
    }
