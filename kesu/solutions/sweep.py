"""Compensation clocks (R-SOL-2): a request not decided within settings.compensation.approval_hours, or an approved
compensation not executed within execution_hours, is overdue — marked once per clock, with a
`compensation_overdue` event on the complaint and the approvers (or the executing department and the requester)
told. Run by the SLA sweep (kesu.sla.sweep.run, registered in SolutionsConfig.ready), claiming due rows with
SELECT … FOR UPDATE SKIP LOCKED from one partial index like the CAPA due dates; a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kesu.notifications.services import build, send
from kesu.notifications.text import msg

from .models import Compensation, Status

BATCH = 500


def run(*, now: dt.datetime, result, batch_size: int = BATCH) -> None:
    from kesu.complaints.events import record_events

    from .actions import approvers, executors

    while True:
        with transaction.atomic():
            due = Compensation.objects.filter(
                status__in=[Status.PENDING, Status.APPROVED],
                breached_at__isnull=True,
                due_at__isnull=False,
                due_at__lte=now,
            )
            ids = list(
                due.select_for_update(skip_locked=True)
                .order_by("due_at", "id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                break
            Compensation.objects.filter(id__in=ids, breached_at__isnull=True).update(breached_at=now)
            batch = list(Compensation.objects.filter(id__in=ids).select_related("complaint", "requested_by"))
            events, notes = [], []
            for comp in batch:
                c = comp.complaint
                waiting = comp.status == Status.PENDING
                people = approvers(comp.approver_role) if waiting else [*executors(comp), comp.requested_by]
                values = {
                    "number": c.number,
                    "amount": f"{comp.amount:.2f}",
                    "due": timezone.localtime(comp.due_at).strftime("%m-%d %H:%M"),
                }
                title = msg(
                    gettext_noop("%(number)s: compensation of %(amount)s yuan awaits a decision since %(due)s")
                    if waiting
                    else gettext_noop("%(number)s: compensation of %(amount)s yuan not executed by %(due)s"),
                    **values,
                )
                notes += build(
                    people,
                    kind="compensation_overdue",
                    complaint=c,
                    key=f"compensation-overdue:{comp.pk}:{int(comp.due_at.timestamp())}",
                    now=now,
                    title=title,
                    body=comp.reason[:500],
                )
                events.append(
                    dict(
                        complaint=c,
                        action="compensation_overdue",
                        from_status=c.status,
                        to_status=c.status,
                        data={
                            "compensation": comp.pk,
                            "amount": f"{comp.amount:.2f}",
                            "stage": "decision" if waiting else "execution",
                            "due_at": comp.due_at.isoformat(),
                        },
                    )
                )
            record_events(events, now=now)
            send(notes)
            result.breaches += len(batch)
