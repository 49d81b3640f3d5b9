"""Learning from agents' corrections (R-CLS-4).

At triage the agent keeps or overturns what the text analyser suggested. Each risk term's record of
confirmations and rejections is kept; terms agents keep rejecting stop producing suggestions.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import F

from .models import TermFeedback
from .risk import terms_to_disable

_CACHE: dict[str, Any] = {"at": 0.0, "terms": frozenset()}
_CACHE_SECONDS = 60


def disabled_terms() -> frozenset[str]:
    now = time.monotonic()
    if now - _CACHE["at"] > _CACHE_SECONDS:
        stats = {f.term: (f.confirmed, f.rejected) for f in TermFeedback.objects.all()}
        _CACHE["terms"] = terms_to_disable(stats)
        _CACHE["at"] = now
    return _CACHE["terms"]


def forget_cache() -> None:
    _CACHE["at"] = 0.0


def record(risks: list[dict[str, Any]], *, kept: bool) -> None:
    """Count one confirmation (kept=True) or rejection for each term that raised a risk."""
    for item in risks:
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
