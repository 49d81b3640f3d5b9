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
