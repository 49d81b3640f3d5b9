"""The SLA sweep (R-SLA-4): reminders before deadlines, and at breach: record, notify, escalate, penalise.

`run(now=...)` is the one entry point, called every minute by the background worker and by
`manage.py sla_sweep`. It reads only due rows (two partial indexes), works in batches, and does every
reminder, breach, escalation and penalty exactly once — also with several sweepers at once: rows are
claimed with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite serialises writers), re-checked in
the claiming transaction, and backed by unique keys on penalties and notifications.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.assessment.models import PenaltyEntry
from kesu.notifications.services import build, send
from kesu.notifications.text import msg

from .models import Deadline

BATCH = 500

# Clocks of other apps swept in the same pass (kesu.quality's CAPA due dates): each registers
# `hook(now=, result=, batch_size=)` in its AppConfig.ready(), so this module depends on none of them.
_hooks: list[Callable[..., None]] = []


def register(hook: Callable[..., None]) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


@dataclass
class SweepResult:
    reminders: int = 0
    breaches: int = 0
    escalations: int = 0
    penalties: int = 0

    def __str__(self) -> str:
        return (
            f"reminders={self.reminders} breaches={self.breaches} "
            f"escalations={self.escalations} penalties={self.penalties}"
        )


def _open():
    return Deadline.objects.filter(
        met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
    )


def _claim(qs, limit: int, order: tuple[str, ...]) -> list[Deadline]:
    """Lock up to `limit` rows nobody else holds, with what processing them needs.

    `order` is the order of the partial index the filter matches, so the database reads that small index
    and stops after `limit` rows. (Ordered by id, both SQLite without statistics and PostgreSQL with them
    walked the primary key of all deadlines instead: seconds per pass at a million complaints.)
    """
    ids = list(qs.select_for_update(skip_locked=True).order_by(*order).values_list("id", flat=True)[:limit])
    if not ids:
        return []
    return list(
        Deadline.objects.filter(id__in=ids)
        .select_related(
            "definition",
            "complaint",
            "complaint__owner",
            "complaint__created_by",
            "complaint__department",
            "complaint__department__head",
        )
        .order_by("id")
    )


def run(*, now: dt.datetime, batch_size: int = BATCH) -> SweepResult:
    result = SweepResult()
    while True:
        with transaction.atomic():
            # Exactly deadline_remind_idx's rows (no `due_at > now` here: on that condition PostgreSQL reads
            # every running deadline from deadline_due_idx). Those already due are marked, not announced.
            due_soon = _open().filter(remind_at__isnull=False, reminded_at__isnull=True, remind_at__lte=now)
            batch = _claim(due_soon, batch_size, ("remind_at", "id"))
            if not batch:
                break
            _remind(batch, now=now, result=result)
    superiors = _Superiors()
    while True:
        with transaction.atomic():
            batch = _claim(_open().filter(due_at__lte=now), batch_size, ("due_at", "id"))
            if not batch:
                break
            _breach(batch, now=now, result=result, superiors=superiors)
    for hook in _hooks:
        hook(now=now, result=result, batch_size=batch_size)
    return result


def _responsible(complaint) -> User | None:
    return complaint.owner or complaint.created_by


def _remind(batch: list[Deadline], *, now: dt.datetime, result: SweepResult) -> None:
    Deadline.objects.filter(id__in=[d.id for d in batch], reminded_at__isnull=True).update(reminded_at=now)
    rows = []
    for d in batch:
        if d.due_at <= now:
            continue  # overdue already: the breach follows in this same run
        c = d.complaint
        person = _responsible(c)
        result.reminders += 1
        if person is None:
            continue
        rows += build(
            [person],
            kind="sla_reminder",
            complaint=c,
            key=f"remind:{d.id}",
            now=now,
            title=msg(
                gettext_noop("%(number)s: %(clock)s due at %(due)s"),
                number=c.number,
                clock=d.definition.names if d.definition else d.clock,
                due=timezone.localtime(d.due_at).strftime("%m-%d %H:%M"),
            ),
            body=c.title,
        )
    send(rows)


class _Superiors:
    """Who stands above a complaint's owner: the department head and its supervisors (cached per sweep)."""

    def __init__(self) -> None:
        self._by_department: dict[int | None, list[User]] = {}

    def of(self, complaint) -> list[User]:
        key = complaint.department_id
        if key not in self._by_department:
            from kesu.routing.services import superiors

            people = superiors(complaint.department)
            if not people:
                people = list(User.objects.filter(is_active=True, role=Role.SUPERVISOR))
            self._by_department[key] = people
        owner_id = complaint.owner_id
        return [p for p in self._by_department[key] if p.pk != owner_id]


def _breach(batch: list[Deadline], *, now: dt.datetime, result: SweepResult, superiors: _Superiors) -> None:
    from kesu.complaints.escalation import escalate_for_breach
    from kesu.complaints.events import record_events

    Deadline.objects.filter(id__in=[d.id for d in batch], breached_at__isnull=True).update(breached_at=now)
    penalties: list[PenaltyEntry] = []
    notes = []
    events = []
    to_escalate: dict[int, list[str]] = defaultdict(list)
    for d in batch:
        c = d.complaint
        definition = d.definition
        clock_name = definition.name if definition else d.clock
        events.append(
            dict(
                complaint=c,
                action="sla_breach",
                from_status=c.status,
                to_status=c.status,
                data={"clock": d.clock, "name": clock_name, "due_at": d.due_at.isoformat(), "deadline": d.id},
            )
        )
        person = _responsible(c)
        title = msg(
            gettext_noop("%(number)s: %(clock)s is overdue"),
            number=c.number,
            clock=definition.names if definition else d.clock,
        )
        notes += build(
            [person, *superiors.of(c)],
            kind="sla_breach",
            complaint=c,
            key=f"breach:{d.id}",
            now=now,
            title=title,
            body=c.title,
        )
        if definition and definition.penalty_amount is not None:
            penalties.append(
                PenaltyEntry(
                    person=person,
                    complaint=c,
                    deadline=d,
                    amount=definition.penalty_amount,
                    rule=definition.penalty_rule or clock_name,
                    rule_en=definition.penalty_rule_en or definition.name_en,
                    created_at=now,
                )
            )
        if definition and definition.escalate_on_breach:
            to_escalate[c.id].append(clock_name)
    record_events(events, now=now)
    send(notes)
    if penalties:
        PenaltyEntry.objects.bulk_create(penalties)
        result.penalties += len(penalties)
    if to_escalate:
        result.escalations += escalate_for_breach(to_escalate, now=now)
    result.breaches += len(batch)
