"""CAPA due dates as clocks: reminded before, breached at the due date — once per due date — with the owner and
the department's superiors told, the complaints escalated and the owner assessed where the playbook says so
(settings.capa). Run by the SLA sweep (kesu.sla.sweep.run, registered in QualityConfig.ready), in batches,
claiming rows with SELECT … FOR UPDATE SKIP LOCKED like the complaint deadlines; a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.notifications.services import build, send
from kesu.notifications.text import msg

from . import rules
from .models import Capa, CapaStatus

BATCH = 500


def _claim(qs, limit: int, order: tuple[str, ...]) -> list[Capa]:
    ids = list(qs.select_for_update(skip_locked=True).order_by(*order).values_list("id", flat=True)[:limit])
    if not ids:
        return []
    return list(
        Capa.objects.filter(id__in=ids).select_related("owner", "department", "department__head").order_by("id")
    )


def _complaints_by_capa(capas: list[Capa]) -> dict[int, list]:
    through = Capa.complaints.through
    out: dict[int, list] = defaultdict(list)
    for row in (
        through.objects.filter(capa_id__in=[c.id for c in capas]).select_related("complaint").order_by("complaint_id")
    ):
        out[row.capa_id].append(row.complaint)
    return out


def run(*, now: dt.datetime, result, batch_size: int = BATCH) -> None:
    """One pass; adds what it did to `result` (kesu.sla.sweep.SweepResult)."""
    settings = rules.capa_settings()
    while True:
        with transaction.atomic():
            due_soon = Capa.objects.filter(
                status=CapaStatus.OPEN, reminded_at__isnull=True, remind_at__isnull=False, remind_at__lte=now
            )
            batch = _claim(due_soon, batch_size, ("remind_at", "id"))
            if not batch:
                break
            _remind(batch, now=now, result=result)
    while True:
        with transaction.atomic():
            batch = _claim(
                Capa.objects.filter(status=CapaStatus.OPEN, breached_at__isnull=True, due_at__lte=now),
                batch_size,
                ("due_at", "id"),
            )
            if not batch:
                break
            _breach(batch, now=now, result=result, settings=settings)


def _remind(batch: list[Capa], *, now: dt.datetime, result) -> None:
    Capa.objects.filter(id__in=[c.id for c in batch], reminded_at__isnull=True).update(reminded_at=now)
    complaints = _complaints_by_capa(batch)
    rows = []
    for capa in batch:
        if capa.due_at <= now:
            continue  # the breach follows in this run
        result.reminders += 1
        mine = complaints.get(capa.id) or [None]
        rows += build(
            [capa.owner],
            kind="capa_reminder",
            complaint=mine[0],
            key=f"capa-remind:{capa.id}:{int(capa.due_at.timestamp())}",
            now=now,
            title=msg(
                gettext_noop("Corrective action %(id)s is due at %(due)s"),
                id=capa.id,
                due=timezone.localtime(capa.due_at).strftime("%m-%d %H:%M"),
            ),
            body=capa.action[:500],
        )
    send(rows)


def _breach(batch: list[Capa], *, now: dt.datetime, result, settings: dict) -> None:
    from kesu.accounts.models import User
    from kesu.accounts.roles import Role
    from kesu.assessment.models import PenaltyEntry
    from kesu.complaints.escalation import escalate_for_breach
    from kesu.complaints.events import record_events
    from kesu.routing.services import superiors

    Capa.objects.filter(id__in=[c.id for c in batch], breached_at__isnull=True).update(breached_at=now)
    complaints = _complaints_by_capa(batch)
    penalty = settings.get("penalty_amount")
    escalate = bool(settings.get("escalate_on_breach"))
    name = _("Corrective action due")
    notes, events, penalties = [], [], []
    to_escalate: dict[int, list[str]] = defaultdict(list)
    above: dict[int | None, list] = {}
    for capa in batch:
        mine = complaints.get(capa.id, [])
        key = capa.department_id
        if key not in above:
            people = superiors(capa.department) if capa.department else []
            above[key] = people or list(User.objects.filter(is_active=True, role=Role.SUPERVISOR))
        title = msg(
            gettext_noop("Corrective action %(id)s is overdue (due %(due)s)"),
            id=capa.id,
            due=timezone.localtime(capa.due_at).strftime("%m-%d %H:%M"),
        )
        notes += build(
            [capa.owner, *[p for p in above[key] if p.pk != capa.owner_id]],
            kind="capa_breach",
            complaint=mine[0] if mine else None,
            key=f"capa-breach:{capa.id}:{int(capa.due_at.timestamp())}",
            now=now,
            title=title,
            body=capa.action[:500],
        )
        for c in mine:
            events.append(
                dict(
                    complaint=c,
                    action="capa_breach",
                    from_status=c.status,
                    to_status=c.status,
                    data={"capa": capa.id, "owner": capa.owner.username, "due_at": capa.due_at.isoformat()},
                )
            )
            if escalate:
                to_escalate[c.id].append(name)
        if penalty not in (None, "") and mine:
            penalties.append(
                PenaltyEntry(
                    person=capa.owner,
                    complaint=mine[0],
                    amount=Decimal(str(penalty)),
                    rule=settings.get("penalty_rule") or name,
                    rule_en=settings.get("penalty_rule_en", "") if settings.get("penalty_rule") else "",
                    created_at=now,
                )
            )
    record_events(events, now=now)
    send(notes)
    if penalties:
        PenaltyEntry.objects.bulk_create(penalties)
        result.penalties += len(penalties)
    if to_escalate:
        result.escalations += escalate_for_breach(to_escalate, now=now)
    result.breaches += len(batch)
