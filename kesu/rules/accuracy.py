"""How often the intake suggestion was right (R-CLS-4): first triage events hold suggested and final values.

    suggestion_accuracy(since=, until=) → {"triaged", "fields": {…}, "risk_families": {…}, "models": [...]}

- `fields`: per classified field, how often the agents kept the suggested value.
- `risk_families`: per risk family the suggestion raised, how often agents kept it or overturned it (lowered what the
  suggestion raised: feedback.risk_verdicts).
- `models`: every version of the learned type model (kesu.triage), newest first: its held-back evaluation when it
  was trained, the decision (took over or not, and why), and how its suggestions fared in live triage — the
  decisions on complaints whose suggestion it made, which are the ones made while it was active.
  `without_model` counts decisions on suggestions the lexicon made alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .feedback import risk_verdicts

FIELDS = ("type_code", "severity", "priority", "level")


def _rate(kept: int, total: int) -> float | None:
    return round(kept / total, 4) if total else None


def suggestion_accuracy(*, since: dt.datetime | None = None, until: dt.datetime | None = None) -> dict[str, Any]:
    from kesu.complaints.models import Event

    qs = Event.objects.filter(action="triage", data__has_key="suggested")
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    totals = {f: {"suggested": 0, "kept": 0} for f in FIELDS}
    families: dict[str, dict[str, int]] = {}
    live: dict[int | None, dict[str, Any]] = {}
    triaged = 0
    rows = qs.values_list("data", "complaint__suggestion")
    for data, stored in rows.iterator(chunk_size=2000):
        triaged += 1
        suggested, final, stored = data.get("suggested") or {}, data.get("final") or {}, stored or {}
        for f in FIELDS:
            if suggested.get(f) not in (None, ""):
                totals[f]["suggested"] += 1
                totals[f]["kept"] += int(suggested.get(f) == final.get(f))
        version = stored.get("model_version")
        bucket = live.setdefault(version, {"decided": 0, "type_kept": 0, "risks": {}})
        if suggested.get("type_code") not in (None, ""):
            bucket["decided"] += 1
            bucket["type_kept"] += int(suggested["type_code"] == final.get("type_code"))
        for family, verdict in risk_verdicts(stored, final).items():
            for counts in (families.setdefault(family, {}), bucket["risks"].setdefault(family, {})):
                counts.setdefault("kept", 0)
                counts.setdefault("overturned", 0)
                counts[verdict] += 1
    return {
        "triaged": triaged,
        "fields": {f: {**v, "accuracy": _rate(v["kept"], v["suggested"])} for f, v in totals.items()},
        "risk_families": {
            family: {**counts, "kept_rate": _rate(counts["kept"], counts["kept"] + counts["overturned"])}
            for family, counts in sorted(families.items())
        },
        "models": _models(live),
        "without_model": _live(live.get(None)),
    }


def _live(bucket: dict[str, Any] | None) -> dict[str, Any]:
    bucket = bucket or {"decided": 0, "type_kept": 0, "risks": {}}
    return {
        "decided": bucket["decided"],
        "type_kept": bucket["type_kept"],
        "type_accuracy": _rate(bucket["type_kept"], bucket["decided"]),
        "risks": {family: dict(counts) for family, counts in sorted(bucket["risks"].items())},
    }


def _models(live: dict[int | None, dict[str, Any]]) -> list[dict[str, Any]]:
    from kesu.triage.models import TriageModel

    out = []
    fields = ("version", "active", "created_at", "took_over_at", "retired_at", "decision", "training", "evaluation")
    for row in TriageModel.objects.order_by("-version").values(*fields):
        candidate = (row["evaluation"] or {}).get("candidate") or {}
        out.append(
            {
                "version": row["version"],
                "active": row["active"],
                "took_over": row["took_over_at"] is not None,
                "created_at": row["created_at"],
                "took_over_at": row["took_over_at"],
                "retired_at": row["retired_at"],
                "decision": row["decision"],
                "trained_on": {k: (row["training"] or {}).get(k, 0) for k in ("shipped", "corrections")},
                "evaluation": {k: candidate.get(k) for k in ("items", "accuracy", "lenient", "log_loss")},
                "live": _live(live.get(row["version"])),
            }
        )
    return out
