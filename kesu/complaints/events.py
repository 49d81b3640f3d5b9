"""The one way a timeline row is written (R-REC-7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import Complaint, Event


def record_event(
    complaint: Complaint,
    *,
    actor,
    now: dt.datetime,
    action: str,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
    internal: bool = True,
) -> Event:
    return Event.objects.create(
        complaint=complaint,
        at=now,
        actor=actor,
        actor_label=str(actor) if actor else "",
        action=action,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        internal=internal,
    )


def record_events(rows: list[dict[str, Any]], *, now: dt.datetime, actor=None) -> None:
    """Many timeline rows at once (the SLA sweep's breaches): each dict holds record_event's arguments."""
    Event.objects.bulk_create(
        [
            Event(
                complaint=row["complaint"],
                at=now,
                actor=actor,
                actor_label=str(actor) if actor else "",
                action=row["action"],
                from_status=row.get("from_status", ""),
                to_status=row.get("to_status", ""),
                data=row.get("data") or {},
                internal=row.get("internal", True),
            )
            for row in rows
        ],
        batch_size=1000,
    )
