"""The suggestion object of the contract (API.md "Triage suggestion") from the lexicon and the learned model.

    suggest(text, *, types=None) → {"type_code", "type_confidence", "alternatives", "risks", "type_evidence",
                                    "type_reason", "low_confidence", "model_version", "signals"}

- `types`: the type codes the suggestion may name (the active playbook's active categories when not given);
  `type_code` is one of them whenever there is one ("other" when nothing fits). Confidences come from one calibrated
  distribution over `types` (`blend.py`); `low_confidence` is true below TRIAGE_LOW_CONFIDENCE.
- `risks`: one entry per risk family of the contract, with the customer's own words as `evidence` and the analyser's
  confidence tempered by what agents said about that term at triage (TermFeedback); each entry also keeps the
  analyser's `risk`, `term` and `reason`. `signals`: the analyser's other findings (line stop, batch, emotion …),
  which feed the playbook's rules but are no family of the contract.
- The active model version is read from the database once per call (one small query) and loaded only when it
  changed, so every process follows a new version as soon as it takes over.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings

from kesu.rules.risk import RiskHit, analyse, family_of
from kesu.rules.types import rank_types

from .blend import LEXICON_ONLY, OTHER, type_distribution
from .linear import LinearModel

DEFAULT_LOW_CONFIDENCE = 0.5
DEFAULT_RISK_CONFIDENCE = 0.9
# A term's confidence moves toward the share of agents who kept it; this many verdicts weigh as much as the analyser.
FEEDBACK_PRIOR = 5
MAX_ALTERNATIVES = 3
MIN_ALTERNATIVE = 0.01

_LOCK = threading.Lock()
_LOADED: dict[str, Any] = {"key": None, "model": None, "blend": None, "version": None}


def low_confidence_threshold() -> float:
    value = getattr(settings, "TRIAGE_LOW_CONFIDENCE", None)
    if value is None:
        value = os.environ.get("KESU_TRIAGE_LOW_CONFIDENCE", DEFAULT_LOW_CONFIDENCE)
    return float(value)


def active_types() -> list[str]:
    from kesu.complaints.models import Category

    return list(Category.objects.filter(active=True).order_by("sort_order", "code").values_list("code", flat=True))


def current_model() -> tuple[int | None, LinearModel | None, dict[str, float]]:
    """(version, model, blend weights) of the active version; (None, None, LEXICON_ONLY) when there is none."""
    from .models import TriageModel

    row = TriageModel.objects.filter(active=True).values_list("pk", "version").first()
    if row is None:
        return None, None, dict(LEXICON_ONLY)
    if _LOADED["key"] != row:
        with _LOCK:
            if _LOADED["key"] != row:
                params = TriageModel.objects.filter(pk=row[0]).values_list("params", flat=True).first()
                if params:
                    model, blend = LinearModel.from_params(params), dict(params.get("blend") or LEXICON_ONLY)
                else:
                    model, blend = None, dict(LEXICON_ONLY)
                _LOADED.update(key=row, model=model, blend=blend, version=row[1])
    return _LOADED["version"], _LOADED["model"], _LOADED["blend"]


def forget_model() -> None:
    with _LOCK:
        _LOADED.update(key=None, model=None, blend=None, version=None)


def suggest(
    text: str,
    *,
    types: Sequence[str] | None = None,
    hits: Iterable[RiskHit] | None = None,
    model: tuple[int | None, LinearModel | None, dict[str, float]] | None = None,
) -> dict[str, Any]:
    """The suggestion for `text`. `hits`: the risk analyser's findings when the caller already has them;
    `model`: current_model() when the caller read it already (an intake's cached configuration)."""
    from kesu.rules import feedback

    if types is None:
        types = active_types()
    types = list(dict.fromkeys(types))
    if hits is None:
        hits = analyse(text, disabled_terms=feedback.disabled_terms())
    hits = list(hits)
    version, model, blend = current_model() if model is None else model
    lexicon = rank_types(text)
    probabilities, support = model.predict(text) if model is not None else (None, None)
    ranked = type_distribution(types=types, lexicon=lexicon, model=probabilities, blend=blend, support=support)
    code, confidence = ranked[0] if ranked else (None, 0.0)
    evidence = _type_evidence(text, code, lexicon, model)
    threshold = low_confidence_threshold()
    return {
        "type_code": code,
        "type_confidence": round(confidence, 3),
        "alternatives": [
            {"type_code": other, "confidence": round(p, 3)}
            for other, p in ranked[1 : 1 + MAX_ALTERNATIVES]
            if p >= MIN_ALTERNATIVE
        ],
        "risks": risk_entries(hits, stats=feedback.term_stats()),
        "type_evidence": evidence,
        "type_reason": f"about {code}: {'、'.join(evidence)}" if code and evidence else "",
        "low_confidence": code is None or confidence < threshold,
        "model_version": version,
        "signals": [{"risk": h.risk, "term": h.term, "reason": h.reason} for h in hits if not family_of(h.risk)],
    }


def _type_evidence(text: str, code: str | None, lexicon, model: LinearModel | None) -> list[str]:
    """The lexicon's words for the type; else the model's strongest n-grams, joined where they touch."""
    if not code or code == OTHER:
        return []
    for score in lexicon:
        if score.code == code and score.score > 0 and score.evidence:
            return [w for w in score.evidence if w and w in text][:3]
    if model is None:
        return []
    spans: list[list[float]] = []
    for gram, offset, weight in model.contributions(text, code)[:8]:
        if gram.isalnum():
            spans.append([offset, offset + len(gram), weight])
    spans.sort()
    merged: list[list[float]] = []
    for start, end, weight in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] += weight
        else:
            merged.append([start, end, weight])
    merged.sort(key=lambda span: -span[2])
    return list(dict.fromkeys(text[int(s) : int(e)] for s, e, _w in merged[:3]))


def risk_entries(hits: Iterable[RiskHit], *, stats: dict[tuple[str, str], tuple[int, int]]) -> list[dict[str, Any]]:
    """One entry per contract family: its most confident hit (the earliest among equals)."""
    families: dict[str, dict[str, Any]] = {}
    for hit in hits:
        family = family_of(hit.risk)
        if not family:
            continue
        confidence = float(getattr(hit, "confidence", DEFAULT_RISK_CONFIDENCE))
        confirmed, rejected = stats.get((hit.term[:60], hit.risk), (0, 0))
        if confirmed + rejected:
            confidence = (confidence * FEEDBACK_PRIOR + confirmed) / (FEEDBACK_PRIOR + confirmed + rejected)
        entry = {
            "family": family,
            "evidence": hit.term,
            "confidence": round(confidence, 3),
            "risk": hit.risk,
            "term": hit.term,
            "reason": hit.reason,
        }
        if family not in families or entry["confidence"] > families[family]["confidence"]:
            families[family] = entry
    return list(families.values())
