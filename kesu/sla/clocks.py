"""SLA clocks on a complaint: started, stopped, paused and resumed by the complaint's actions (R-SLA-1,3).

`on_events` is called by complaints.actions inside the action's transaction, with the events the action
stands for (e.g. ["note", "customer_update"] for a note to the customer). Clock definitions come from
the active playbook; each running clock is a Deadline row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Min

from kesu.rules.engine import Facts, matches

from .calendar_store import default_calendar
from .calendars import WorkCalendar, due_at, extend_for_pause
from .models import ClockDefinition, Deadline

# Events after which no clock of the current round keeps running.
ENDING_EVENTS = frozenset({"resolve", "close", "reject", "archive", "reopen", "merge"})


def _definitions() -> list[ClockDefinition]:
    return list(ClockDefinition.objects.filter(playbook__active=True).order_by("order", "id"))


def definitions() -> list[ClockDefinition]:
    """The active playbook's clock definitions, in order (read once, e.g. before an intake takes the write lock)."""
    return _definitions()


def _applies(definition: ClockDefinition, complaint) -> bool:
    facts = Facts(
        amount=complaint.amount,
        flags=frozenset(complaint.flags or []),
        type_code=complaint.category.code if complaint.category_id else None,
        channel=complaint.channel,
        repeat_count=complaint.repeat_count,
        severity=complaint.severity,
        priority=complaint.priority,
        level=complaint.level,
    )
    return matches(definition.applies or {}, facts)[0]


def _new_deadline(
    definition: ClockDefinition,
    complaint,
    *,
    start: dt.datetime,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    calendar = calendar or default_calendar()
    due = due_at(calendar, start, mode=definition.mode, minutes=definition.minutes, days=definition.days)
    remind = None
    if definition.remind_before_minutes:
        remind = due - dt.timedelta(minutes=definition.remind_before_minutes)
        if remind <= start:
            remind = None
    return Deadline(
        complaint=complaint,
        definition=definition,
        clock=definition.code,
        round=complaint.round,
        mode=definition.mode,
        started_at=start,
        due_at=due,
        remind_at=remind,
        paused_at=now if complaint.clock_paused_at else None,
    )


def on_events(complaint, events: Iterable[str], *, now: dt.datetime) -> None:
    events = set(events)
    definitions = _definitions()
    if not definitions and not events & ENDING_EVENTS:
        return
    by_id = {d.id: d for d in definitions}
    calendar: WorkCalendar | None = None

    def new_deadline(definition: ClockDefinition, *, start: dt.datetime) -> Deadline:
        nonlocal calendar
        calendar = calendar or default_calendar()  # read once per call, and only when a clock starts
        return _new_deadline(definition, complaint, start=start, now=now, calendar=calendar)

    # A running clock keeps the definition it started with, also when another playbook is active now.
    mine = list(Deadline.objects.filter(complaint=complaint).select_related("definition"))
    running = [d for d in mine if d.met_at is None and d.cancelled_at is None]
    new: list[Deadline] = []

    # 1. Stop what these events stop; a recurring clock starts again at once.
    for deadline in running:
        definition = by_id.get(deadline.definition_id) or deadline.definition
        if definition and events & set(definition.stop_on):
            deadline.met_at = now
            deadline.paused_at = None
            deadline.save(update_fields=["met_at", "paused_at"])
            if definition.recurring and not events & ENDING_EVENTS and _applies(definition, complaint):
                new.append(new_deadline(definition, start=now))
    running = [d for d in running if d.met_at is None]

    # 2. The case (or this round of it) ended: nothing else keeps running.
    if events & ENDING_EVENTS and running:
        Deadline.objects.filter(id__in=[d.id for d in running]).update(cancelled_at=now, paused_at=None)
        running = []

    # 3. A re-classification stops a clock none of whose variants applies any more (e.g. the A-class
    #    initial report once the complaint is lowered to B).
    if "classified" in events and running:
        for deadline in running:
            variants = [d for d in definitions if d.code == deadline.clock]
            if variants and not any(_applies(d, complaint) for d in variants):
                deadline.cancelled_at = now
                deadline.paused_at = None
                deadline.save(update_fields=["cancelled_at", "paused_at"])
        running = [d for d in running if d.cancelled_at is None]

    # 4. Start what these events start — once per clock and round. A re-classification re-times a clock
    #    whose variant changed (e.g. routine 48 h → urgent 1 h), counting from when it first started.
    seen_codes = {d.clock for d in mine if d.round == complaint.round}
    done_codes: set[str] = {d.clock for d in new}  # recurring clocks already restarted in step 1
    for definition in definitions:
        if definition.code in done_codes or not events & set(definition.start_on):
            continue
        if not _applies(definition, complaint):
            continue
        done_codes.add(definition.code)
        current = next((d for d in running if d.clock == definition.code), None)
        if current is not None:
            if "classified" in events and current.definition_id != definition.id:
                current.cancelled_at = now
                current.save(update_fields=["cancelled_at"])
                replacement = new_deadline(definition, start=current.started_at)
                if current.breached_at and replacement.due_at <= now:
                    # Still overdue under the new timing: the same breach, not a second one.
                    replacement.breached_at = current.breached_at
                    replacement.reminded_at = current.reminded_at
                new.append(replacement)
            continue
        if definition.code in seen_codes and not definition.recurring:
            continue
        if definition.code in seen_codes and definition.recurring and "classified" in events:
            continue
        start = complaint.received_at if "create" in events and "create" in definition.start_on else now
        new.append(new_deadline(definition, start=start))
    if new:
        Deadline.objects.bulk_create(new)
    refresh_next_due(complaint)


def intake_deadlines(
    complaint, *, definitions: list[ClockDefinition], calendar: WorkCalendar, now: dt.datetime
) -> list[Deadline]:
    """The clocks a complaint being recorded starts (what on_events(complaint, ("create", "classified")) starts for a
    complaint that has no deadlines yet), unsaved and without a database query: its classification known, it
    may be computed before the complaint row is written. The caller inserts them and sets next_due_at to
    nearest_due() of them."""
    events = {"create", "classified"}
    new: list[Deadline] = []
    done_codes: set[str] = set()
    for definition in definitions:
        if definition.code in done_codes or not events & set(definition.start_on):
            continue
        if not _applies(definition, complaint):
            continue
        done_codes.add(definition.code)
        start = complaint.received_at if "create" in definition.start_on else now
        new.append(_new_deadline(definition, complaint, start=start, now=now, calendar=calendar))
    return new


def nearest_due(deadlines: Iterable[Deadline]) -> dt.datetime | None:
    """What refresh_next_due stores for these deadlines: the earliest due among those running."""
    due = [d.due_at for d in deadlines if d.met_at is None and d.cancelled_at is None and d.paused_at is None]
    return min(due) if due else None


def pause(complaint, *, now: dt.datetime) -> int:
    paused = Deadline.objects.filter(
        complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
    ).update(paused_at=now)
    refresh_next_due(complaint)
    return paused


def resume(complaint, *, now: dt.datetime) -> int:
    calendar = default_calendar()
    paused = list(
        Deadline.objects.filter(
            complaint=complaint, paused_at__isnull=False, met_at__isnull=True, cancelled_at__isnull=True
        )
    )
    for deadline in paused:
        new_due = extend_for_pause(
            calendar, deadline.due_at, mode=deadline.mode, paused_from=deadline.paused_at, paused_to=now
        )
        shift = new_due - deadline.due_at
        deadline.due_at = new_due
        if deadline.remind_at and not deadline.reminded_at:
            deadline.remind_at += shift
        deadline.paused_seconds += int((now - deadline.paused_at).total_seconds())
        deadline.paused_at = None
    Deadline.objects.bulk_update(paused, ["due_at", "remind_at", "paused_seconds", "paused_at"])
    refresh_next_due(complaint)
    return len(paused)


def refresh_next_due(complaint) -> None:
    from kesu.complaints.models import Complaint

    nearest = Deadline.objects.filter(
        complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
    ).aggregate(nearest=Min("due_at"))["nearest"]
    if nearest != complaint.next_due_at:
        complaint.next_due_at = nearest
        Complaint.objects.filter(pk=complaint.pk).update(next_due_at=nearest)


def deadlines_of(complaint) -> list[Deadline]:
    """This round's clocks and those still running, nearest first (what the complaint shows)."""
    prefetched = getattr(complaint, "_prefetched_objects_cache", {}).get("deadlines")
    rows = prefetched if prefetched is not None else complaint.deadlines.select_related("definition")
    return [d for d in sorted(rows, key=lambda d: (d.due_at, d.id)) if d.round == complaint.round or d.running]


def level_sensitive() -> bool:
    """Whether any active clock depends on the handling level (then an escalation re-times clocks)."""
    return any("level_gte" in repr(d.applies) for d in _definitions())
