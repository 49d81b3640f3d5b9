"""How often the intake suggestion was right (R-CLS-4): first triage events hold suggested and final values."""

from __future__ import annotations

import datetime as dt
from typing import Any

FIELDS = ("type_code", "severity", "priority", "level")


def suggestion_accuracy(*, since: dt.datetime | None = None, until: dt.datetime | None = None) -> dict[str, Any]:
    from kesu.complaints.models import Event

    qs = Event.objects.filter(action="triage", data__has_key="suggested")
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    totals = {f: {"suggested": 0, "kept": 0} for f in FIELDS}
    triaged = 0
    for data in qs.values_list("data", flat=True).iterator(chunk_size=2000):
        triaged += 1
        suggested, final = data.get("suggested") or {}, data.get("final") or {}
        for f in FIELDS:
            if suggested.get(f) not in (None, ""):
                totals[f]["suggested"] += 1
                totals[f]["kept"] += int(suggested.get(f) == final.get(f))
    return {
        "triaged": triaged,
        "fields": {
            f: {**v, "accuracy": round(v["kept"] / v["suggested"], 4) if v["suggested"] else None}
            for f, v in totals.items()
        },
    }
