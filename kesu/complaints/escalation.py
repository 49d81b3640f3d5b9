"""Escalation by the system (R-ESC-2): one tier up when a playbook clock is breached.

The batched twin of actions.do_escalate for the SLA sweep: it locks the complaints (in id order),
raises the level of those still being worked on, bumps their version and writes one timeline event
each, in the sweep's transaction.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .classification import MAX_LEVEL
from .events import record_events
from .models import Complaint
from .states import WORKING_STATES


def escalate_for_breach(reasons_by_complaint: dict[int, list[str]], *, now: dt.datetime) -> int:
    """Raise each complaint one level for its breached clocks; returns how many were raised."""
    from kesu.sla.clocks import level_sensitive, on_events

    complaints = list(
        Complaint.objects.select_for_update()
        .filter(id__in=sorted(reasons_by_complaint), status__in=list(WORKING_STATES))
        .order_by("id")
    )
    raised = [c for c in complaints if (c.level or 1) < MAX_LEVEL]
    events = []
    for c in raised:
        old = c.level or 1
        c.level = old + 1
        c.version += 1
        c.updated_at = now
        clocks = "、".join(reasons_by_complaint[c.id])
        events.append(
            dict(
                complaint=c,
                action="escalate",
                from_status=c.status,
                to_status=c.status,
                data={
                    "trigger": "sla_breach",
                    "level": [old, c.level],
                    "reason": _("Overdue: %(clocks)s") % {"clocks": clocks},
                },
            )
        )
    if raised:
        Complaint.objects.bulk_update(raised, ["level", "version", "updated_at"], batch_size=500)
        record_events(events, now=now)
        if level_sensitive():
            for c in raised:
                on_events(c, ["classified"], now=now)
    return len(raised)
