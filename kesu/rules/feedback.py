"""Learning from agents' corrections (R-CLS-4).

At triage the agent keeps or overturns what the text analyser suggested. Each risk term's record of
confirmations and rejections is kept; terms agents keep rejecting stop producing suggestions, and the others' confidence
in the suggestion follows what agents said (kesu.triage). The type is learned by kesu.triage.training.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import F

from .models import TermFeedback
from .risk import family_of, terms_to_disable

_CACHE: dict[str, Any] = {"at": 0.0, "terms": frozenset(), "stats": {}}
_CACHE_SECONDS = 60


def _refresh() -> None:
    now = time.monotonic()
    if now - _CACHE["at"] > _CACHE_SECONDS:
        stats: dict[tuple[str, str], tuple[int, int]] = {}
        per_term: dict[str, tuple[int, int]] = {}
        for term, risk, confirmed, rejected in TermFeedback.objects.values_list(
            "term", "risk", "confirmed", "rejected"
        ):
            stats[(term, risk)] = (confirmed, rejected)
            kept, overturned = per_term.get(term, (0, 0))
            per_term[term] = (kept + confirmed, overturned + rejected)
        _CACHE["terms"] = terms_to_disable(per_term)
        _CACHE["stats"] = stats
        _CACHE["at"] = now


def disabled_terms() -> frozenset[str]:
    _refresh()
    return _CACHE["terms"]


def term_stats() -> dict[tuple[str, str], tuple[int, int]]:
    """(term, risk) → (times agents kept it, times they overturned it), as recorded at first triage."""
    _refresh()
    return _CACHE["stats"]


def forget_cache() -> None:
    _CACHE["at"] = 0.0


def record(risks: list[dict[str, Any]], *, kept: bool) -> None:
    """Count one confirmation (kept=True) or rejection for each term that raised a risk.

    `risks`: suggestion entries of either shape, {"risk", "term", …} or the contract's {"family", "evidence",
    "risk", "term", …}; entries without the analyser's risk and term (nothing to switch off) are skipped."""
    for item in risks:
        if not item.get("risk") or not item.get("term"):
            continue
        row, _created = TermFeedback.objects.get_or_create(term=item["term"][:60], risk=item["risk"])
        column = "confirmed" if kept else "rejected"
        TermFeedback.objects.filter(pk=row.pk).update(**{column: F(column) + 1})
    forget_cache()


RANKS = {
    "severity": {"": 0, "C": 1, "B": 2, "A": 3},
    "priority": {"": 0, "routine": 1, "important": 2, "urgent": 3},
}


def was_downgraded(suggestion: dict[str, Any], final: dict[str, Any]) -> bool:
    """Did the agent lower anything the suggestion raised? That is what overturning a risk looks like."""
    for key, ranks in RANKS.items():
        if ranks.get(final.get(key) or "", 0) < ranks.get(suggestion.get(key) or "", 0):
            return True
    return (final.get("level") or 1) < (suggestion.get("level") or 1)


def risk_verdicts(suggestion: dict[str, Any], final: dict[str, Any]) -> dict[str, str]:
    """The agent's verdict on each risk family the suggestion raised: "kept", or "overturned" when the agent lowered
    what the suggestion raised (the same reading as the terms' record above)."""
    verdict = "overturned" if was_downgraded(suggestion, final) else "kept"
    families = (item.get("family") or family_of(item.get("risk") or "") for item in suggestion.get("risks") or [])
    return {family: verdict for family in dict.fromkeys(families) if family}
