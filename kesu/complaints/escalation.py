"""Escalation by the system (R-ESC-2): one tier up when a playbook clock is breached.

The batched twin of actions.do_escalate for the SLA sweep: it locks the complaints (in id order),
raises the level of those still being worked on, bumps their version and writes one timeline event
each, in the sweep's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F
from django.utils.translation import gettext as _

from .classification import MAX_LEVEL
from .events import record_events
from .models import Complaint
from .states import WORKING_STATES


def escalate_for_breach(reasons_by_complaint: dict[int, list[str]], *, now: dt.datetime) -> int:
    """Raise each complaint one level for its breached clocks; returns how many were raised."""
    from kesu.sla.clocks import level_sensitive, on_events

    # FOR NO KEY UPDATE: another sweeper writing timeline rows for these complaints (which takes FOR KEY
    # SHARE through the foreign key) is not blocked by it, so two sweepers cannot deadlock on a complaint.
    complaints = list(
        Complaint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("owner", "category", "customer")
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
        # One UPDATE per new level (the rows are locked above, so F("version") + 1 is each c.version):
        # bulk_update's CASE WHEN per row and field cost about 0.3 s of Python per 500 complaints.
        by_level: dict[int, list[int]] = defaultdict(list)
        for c in raised:
            by_level[c.level].append(c.id)
        for level, ids in by_level.items():
            Complaint.objects.filter(id__in=ids).update(level=level, version=F("version") + 1, updated_at=now)
        record_events(events, now=now)
        if level_sensitive():
            for c in raised:
                on_events(c, ["classified"], now=now)
        # Like any escalation (R-ESC-2): the new tier is told, and a complaint that became major is reported.
        # Batched: the playbook's tiers and major rule are read once, the notifications stored at once.
        from kesu.notifications.services import send
        from kesu.routing import services as routing

        from .events import record_event

        people = routing.TierPeople()
        rule = routing.major_rule()
        notes = []
        for c, event in zip(raised, events, strict=True):
            notes += routing.tier_notifications(
                c,
                old_level=event["data"]["level"][0],
                now=now,
                reason=event["data"]["reason"],
                trigger="sla_breach",
                people=people,
            )
        send(notes)
        for c in raised:
            if rule and c.major_round != c.round and routing.is_major(c, rule=rule):
                major = routing.respond_to_major(c, actor=None, now=now, rule=rule)
                if major:
                    record_event(
                        c,
                        actor=None,
                        now=now,
                        action="major_reported",
                        from_status=c.status,
                        to_status=c.status,
                        data=major,
                    )
    return len(raised)
