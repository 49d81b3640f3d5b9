"""Service order clocks (response, arrival, completion; settings.service): reminded once before they are due and
marked breached once when due, with a `clock_breached` row on the order's timeline (and `service_clock_breached`
on the linked complaint's) and the responsible people told — the technician for arrival and completion once
dispatched, otherwise whoever created the order and the supervisors.

Run by the SLA sweep (kesu.sla.sweep.run, registered in ServiceConfig.ready), claiming due rows with
SELECT … FOR UPDATE SKIP LOCKED from two partial indexes; a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.events import record_events
from kesu.notifications.services import build, send
from kesu.notifications.text import in_each_language, msg

from .models import Clock, ServiceClock, ServiceEvent

BATCH = 500


def _running():
    return ServiceClock.objects.filter(met_at__isnull=True, breached_at__isnull=True, stopped_at__isnull=True)


def _claim(qs, order: tuple[str, ...], batch_size: int) -> list[ServiceClock]:
    ids = list(qs.select_for_update(skip_locked=True).order_by(*order).values_list("id", flat=True)[:batch_size])
    if not ids:
        return []
    return list(
        ServiceClock.objects.filter(id__in=ids)
        .select_related("order", "order__technician", "order__created_by", "order__complaint")
        .order_by("id")
    )


def _people(clock: ServiceClock, supervisors: list[User]) -> list[User]:
    order = clock.order
    if clock.clock != Clock.RESPONSE and order.technician_id:
        return [order.technician]
    people = [order.created_by] if order.created_by_id else []
    return people + supervisors


def run(*, now: dt.datetime, result, batch_size: int = BATCH) -> None:
    supervisors = list(User.objects.filter(is_active=True, role=Role.SUPERVISOR).order_by("id")[:20])
    while True:
        with transaction.atomic():
            batch = _claim(
                _running().filter(remind_at__isnull=False, reminded_at__isnull=True, remind_at__lte=now),
                ("remind_at", "id"),
                batch_size,
            )
            if not batch:
                break
            ServiceClock.objects.filter(id__in=[c.id for c in batch], reminded_at__isnull=True).update(reminded_at=now)
            notes = []
            for clock in batch:
                if clock.due_at <= now:
                    continue  # already due: the breach follows in this same run
                order = clock.order
                values = {
                    "number": order.number,
                    "clock": in_each_language(clock.get_clock_display),
                    "due": timezone.localtime(clock.due_at).strftime("%m-%d %H:%M"),
                }
                notes += build(
                    _people(clock, supervisors),
                    kind="service_clock_reminder",
                    complaint=order.complaint,
                    key=f"service-remind:{clock.pk}:{int(clock.due_at.timestamp())}",
                    now=now,
                    title=msg(gettext_noop("%(number)s: %(clock)s due at %(due)s"), **values),
                )
                result.reminders += 1
            send(notes)
    while True:
        with transaction.atomic():
            batch = _claim(_running().filter(due_at__lte=now), ("due_at", "id"), batch_size)
            if not batch:
                break
            ServiceClock.objects.filter(id__in=[c.id for c in batch], breached_at__isnull=True).update(breached_at=now)
            order_events, complaint_events, notes = [], [], []
            for clock in batch:
                order = clock.order
                data = {"clock": clock.clock, "due_at": clock.due_at.isoformat()}
                order_events.append(
                    ServiceEvent(
                        order=order,
                        at=now,
                        action="clock_breached",
                        from_status=order.status,
                        to_status=order.status,
                        data=data,
                    )
                )
                if order.complaint_id:
                    complaint_events.append(
                        dict(
                            complaint=order.complaint,
                            action="service_clock_breached",
                            from_status=order.complaint.status,
                            to_status=order.complaint.status,
                            data={"service_order": order.number, **data},
                        )
                    )
                values = {
                    "number": order.number,
                    "clock": in_each_language(clock.get_clock_display),
                    "due": timezone.localtime(clock.due_at).strftime("%m-%d %H:%M"),
                }
                notes += build(
                    _people(clock, supervisors),
                    kind="service_clock_breached",
                    complaint=order.complaint,
                    key=f"service-breach:{clock.pk}:{int(clock.due_at.timestamp())}",
                    now=now,
                    title=msg(gettext_noop("%(number)s: %(clock)s overdue since %(due)s"), **values),
                )
            ServiceEvent.objects.bulk_create(order_events)
            if complaint_events:
                record_events(complaint_events, now=now)
            send(notes)
            result.breaches += len(batch)
