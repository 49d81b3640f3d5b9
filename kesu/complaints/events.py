"""The one way a timeline row is written (R-REC-7), and who hears of it.

Other apps follow the timeline instead of being called by the actions (no import circle): an app registers
`subscribe({"resolve", …}, handler)` in its AppConfig.ready(), and each such event, once its transaction
has committed, is handed to the handler (`handler(event)`). A handler's failure is logged and never undoes
or breaks the action (Django's robust on_commit); what it sends must be idempotent on the event's id.
`subscribe_all(handler)` hears every event, whatever its action: `handler(events)` once per write, with the
list of events it recorded (the followers of a complaint, kesu.routing.followers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.db import transaction

from .models import Complaint, Event

_subscribers: dict[str, list[Callable[[Event], None]]] = {}
_all_subscribers: list[Callable[[list[Event]], None]] = []


def subscribe(actions: Iterable[str], handler: Callable[[Event], None]) -> None:
    """Call `handler(event)` after the commit of every timeline event whose action is in `actions`."""
    for action in actions:
        handlers = _subscribers.setdefault(action, [])
        if handler not in handlers:
            handlers.append(handler)


def subscribe_all(handler: Callable[[list[Event]], None]) -> None:
    """Call `handler(events)` after the commit of every write of timeline events, whatever their action."""
    if handler not in _all_subscribers:
        _all_subscribers.append(handler)


def _publish(events: Iterable[Event]) -> None:
    events = list(events)
    for handler in _all_subscribers:
        if events:
            transaction.on_commit(partial(handler, events), robust=True)
    for event in events:
        for handler in _subscribers.get(event.action, ()):
            transaction.on_commit(partial(handler, event), robust=True)


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
    event = Event.objects.create(
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
    if action in _subscribers or _all_subscribers:
        _publish([event])
    return event


def record_events(rows: list[dict[str, Any]], *, now: dt.datetime, actor=None) -> None:
    """Many timeline rows at once (the SLA sweep's breaches): each dict holds record_event's arguments."""
    events = Event.objects.bulk_create(
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
    if _all_subscribers:
        _publish(events)
    elif _subscribers:
        _publish([e for e in events if e.action in _subscribers])
